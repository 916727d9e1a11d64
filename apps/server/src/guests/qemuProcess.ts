import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import { VirtdeckError } from '../errors.js';

export interface QemuProcess {
  pid: number;
  /** Settles when the process is gone, however it ended. */
  exited: Promise<void>;
}

/**
 * Starts QEMU detached from the server (its own session, stdio to its log file), so a
 * restart or crash of the server never touches the guest. Never through a shell: argv
 * goes to execve as it is.
 */
export async function launchQemu(argv: readonly string[], logFile: string, cwd: string): Promise<QemuProcess> {
  const [emulator, ...args] = argv;
  if (!emulator) throw new VirtdeckError('internal', 'The QEMU command line is empty');
  const log = await fs.open(logFile, 'a');
  try {
    await log.write(`\n--- ${new Date().toISOString()} ${emulator} launched by virtdeck\n`);
    const child = spawn(emulator, args, { cwd, detached: true, stdio: ['ignore', log.fd, log.fd] });
    const spawned = await Promise.race([once(child, 'spawn').then(() => undefined), once(child, 'error').then(([error]) => error as NodeJS.ErrnoException)]);
    if (spawned) {
      const code = spawned.code === 'ENOENT' ? 'qemu-missing' : 'qemu-failed';
      throw new VirtdeckError(code, `Could not run ${emulator}: ${spawned.message}`, { cause: spawned });
    }
    child.unref();
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    return { pid: child.pid!, exited };
  } finally {
    await log.close();
  }
}

/** A process we did not spawn ourselves (found again after a server restart). */
export function watchPid(pid: number, intervalMs = 100): QemuProcess {
  const exited = new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (!isAlive(pid)) {
        clearInterval(timer);
        resolve();
      }
    }, intervalMs);
    timer.unref();
  });
  return { pid, exited };
}

/** Alive and not a zombie: an exited process that nobody reaped still answers kill(0). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  return readProcState(pid) !== 'Z';
}

function readProcState(pid: number): string | undefined {
  try {
    // Synchronous on purpose: /proc reads never block on disk and this runs in a poll loop.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state letter follows the command name, which is in parentheses and may hold anything.
    const afterName = stat.lastIndexOf(')') + 2;
    return stat.slice(afterName, afterName + 1);
  } catch {
    return undefined;
  }
}

/** Sends SIGTERM, then SIGKILL if the process has not gone within `graceMs`; resolves when gone. */
export async function terminate(proc: QemuProcess, graceMs = 3000): Promise<void> {
  signal(proc.pid, 'SIGTERM');
  const gone = await Promise.race([proc.exited.then(() => true), delay(graceMs).then(() => false)]);
  if (!gone) {
    signal(proc.pid, 'SIGKILL');
    await proc.exited;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The end of QEMU's log: what it printed before failing, for the error the user sees. */
export async function tailOf(file: string, maxBytes = 4096): Promise<string> {
  try {
    const handle = await fs.open(file, 'r');
    try {
      const { size } = await handle.stat();
      const start = Math.max(0, size - maxBytes);
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(size - start), 0, size - start, start);
      const text = buffer.subarray(0, bytesRead).toString('utf8');
      const lastLaunch = text.lastIndexOf('\n--- ');
      const body = lastLaunch >= 0 ? text.slice(text.indexOf('\n', lastLaunch + 1) + 1) : text;
      return body.trim();
    } finally {
      await handle.close();
    }
  } catch {
    return '';
  }
}
