import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PoolStore } from './PoolStore.js';

describe('definition files (pools, networks)', () => {
  let stateDir: string;
  beforeEach(async () => {
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-defs-'));
  });
  afterEach(() => rm(stateDir, { recursive: true, force: true }));

  it('never reads through a symlink, and says which file is wrong', async () => {
    const pools = new PoolStore(stateDir);
    await pools.init();
    const outside = path.join(stateDir, 'outside.xml');
    await writeFile(outside, "<pool type='dir'><name>secret</name></pool>");
    await symlink(outside, path.join(pools.dir, 'linked.xml'));
    await expect(pools.read('linked')).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/^The pool 'linked' cannot be read: pools\/linked\.xml .*link/) as unknown });
    await expect(pools.read('absent')).rejects.toMatchObject({ code: 'not-found', message: "No storage pool named 'absent'" });
    await expect(pools.read('../x')).rejects.toMatchObject({ code: 'invalid-request' });
  });
});
