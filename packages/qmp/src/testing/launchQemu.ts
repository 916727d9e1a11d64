// Starts a throwaway QEMU (CPUs stopped, no devices, TCG) with a QMP socket, for the
// integration tests and the benchmark. Each one gets its own short temporary directory:
// UNIX socket paths are limited to 107 bytes.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';

export const QEMU_BINARY = process.env.QEMU_BINARY ?? 'qemu-system-x86_64';

export interface QemuExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface LaunchedQemu {
  readonly process: ChildProcess;
  readonly qmpPath: string;
  /** Settles when the process has exited (or could not be started). */
  readonly exited: Promise<QemuExit>;
  /** What QEMU wrote on stderr so far. */
  stderr(): string;
  /** SIGKILLs QEMU if it still runs, waits for it, removes its directory. Safe to call twice. */
  kill(): Promise<void>;
}

export async function launchQemu(extraArgs: readonly string[] = []): Promise<LaunchedQemu> {
  const dir = await mkdtemp('/tmp/vq-');
  const qmpPath = join(dir, 'qmp.sock');
  const args = [
    '-S',
    '-nodefaults',
    '-display',
    'none',
    '-machine',
    'pc,accel=tcg',
    '-m',
    '64',
    '-qmp',
    `unix:${qmpPath},server=on,wait=off`,
    ...extraArgs,
  ];
  const child = spawn(QEMU_BINARY, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  const exited = new Promise<QemuExit>((resolve) => {
    // 'close' rather than 'exit': stderr has been read to its end by then.
    child.once('close', (code, signal) => resolve({ code, signal }));
    child.once('error', (error: NodeJS.ErrnoException) => {
      stderr += error.code === 'ENOENT' ? `${QEMU_BINARY} was not found (install qemu-system-x86 or set QEMU_BINARY)` : error.message;
      resolve({ code: null, signal: null });
    });
  });
  return {
    process: child,
    qmpPath,
    exited,
    stderr: () => stderr,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
