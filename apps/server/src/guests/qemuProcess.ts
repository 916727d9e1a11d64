import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { constants, readFileSync } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { QemuUser } from '../confine/qemuUser.js';
import { VirtdeckError } from '../errors.js';
import { openStateAppend, readStateTail } from '../storage/stateFile.js';

/** How a QEMU process ended; unknown for a process we did not spawn (found after a restart). */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface QemuProcess {
  pid: number;
  /** Settles when the process is gone, however it ended. */
  exited: Promise<ProcessExit | undefined>;
  /** True once `exited` has settled. */
  readonly gone: boolean;
}

export interface LaunchOptions {
  /** Open descriptors QEMU inherits as fd 3, 4, … (files handed over by the server). */
  fds?: readonly number[];
  /** Run QEMU as this user, with that user's groups (QemuUser.groups). */
  user?: QemuUser;
}

/** util-linux's setpriv(1), in Debian's essential set: it changes user and groups and execs QEMU. */
export const SETPRIV = 'setpriv';

/**
 * What to execve to run `argv` as `user` with its groups, as libvirt's virSetUIDGID does.
 * Node's spawn({ uid, gid }) cannot: libuv then drops every supplementary group, so a QEMU
 * in group kvm could not open a 0660 root:kvm /dev/kvm. setpriv execs the emulator, so the pid
 * the server spawns is QEMU's, and the descriptors it inherits (fd 3, 4, …) stay open.
 */
export function confinedArgv(argv: readonly string[], user: QemuUser): string[] {
  const ids = (ids: readonly number[]) => ids.map(String).join(',');
  return [SETPRIV, `--reuid=${user.uid}`, `--regid=${user.gid}`, `--groups=${ids(user.groups)}`, '--', ...argv];
}

/**
 * Starts QEMU detached from the server (its own session, stdio to its log file), so a
 * restart or crash of the server never touches the guest. Never through a shell: argv
 * goes to execve as it is.
 */
export async function launchQemu(argv: readonly string[], env: Record<string, string>, logFile: string, cwd: string, options: LaunchOptions = {}): Promise<QemuProcess> {
  const [emulator] = argv;
  if (!emulator) throw new VirtdeckError('internal', 'The QEMU command line is empty');
  // Appended to as root: a link planted in its place must not name a file of the host's.
  const log = await openStateAppend(logFile);
  try {
    await log.write(`\n--- ${new Date().toISOString()} ${emulator} launched by virtdeck\n`);
    // Behind setpriv a missing emulator would only show as setpriv's exit: say it as without.
    if (options.user && path.isAbsolute(emulator)) await assertExecutable(emulator);
    const [program = emulator, ...programArgs] = options.user ? confinedArgv(argv, options.user) : argv;
    const child = spawn(program, programArgs, {
      cwd,
      detached: true,
      stdio: ['ignore', log.fd, log.fd, ...(options.fds ?? [])],
      // QEMU's messages in English whatever the server's locale, as libvirt does.
      env: { ...process.env, ...env, LC_ALL: 'C' },
    });
    const spawnError = await Promise.race([
      once(child, 'spawn').then(() => undefined),
      once(child, 'error').then(([error]) => error as NodeJS.ErrnoException),
    ]);
    if (spawnError) throw cannotRun(program === SETPRIV ? SETPRIV : emulator, spawnError);
    child.unref();
    const pid = child.pid;
    if (pid === undefined) throw new VirtdeckError('qemu-failed', `Could not run ${emulator}: no process id`);
    let gone = false;
    const exited = new Promise<ProcessExit>((resolve) =>
      child.once('exit', (code, signal) => {
        gone = true;
        resolve({ code, signal });
      }),
    );
    return {
      pid,
      exited,
      get gone() {
        return gone;
      },
    };
  } finally {
    await log.close();
  }
}

const INSTALL_HINT: Record<string, string> = {
  [SETPRIV]: ' (it comes with util-linux: apt-get install util-linux)',
};

function cannotRun(program: string, error: NodeJS.ErrnoException): VirtdeckError {
  const code = error.code === 'ENOENT' ? 'qemu-missing' : 'qemu-failed';
  const hint = error.code === 'ENOENT' ? (INSTALL_HINT[program] ?? ' (install QEMU: apt-get install qemu-system-x86 qemu-utils)') : '';
  return new VirtdeckError(code, `Could not run ${program}: ${error.message}${hint}`, { cause: error });
}

async function assertExecutable(file: string): Promise<void> {
  try {
    await access(file, constants.X_OK);
  } catch (error) {
    throw cannotRun(file, error as NodeJS.ErrnoException);
  }
}

/**
 * A process we did not spawn ourselves (found again after a server restart): there is no
 * exit event, so its liveness is polled; `wake()` checks at once (e.g. when its QMP socket
 * closes, which is how a QEMU exit usually shows first).
 */
export function watchPid(pid: number, intervalMs = 250): QemuProcess & { wake(): void } {
  let gone = false;
  let check = () => undefined as void;
  const exited = new Promise<undefined>((resolve) => {
    const timer = setInterval(() => check(), intervalMs);
    timer.unref();
    check = () => {
      if (gone || isAlive(pid)) return;
      gone = true;
      clearInterval(timer);
      resolve(undefined);
    };
  });
  return {
    pid,
    exited,
    get gone() {
      return gone;
    },
    wake: () => {
      check();
      // The socket may close a moment before the process is fully gone.
      for (const ms of [20, 100, 500]) setTimeout(() => check(), ms).unref();
    },
  };
}

/** Alive and not a zombie: an exited process that nobody reaped still answers kill(0). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const state = readStatField(pid, 0);
  return state !== undefined && state !== 'Z' && state !== 'X';
}

/**
 * When the process started, in clock ticks after boot (/proc/PID/stat field 22): with the pid
 * it identifies a process for good, because a reused pid gets a later start time.
 */
export function processStartTime(pid: number): number | undefined {
  const value = readStatField(pid, 19);
  return value === undefined ? undefined : Number(value);
}

/** utime + stime of the whole process (threads included, live and exited), in clock ticks. */
export function processCpuTicks(pid: number): number | undefined {
  const utime = readStatField(pid, 11);
  const stime = readStatField(pid, 12);
  return utime === undefined || stime === undefined ? undefined : Number(utime) + Number(stime);
}

/** The process's user-mode CPU time in clock ticks (utime, which holds the time its vCPUs ran a KVM guest). */
export function processUserCpuTicks(pid: number): number | undefined {
  const utime = readStatField(pid, 11);
  return utime === undefined ? undefined : Number(utime);
}

/** Fields of /proc/PID/stat after the command name, from field 3 (state) = index 0. */
function readStatField(pid: number, index: number): string | undefined {
  try {
    // Synchronous on purpose: /proc reads never block on disk, and this runs in poll loops.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold anything, spaces and ')' included.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[index];
  } catch {
    return undefined;
  }
}

export function processCmdline(pid: number): string[] | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').filter((arg, i, all) => arg !== '' || i < all.length - 1);
  } catch {
    return undefined;
  }
}

/**
 * Is `pid` the QEMU we started for this run folder, and not some other process that got the
 * pid after ours died? Its command must be a QEMU and name one of our files (its pid file or
 * monitor socket); and when we recorded its start time, that must match too.
 */
export function isOurQemu(pid: number, ownFiles: readonly string[], startTime?: number): boolean {
  if (!isAlive(pid)) return false;
  const cmdline = processCmdline(pid);
  const program = cmdline?.[0];
  if (!cmdline || !program || !path.basename(program).includes('qemu')) return false;
  if (!cmdline.some((arg) => ownFiles.some((file) => arg.includes(file)))) return false;
  return startTime === undefined || processStartTime(pid) === startTime;
}

/** Sends SIGTERM, then SIGKILL if the process has not gone within `graceMs`; resolves when gone. */
export async function terminate(proc: QemuProcess, graceMs = 3000): Promise<void> {
  if (proc.gone) return;
  signal(proc.pid, 'SIGTERM');
  const ac = new AbortController();
  const gone = await Promise.race([proc.exited.then(() => true), delay(graceMs, false, { signal: ac.signal }).catch(() => false)]);
  ac.abort();
  if (!gone) {
    signal(proc.pid, 'SIGKILL');
    await proc.exited;
  }
}

export function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** The end of QEMU's log since its last launch: what it printed before failing, for the error the user sees. */
export async function tailOf(file: string, maxBytes = 4096): Promise<string> {
  try {
    const text = (await readStateTail(file, maxBytes)).data.toString('utf8');
    const lastLaunch = text.lastIndexOf('\n--- ');
    const body = lastLaunch >= 0 ? text.slice(text.indexOf('\n', lastLaunch + 1) + 1) : text;
    return body.trim();
  } catch {
    return '';
  }
}
