import { mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { HISTORY_LIMIT } from '@virtdeck/schema';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DefinitionHistory } from './DefinitionHistory.js';

describe('DefinitionHistory', () => {
  let stateDir: string;
  let clock: number;
  beforeEach(async () => {
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-history-'));
    clock = Date.UTC(2026, 11, 2, 8, 0, 0);
  });
  afterEach(async () => {
    await rm(stateDir, { recursive: true, force: true });
  });
  const history = (limit?: number) => new DefinitionHistory(stateDir, limit, () => (clock += 1000));

  it('keeps each replaced definition with when it was saved and replaced, newest first', async () => {
    const h = history();
    const saved = new Date(Date.UTC(2026, 10, 30, 12, 0, 0));
    const first = await h.keep('web', '<domain>one</domain>', saved);
    await h.keep('web', '<domain>two</domain>', new Date(Date.UTC(2026, 11, 1)));
    const versions = await h.list('web');
    expect(versions.map((v) => v.bytes)).toEqual([20, 20]);
    expect(versions[1]).toEqual(first);
    expect(first).toMatchObject({ savedAt: '2026-11-30T12:00:00.000Z', replacedAt: '2026-12-02T08:00:01.000Z' });
    expect(await h.read('web', versions[0]?.id ?? '')).toBe('<domain>two</domain>');
    expect(await h.list('other')).toEqual([]);
  });

  it('forgets the oldest versions beyond its limit', async () => {
    const h = history(3);
    for (const n of [1, 2, 3, 4, 5]) await h.keep('web', `<domain>${n}</domain>`, new Date());
    const versions = await h.list('web');
    expect(await Promise.all(versions.map((v) => h.read('web', v.id)))).toEqual(['<domain>5</domain>', '<domain>4</domain>', '<domain>3</domain>']);
    expect(await readdir(path.join(stateDir, 'history', 'web'))).toHaveLength(3);
  });

  it("keeps @virtdeck/schema's HISTORY_LIMIT versions unless told otherwise (the number the history pane gives)", async () => {
    const h = history();
    for (let n = 0; n <= HISTORY_LIMIT; n++) await h.keep('web', `<domain>${n}</domain>`, new Date());
    const versions = await h.list('web');
    expect(versions).toHaveLength(HISTORY_LIMIT);
    expect(await h.read('web', versions[HISTORY_LIMIT - 1]?.id ?? '')).toBe('<domain>1</domain>');
  });

  it('refuses ids that are not its own and never follows a symlink', async () => {
    const h = history();
    await h.keep('web', '<domain/>', new Date());
    await expect(h.read('web', '../../../etc/passwd')).rejects.toMatchObject({ code: 'invalid-request' });
    await expect(h.read('web', '0000000000001-00000000')).rejects.toMatchObject({ code: 'not-found' });
    const outside = path.join(stateDir, 'secret.txt');
    await writeFile(outside, 'secret');
    await symlink(outside, path.join(stateDir, 'history', 'web', '0000000000002-00000000.xml'));
    await expect(h.read('web', '0000000000002-00000000')).rejects.toMatchObject({ code: 'not-found' });
    expect((await h.list('web')).map((v) => v.id)).not.toContain('0000000000002-00000000');
  });

  it('forgets everything when the guest goes', async () => {
    const h = history();
    await h.keep('web', '<domain/>', new Date());
    await h.remove('web');
    expect(await h.list('web')).toEqual([]);
  });
});
