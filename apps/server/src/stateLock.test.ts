import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockStateDir } from './stateLock.js';

describe('the state directory lock', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-lock-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a second server while the first runs, and takes over from one that died', async () => {
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      await writeFile(path.join(dir, 'server.pid'), `${other.pid}\n`);
      await expect(lockStateDir(dir)).rejects.toThrow(new RegExp(`Another virtdeck server \\(pid ${other.pid}\\)`));
    } finally {
      other.kill('SIGKILL');
      await new Promise((resolve) => other.once('exit', resolve));
    }
    const lock = await lockStateDir(dir);
    expect((await readFile(path.join(dir, 'server.pid'), 'utf8')).trim()).toBe(String(process.pid));
    await lock.release();
    await expect(readFile(path.join(dir, 'server.pid'))).rejects.toThrow();
  });

  it('does not mistake an unrelated process with a reused pid for a server', async () => {
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await writeFile(path.join(dir, 'server.pid'), `${sleeper.pid}\n`);
      const lock = await lockStateDir(dir);
      await lock.release();
    } finally {
      sleeper.kill('SIGKILL');
    }
  });
});
