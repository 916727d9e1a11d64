import { execFile, type ExecFileException } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { VirtdeckError, type ErrorCode } from '../../errors.js';

/** How long one virsh command may take; an SSH connection to a slow host is included. */
const COMMAND_TIMEOUT_MS = 60_000;
/** libvirt's keepalive, so a connection whose peer vanished is noticed in seconds, not minutes. */
export const KEEPALIVE_ARGS = ['--keepalive-interval', '2', '--keepalive-count', '3'];

/** Why a connection failed, as the host list shows it. */
export type ConnectionFailure = 'auth-failed' | 'lost';

/** A virsh command that failed: its message, and whether the connection itself is the cause. */
export class VirshError extends Error {
  constructor(
    message: string,
    readonly connection: ConnectionFailure | undefined,
    readonly code: ErrorCode,
    /** libvirt's own words, without virtdeck's reading of them (which names no host). */
    readonly said: string = message,
  ) {
    super(message);
    this.name = 'VirshError';
  }

  toVirtdeckError(): VirtdeckError {
    return new VirtdeckError(this.code, this.message, { cause: this });
  }
}

/**
 * Runs `virsh --connect URI ARGS…` (execFile with an argument array: no shell ever sees a
 * guest's name or a URI) and answers with its stdout. `--quiet` keeps status lines out of
 * what is parsed. A failure is a VirshError that says what libvirt said.
 */
export function virsh(uri: string, args: readonly string[], { timeoutMs = COMMAND_TIMEOUT_MS } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'virsh',
      ['--quiet', ...KEEPALIVE_ARGS, '--connect', uri, ...args],
      { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: virshEnvironment() },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          return reject(new VirshError('virsh is not installed on this machine (Debian: apt-get install libvirt-clients)', 'lost', 'unavailable'));
        }
        const text = stderr.trim() || silentFailure(args[0] ?? '', error, timeoutMs);
        reject(classify(text));
      },
    );
  });
}

/**
 * What a virsh that printed no error died of, in words that name neither the URI nor the
 * command's flags (the keepalive flags would read as a lost connection to classify()).
 */
export function silentFailure(command: string, error: Pick<ExecFileException, 'killed' | 'signal' | 'code'>, timeoutMs: number): string {
  if (error.killed) return `virsh ${command} did not answer within ${timeoutMs / 1000} s`;
  if (error.signal) return `virsh ${command} crashed (${error.signal}) without a message`;
  return `virsh ${command} failed (exit status ${String(error.code)}) without a message`;
}

/** Runs virsh with an XML text in a private temporary file (virsh reads it here and sends it to the host). */
export async function virshWithFile(uri: string, text: string, args: (file: string) => string[]): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-virsh-'));
  const file = path.join(dir, 'domain.xml');
  try {
    await writeFile(file, text, { mode: 0o600 });
    return await virsh(uri, args(file));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** virsh's environment: no locale surprises in what is parsed, and never a password prompt. */
export function virshEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C', LANG: 'C' };
  delete env.SSH_ASKPASS;
  delete env.DISPLAY;
  // virsh's own settings (VIRSH_DEBUG writes its debug lines into what is parsed, VIRSH_DEFAULT_CONNECT_URI…).
  for (const key of Object.keys(env)) if (key.startsWith('VIRSH_')) delete env[key];
  return env;
}

/**
 * Sorts libvirt's error text: what means the connection is gone or refused, what is a
 * missing guest or a request that does not fit the guest's state.
 */
export function classify(stderr: string): VirshError {
  const message = stderr
    .split('\n')
    .map((line) => line.replace(/^error:\s*/, '').trim())
    .filter((line) => line.length > 0)
    .join('; ');
  if (/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|No .*host key is known/i.test(message)) {
    return new VirshError(`The SSH host key of this host is unknown or has changed, so the connection was refused; add it to known_hosts after checking it (${message})`, 'auth-failed', 'unavailable', message);
  }
  if (/Permission denied|authentication (failed|unavailable)|Authentication failed/i.test(message)) {
    return new VirshError(`The host refused the login: ${message}`, 'auth-failed', 'unavailable', message);
  }
  if (/failed to connect to the hypervisor|Failed to connect socket|Cannot recv data|End of file while reading data|Connection reset|no connection driver|Broken pipe|Disconnected from|unable to connect|Connection refused|Connection closed|keepalive/i.test(message)) {
    return new VirshError(`The host cannot be reached: ${message}`, 'lost', 'unavailable', message);
  }
  if (/failed to get domain|Domain not found|no domain with matching name/i.test(message)) return new VirshError(message, undefined, 'not-found');
  if (/Requested operation is not valid|domain is (not|already) running|is already active|not running|already exists/i.test(message)) {
    return new VirshError(message, undefined, 'conflict');
  }
  if (/XML error|XML document failed to validate|invalid argument|unsupported configuration|XML description/i.test(message)) {
    return new VirshError(message, undefined, 'invalid-xml');
  }
  return new VirshError(message, undefined, 'qemu-failed');
}
