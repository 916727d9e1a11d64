import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../testing/waitFor.js';
import { isAlive, isOurQemu, processCmdline, processStartTime, terminate, watchPid, type QemuProcess } from './qemuProcess.js';

/** A child process with its exit as a QemuProcess, killed at the end whatever happens. */
function child(command: string, args: string[]): QemuProcess & { kill(): void } {
  const proc = spawn(command, args, { stdio: 'ignore' });
  let gone = false;
  const exited = once(proc, 'exit').then(([code, signal]) => {
    gone = true;
    return { code: code as number | null, signal: signal as NodeJS.Signals | null };
  });
  return {
    pid: proc.pid!,
    exited,
    get gone() {
      return gone;
    },
    kill: () => proc.kill('SIGKILL'),
  };
}

describe('QEMU processes', () => {
  it('tells a zombie from a live process', async () => {
    // The shell becomes `sleep 30`, which never reaps the short-lived child it inherited.
    const proc = spawn('/bin/sh', ['-c', 'sleep 0 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const [out] = (await once(proc.stdout, 'data')) as [Buffer];
      const zombie = Number(out.toString().trim());
      await waitFor('the child to become a zombie', () => (processStartTime(zombie) !== undefined && !isAlive(zombie) ? true : undefined));
      expect(isAlive(proc.pid!)).toBe(true);
      expect(isAlive(zombie)).toBe(false);
    } finally {
      proc.kill('SIGKILL');
    }
  });

  it('recognises our QEMU by its name, our files on its command line and its start time', async () => {
    const pidFile = '/tmp/virtdeck-test-run/qemu.pid';
    // A process whose argv[0] says qemu-system-x86_64 and whose arguments name our pid file.
    const idle = `${process.execPath} -e 'setTimeout(() => {}, 30000)' --`;
    const fake = child('bash', ['-c', `exec -a qemu-system-x86_64 ${idle} -pidfile ${pidFile}`]);
    const other = child('bash', ['-c', `exec -a not-an-emulator ${idle} -pidfile ${pidFile}`]);
    try {
      await waitFor('exec', () => (processCmdline(fake.pid)?.[0] === 'qemu-system-x86_64' && processCmdline(other.pid)?.[0] === 'not-an-emulator' ? true : undefined));
      const started = processStartTime(fake.pid);
      expect(isOurQemu(fake.pid, [pidFile], started)).toBe(true);
      expect(isOurQemu(fake.pid, ['/tmp/another/qemu.pid'])).toBe(false);
      // Same pid, another start time: the pid was reused.
      expect(isOurQemu(fake.pid, [pidFile], (started ?? 0) + 1)).toBe(false);
      expect(isOurQemu(other.pid, [pidFile])).toBe(false);
    } finally {
      fake.kill();
      other.kill();
    }
  });

  it('escalates to SIGKILL when SIGTERM is ignored', async () => {
    const readyFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'virtdeck-stubborn-')), 'ready');
    // It says when its handler is in place: on a loaded host Node takes longer than any fixed pause to get there.
    const stubborn = child(process.execPath, ['-e', "process.on('SIGTERM', () => {}); require('fs').writeFileSync(process.argv[1], 'ready'); setInterval(() => {}, 1000)", readyFile]);
    await waitFor('the handler', () => (existsSync(readyFile) ? true : undefined));
    const t0 = Date.now();
    await terminate(stubborn, 300);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(await stubborn.exited).toMatchObject({ signal: 'SIGKILL' });
    rmSync(path.dirname(readyFile), { recursive: true });
  });

  it('notices the end of a process it did not spawn', async () => {
    const other = child('sleep', ['30']);
    const watched = watchPid(other.pid, 50);
    expect(watched.gone).toBe(false);
    other.kill();
    await watched.exited;
    expect(watched.gone).toBe(true);
  });
});
