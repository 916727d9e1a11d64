/**
 * A short QMP conversation with a QEMU started with `-qmp stdio`, used only to probe
 * capabilities. Talking over the child's pipes needs no socket (so no path-length limit
 * and nothing to clean up); guests are driven by @virtdeck/qmp over their QMP socket.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';

export class QmpProbeError extends Error {
  override name = 'QmpProbeError';
}

/** QEMU answered a command with an error (the session goes on). */
export class QmpCommandError extends QmpProbeError {
  override name = 'QmpCommandError';
}

interface Pending {
  command: string;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

export class QmpStdioSession {
  private buffer = '';
  private nextId = 1;
  private readonly pending = new Map<string, Pending>();
  private greeting: { resolve: () => void; reject: (e: Error) => void } | undefined;
  private readonly greeted: Promise<void>;
  private closed: Error | undefined;

  constructor(private readonly child: ChildProcessWithoutNullStreams) {
    this.greeted = new Promise((resolve, reject) => {
      this.greeting = { resolve, reject };
    });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => this.onData(chunk));
    child.on('exit', (code, signal) => this.fail(new QmpProbeError(`QEMU exited (${signal ?? `code ${code}`}) during the probe`)));
    child.on('error', (error) => this.fail(new QmpProbeError(`cannot run QEMU: ${error.message}`)));
  }

  /** Waits for the greeting and leaves capability negotiation mode. */
  async start(): Promise<void> {
    await this.greeted;
    await this.execute('qmp_capabilities');
  }

  execute(command: string, args?: Record<string, unknown>): Promise<unknown> {
    if (this.closed) return Promise.reject(this.closed);
    const id = `probe-${this.nextId++}`;
    const message = JSON.stringify(args ? { execute: command, arguments: args, id } : { execute: command, id });
    return new Promise((resolve, reject) => {
      this.pending.set(id, { command, resolve, reject });
      this.child.stdin.write(`${message}\n`);
    });
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let newline = this.buffer.indexOf('\n');
    while (newline >= 0) {
      const line = this.buffer.slice(0, newline).trim();
      this.buffer = this.buffer.slice(newline + 1);
      if (line !== '') this.onLine(line);
      newline = this.buffer.indexOf('\n');
    }
  }

  private onLine(line: string): void {
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return; // QEMU may print non-QMP warnings on stdout; they are not replies
    }
    if ('QMP' in message) {
      this.greeting?.resolve();
      this.greeting = undefined;
      return;
    }
    const id = typeof message.id === 'string' ? message.id : undefined;
    const pending = id === undefined ? undefined : this.pending.get(id);
    if (!pending || id === undefined) return; // events and unrelated replies
    this.pending.delete(id);
    if ('error' in message) {
      const error = message.error as { class?: string; desc?: string } | undefined;
      pending.reject(new QmpCommandError(`${pending.command} failed: ${error?.class ?? 'Error'}: ${error?.desc ?? 'no description'}`));
    } else {
      pending.resolve(message.return);
    }
  }

  private fail(error: Error): void {
    if (this.closed) return;
    this.closed = error;
    this.greeting?.reject(error);
    this.greeting = undefined;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}
