import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { classify, KEEPALIVE_ARGS, silentFailure, virsh, virshEnvironment, VirshError } from './virsh.js';

/** How long one command in the session may take before the session is ended. */
const COMMAND_TIMEOUT_MS = 60_000;
/** After a session that ended without answering anything (the host cannot be reached), how long commands go to virsh of their own. */
const RESTART_PAUSE_MS = 5000;
/** virsh's prompt (`virsh # ` read-write, `virsh > ` read-only), which its line editor writes before each command it reads. */
const PROMPT = String.raw`virsh [#>] `;

/**
 * One argument as virsh's own command parser reads it back unchanged: in single quotes,
 * inside which nothing is special (no `;`, `#`, `$`, `"` or backslash), a single quote
 * written as `'\''` (close, an escaped quote, open again), as in a POSIX shell. Only
 * printable ASCII is written this way: a newline would end the command, a tab would ask
 * the line editor for completions, and in the C locale the line editor reads bytes of 128
 * and up as Meta keys. Such arguments answer undefined (the command runs in a virsh of its
 * own, with an argument array).
 */
export function quoteVirshArgument(argument: string): string | undefined {
  if (!/^[\x20-\x7e]*$/.test(argument)) return undefined;
  return `'${argument.replaceAll("'", String.raw`'\''`)}'`;
}

/** A command line for the session, or undefined when an argument cannot be written into one. */
export function sessionCommandLine(args: readonly string[]): string | undefined {
  if (args.length === 0) return undefined;
  const quoted = args.map(quoteVirshArgument);
  return quoted.every((q) => q !== undefined) ? quoted.join(' ') : undefined;
}

/** The two commands that mark the end of a command's output: on stderr, then on stdout. */
export function markerCommands(marker: string): { err: string; out: string } {
  // The marker split in two quoted halves: the line editor's echo of the command holds
  // `'VD''…'`, and only echo's output holds the marker in one piece.
  const split = `'${marker.slice(0, 2)}''${marker.slice(2)}'`;
  return { err: `echo --err ${split}`, out: `echo ${split}` };
}

/**
 * What a command printed on stdout, from what the session wrote from the end of the last
 * marker up to this command's marker: the line editor's echo of the command line (up to its
 * first newline: arguments hold none), the command's output, and the echoes of the two
 * marker commands, each after a prompt. Undefined when the text is not of that shape.
 */
export function commandOutput(text: string, marker: string): string | undefined {
  const { err, out } = markerCommands(marker);
  const start = text.indexOf('\n');
  if (start < 0 || !new RegExp(`^${PROMPT}`).test(text)) return undefined;
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, String.raw`\$&`);
  const tail = new RegExp(`${PROMPT}${escape(err)}\\n${PROMPT}${escape(out)}\\n$`).exec(text.slice(start + 1));
  if (!tail) return undefined;
  return text.slice(start + 1, start + 1 + tail.index);
}

/**
 * What a command printed on stderr, from what the session wrote there since the last
 * marker: libvirt's errors, without the note of an interactive virsh that reconnected
 * (it says so as an error, before running the command it reconnected for).
 */
export function commandErrors(text: string): string {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '' && line.trim() !== 'error: Reconnected to the hypervisor')
    .join('\n');
}

interface Pending {
  args: readonly string[];
  line: string;
  marker: string;
  timeoutMs: number;
  resolve: (stdout: string) => void;
  reject: (error: unknown) => void;
}

/** A reason to give a command to a virsh of its own: the session could not run it. */
class SessionUnusable extends Error {}

/**
 * One long-lived interactive `virsh --connect URI` per host for commands that only read
 * (dumpxml, domstate, dominfo, list, domstats…): a virsh costs ~50 ms to start and connect,
 * a command in a session that is up a few. Commands are written to its stdin one at a time,
 * each followed by `echo --err MARKER` and `echo MARKER` (a marker unique to the session and
 * the command), and what it printed up to the markers is its answer; a command that printed
 * `error:` lines failed, and those are its VirshError, as virsh()'s. Every argument is
 * single-quoted for virsh's parser (quoteVirshArgument); a command whose arguments cannot
 * be written so, or that finds the session dead or speaking out of turn, runs in a virsh of
 * its own instead (they only read, so running one again is harmless). A command that does
 * not answer in time ends the session and fails; the next command starts a new one.
 */
export class VirshSession {
  private child: ChildProcessWithoutNullStreams | undefined;
  private stdout = '';
  private stderr = '';
  private readonly queue: Pending[] = [];
  private current: { pending: Pending; timer: NodeJS.Timeout } | undefined;
  private readonly nonce = randomBytes(6).toString('hex');
  private sequence = 0;
  /** Whether the running session has answered a command (one that never did points to an unreachable host). */
  private answered = false;
  private pausedUntil = 0;
  private closed = false;
  /** How many commands went through the session and how many to a virsh of their own (for the bench and tests). */
  readonly counts = { session: 0, spawned: 0, restarts: 0 };

  constructor(private readonly uri: string) {}

  /** The session's virsh, while one runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  run(args: readonly string[], { timeoutMs = COMMAND_TIMEOUT_MS } = {}): Promise<string> {
    const line = sessionCommandLine(args);
    if (line === undefined || this.closed || Date.now() < this.pausedUntil) return this.spawned(args, timeoutMs);
    return new Promise<string>((resolve, reject) => {
      this.queue.push({ args, line, marker: `VD${this.nonce}${(this.sequence++).toString(36)}`, timeoutMs, resolve, reject });
      this.next();
    }).catch((error: unknown) => {
      if (error instanceof SessionUnusable) return this.spawned(args, timeoutMs);
      throw error;
    });
  }

  /** Ends the session; commands queued run in virsh of their own. */
  close(): void {
    this.closed = true;
    this.end(new SessionUnusable('the session was closed'));
  }

  private spawned(args: readonly string[], timeoutMs: number): Promise<string> {
    this.counts.spawned++;
    return virsh(this.uri, args, { timeoutMs });
  }

  private next(): void {
    if (this.current || this.queue.length === 0) return;
    const child = this.child ?? this.start();
    const pending = this.queue.shift() as Pending;
    const timer = setTimeout(() => {
      this.end(new VirshError(silentFailure(pending.args[0] ?? '', { killed: true }, pending.timeoutMs), undefined, 'qemu-failed'), pending);
    }, pending.timeoutMs);
    this.current = { pending, timer };
    const { err, out } = markerCommands(pending.marker);
    child.stdin.write(`${pending.line}\n${err}\n${out}\n`);
  }

  private start(): ChildProcessWithoutNullStreams {
    this.counts.restarts++;
    // TERM and INPUTRC: the line editor's behaviour is its own, not a user's settings.
    const child = spawn('virsh', ['--quiet', ...KEEPALIVE_ARGS, '--connect', this.uri], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...virshEnvironment(), TERM: 'dumb', INPUTRC: '/dev/null' },
    });
    this.child = child;
    this.stdout = '';
    this.stderr = '';
    this.answered = false;
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      if (this.child !== child) return;
      this.stdout += text;
      this.check();
    });
    child.stderr.on('data', (text: string) => {
      if (this.child !== child) return;
      this.stderr += text;
      this.check();
    });
    child.stdin.on('error', () => undefined);
    child.on('error', () => {
      if (this.child === child) this.end(new SessionUnusable('virsh could not be started'));
    });
    child.on('close', () => {
      if (this.child !== child) return;
      if (!this.answered) this.pausedUntil = Date.now() + RESTART_PAUSE_MS;
      this.end(new SessionUnusable('the session ended'));
    });
    return child;
  }

  /** Answers the command in flight once both its markers are in. */
  private check(): void {
    const current = this.current;
    if (!current) return;
    const { marker } = current.pending;
    const errMarker = `error: ${marker}\n`;
    const outAt = this.stdout.indexOf(marker);
    const errAt = this.stderr.indexOf(errMarker);
    if (outAt < 0 || errAt < 0) return;
    const output = commandOutput(this.stdout.slice(0, outAt), marker);
    const errors = commandErrors(this.stderr.slice(0, errAt));
    this.stdout = this.stdout.slice(outAt + marker.length);
    this.stderr = this.stderr.slice(errAt + errMarker.length);
    if (output === undefined) {
      this.end(new SessionUnusable('the session answered out of turn'), current.pending);
      return;
    }
    const error = /^error:/m.test(errors) ? classify(errors) : undefined;
    if (error?.connection) {
      // An interactive virsh notes a lost connection whenever it notices (perhaps while idle,
      // before this command, which it then reconnected for): a virsh of its own says whether
      // the host can be reached, and the next command starts a new session.
      this.end(new SessionUnusable('the connection was lost'), current.pending);
      return;
    }
    clearTimeout(current.timer);
    this.current = undefined;
    this.answered = true;
    this.counts.session++;
    if (error) current.pending.reject(error);
    else current.pending.resolve(output);
    this.next();
  }

  /** Ends the session: the command in flight fails with `error`, the queued ones go to virsh of their own. */
  private end(error: unknown, inFlight = this.current?.pending): void {
    const child = this.child;
    this.child = undefined;
    if (this.current) clearTimeout(this.current.timer);
    this.current = undefined;
    child?.kill('SIGKILL');
    inFlight?.reject(error);
    for (const pending of this.queue.splice(0)) pending.reject(new SessionUnusable('the session ended'));
    if (this.closed) return;
    // Commands that arrived meanwhile start a new session.
    this.next();
  }
}
