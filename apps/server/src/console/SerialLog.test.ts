import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupOf, readLogTail, SerialLog } from './SerialLog.js';

describe('SerialLog', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-serial-log-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const drained = (log: SerialLog) => new Promise<void>((resolve) => log.onDrain(resolve));

  it('rotates at its size limit, keeps at most two files, and loses no byte of the recent output', async () => {
    const file = path.join(dir, 'serial.log');
    const log = new SerialLog(file, { maxBytes: 1000 });
    const written: Buffer[] = [];
    for (let i = 0; i < 50; i++) {
      const chunk = randomBytes(97);
      written.push(chunk);
      log.append(chunk);
    }
    await log.close();
    const all = Buffer.concat(written);
    const current = await readFile(file);
    const previous = await readFile(backupOf(file));
    expect(current.length).toBeLessThanOrEqual(1000);
    expect(previous.length).toBe(1000);
    // The two files hold exactly the end of the stream, in order.
    expect(Buffer.concat([previous, current]).equals(all.subarray(all.length - previous.length - current.length))).toBe(true);
    expect(current.length).toBe(all.length % 1000 || 1000);
  });

  it('appends to an existing log and rotates it when it is already full', async () => {
    const file = path.join(dir, 'serial.log');
    const first = new SerialLog(file, { maxBytes: 10 });
    first.append(Buffer.from('0123456789'));
    await first.close();
    const second = new SerialLog(file, { maxBytes: 10 });
    const done = drained(second);
    second.append(Buffer.from('abc'));
    await done;
    await second.close();
    expect(await readFile(backupOf(file), 'utf8')).toBe('0123456789');
    expect(await readFile(file, 'utf8')).toBe('abc');
  });

  it('keeps going when the log cannot be written, and says why', async () => {
    const errors: string[] = [];
    const log = new SerialLog(path.join(dir, 'missing-folder', 'serial.log'), { onError: (m) => errors.push(m) });
    const done = drained(log);
    log.append(Buffer.from('lost'));
    await done;
    expect(errors[0]).toMatch(/ENOENT/);
    expect(log.pendingBytes).toBe(0);
  });

  it('reads the tail across the rotated file', async () => {
    const file = path.join(dir, 'serial.log');
    const log = new SerialLog(file, { maxBytes: 8 });
    log.append(Buffer.from('aaaaaaaabbbbbbbbcc'));
    await log.close();
    expect((await readLogTail(file, 5)).toString()).toBe('bbbcc');
    expect((await readLogTail(file, 100)).toString()).toBe('bbbbbbbbcc');
    expect((await readLogTail(path.join(dir, 'none.log'), 100)).length).toBe(0);
    expect((await stat(file)).size).toBe(2);
  });
});
