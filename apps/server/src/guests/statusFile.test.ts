import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readStatus, StatusWriter } from './statusFile.js';

describe('status.json', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-status-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps the last of several quick writes', async () => {
    const file = path.join(dir, 'status.json');
    const writer = new StatusWriter(file);
    for (const state of ['running', 'paused', 'running', 'shutdown'] as const) {
      void writer.write({ state, reason: 'user', since: '2026-01-01T00:00:00.000Z', pid: 42 });
    }
    await writer.flush();
    expect(await readStatus(file)).toEqual({ state: 'shutdown', reason: 'user', since: '2026-01-01T00:00:00.000Z', pid: 42 });
  });

  it('reads nothing from a missing or damaged file', async () => {
    const file = path.join(dir, 'status.json');
    expect(await readStatus(file)).toBeUndefined();
    await writeFile(file, '{"state":"exploded"}');
    expect(await readStatus(file)).toBeUndefined();
    await writeFile(file, '{"sta');
    expect(await readStatus(file)).toBeUndefined();
  });
});
