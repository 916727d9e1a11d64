// A scriptable QMP server on a UNIX socket for unit tests: it greets like QEMU 7.2, answers
// `qmp_capabilities` if asked to, and lets the test read each command and write any reply,
// event or raw bytes (partial lines, garbage) back.
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { join } from 'node:path';

export const QEMU_7_2_GREETING = {
  QMP: {
    version: { qemu: { micro: 22, minor: 2, major: 7 }, package: 'Debian 1:7.2+dfsg-7+deb12u18+b3' },
    capabilities: ['oob'],
  },
};

export interface FakeQmpServerOptions {
  /** Socket path; default `qmp.sock` in a new temporary directory that close() removes. */
  path?: string;
  /** Sent when a client connects: an object (as JSON), a raw string, or null for nothing. */
  greeting?: object | string | null;
  /** Answer `qmp_capabilities` by itself. Default true. */
  negotiate?: boolean;
}

/** A command as the client sent it. */
export interface ReceivedCommand {
  execute: string;
  arguments?: Record<string, unknown>;
  id?: unknown;
}

/** A FIFO whose `take()` waits for the next item. */
class AsyncQueue<T> {
  private readonly items: T[] = [];
  private readonly waiters: ((item: T) => void)[] = [];

  push(item: T): void {
    const waiter = this.waiters.shift();
    if (waiter === undefined) this.items.push(item);
    else waiter(item);
  }

  take(timeoutMs: number, what: string): Promise<T> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`fake QMP server: no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (next: T) => {
        clearTimeout(timer);
        resolve(next);
      };
      this.waiters.push(waiter);
    });
  }
}

export class FakeQmpConnection {
  /** Every command received, `qmp_capabilities` included, in order. */
  readonly received: ReceivedCommand[] = [];
  readonly closed: Promise<void>;
  private readonly commands = new AsyncQueue<ReceivedCommand>();
  private buffered = '';

  constructor(
    readonly socket: net.Socket,
    private readonly negotiate: boolean,
  ) {
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => this.onData(text));
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  /** The next command not answered automatically. */
  nextCommand(timeoutMs = 2000): Promise<ReceivedCommand> {
    return this.commands.take(timeoutMs, 'command');
  }

  /** Writes `text` as is: the test decides where lines end. */
  write(text: string | Buffer): void {
    this.socket.write(text);
  }

  /** Writes one QMP message as a line, as QEMU does (`\r\n`). */
  send(message: object): void {
    this.write(`${JSON.stringify(message)}\r\n`);
  }

  reply(command: ReceivedCommand, value: unknown = {}): void {
    this.send({ return: value, id: command.id });
  }

  fail(command: ReceivedCommand, errorClass: string, desc: string): void {
    this.send({ id: command.id, error: { class: errorClass, desc } });
  }

  /** An event line as QEMU writes it (no `data` member when there is none). */
  eventLine(event: string, data?: object): string {
    const timestamp = { seconds: 1795756829, microseconds: 263809 };
    return `${JSON.stringify(data === undefined ? { timestamp, event } : { timestamp, event, data })}\r\n`;
  }

  event(event: string, data?: object): void {
    this.write(this.eventLine(event, data));
  }

  /** Drops the connection at once, as a crashing QEMU would. */
  destroy(): void {
    this.socket.destroy();
  }

  private onData(text: string): void {
    this.buffered += text;
    let newline: number;
    while ((newline = this.buffered.indexOf('\n')) !== -1) {
      const line = this.buffered.slice(0, newline);
      this.buffered = this.buffered.slice(newline + 1);
      const command = JSON.parse(line) as ReceivedCommand;
      this.received.push(command);
      if (this.negotiate && command.execute === 'qmp_capabilities') this.reply(command);
      else this.commands.push(command);
    }
  }
}

export class FakeQmpServer {
  static async start(options: FakeQmpServerOptions = {}): Promise<FakeQmpServer> {
    const ownDir = options.path === undefined ? await mkdtemp('/tmp/vqf-') : undefined;
    const path = options.path ?? join(ownDir!, 'qmp.sock');
    const server = new FakeQmpServer(path, ownDir, options);
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.server.listen(path, () => {
        server.server.off('error', reject);
        resolve();
      });
    });
    return server;
  }

  private readonly server: net.Server;
  private readonly connections = new AsyncQueue<FakeQmpConnection>();
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    readonly path: string,
    private readonly ownDir: string | undefined,
    options: FakeQmpServerOptions,
  ) {
    const greeting = options.greeting === undefined ? QEMU_7_2_GREETING : options.greeting;
    this.server = net.createServer((socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      const connection = new FakeQmpConnection(socket, options.negotiate ?? true);
      if (typeof greeting === 'string') connection.write(greeting);
      else if (greeting !== null) connection.send(greeting);
      this.connections.push(connection);
    });
  }

  nextConnection(timeoutMs = 2000): Promise<FakeQmpConnection> {
    return this.connections.take(timeoutMs, 'connection');
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    if (this.ownDir !== undefined) await rm(this.ownDir, { recursive: true, force: true });
  }
}
