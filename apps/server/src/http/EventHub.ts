import type { Request, Response } from 'express';
import type { ServerEvents } from '../api.js';

export type ServerEventName = keyof ServerEvents;
export interface ServerEventFrame<K extends ServerEventName = ServerEventName> {
  event: K;
  data: ServerEvents[K];
}

/** How long a dropped client's last bytes may wait to be read before its connection is cut. */
const DROP_GRACE_MS = 30_000;

export interface EventHubOptions {
  heartbeatMs?: number;
  /** A client whose unsent output grows beyond this is dropped (it reconnects and gets a snapshot). */
  maxBufferedBytes?: number;
}

/**
 * Server-sent events to every open browser. Each client first gets the current truth
 * (`snapshot`, then anything else `greeting` returns, such as the latest stats), then every
 * change as it happens. A frame is serialized once and written to every client; a slow client
 * never holds up the others: one whose unsent output (the response's `writableLength`) passes
 * `maxBufferedBytes` is dropped, with a last `dropped` event that says why, so that the memory a
 * client holds stays bounded.
 */
export class EventHub {
  private readonly clients = new Set<Response>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly maxBufferedBytes: number;
  private nextId = 1;

  constructor(
    private readonly greeting: () => ServerEventFrame[],
    { heartbeatMs = 15_000, maxBufferedBytes = 4 * 1024 * 1024 }: EventHubOptions = {},
  ) {
    this.maxBufferedBytes = maxBufferedBytes;
    this.heartbeat = setInterval(() => this.writeAll(': keep-alive\n\n'), heartbeatMs);
    this.heartbeat.unref();
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Express handler for `GET /api/events`. */
  readonly handle = (req: Request, res: Response): void => {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.socket?.setNoDelay(true);
    let greeting = 'retry: 1000\n';
    for (const { event, data } of this.greeting()) greeting += this.frame(event, data);
    res.write(greeting);
    this.clients.add(res);
    req.on('close', () => this.clients.delete(res));
    res.on('error', () => this.clients.delete(res));
  };

  broadcast<K extends ServerEventName>(event: K, data: ServerEvents[K]): void {
    if (this.clients.size === 0) return;
    this.writeAll(this.frame(event, data));
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const client of this.clients) client.end();
    this.clients.clear();
  }

  private writeAll(text: string): void {
    for (const client of this.clients) {
      if (client.writableLength > this.maxBufferedBytes) {
        this.drop(client, `the events were not read fast enough (over ${this.maxBufferedBytes} bytes waiting)`);
        continue;
      }
      client.write(text);
    }
  }

  private drop(client: Response, reason: string): void {
    this.clients.delete(client);
    client.end(this.frame('dropped', { reason }));
    // A client that never reads again would hold its unsent output for ever.
    setTimeout(() => {
      if (!client.writableFinished) client.destroy();
    }, DROP_GRACE_MS).unref();
  }

  private frame(event: string, data: unknown): string {
    return `id: ${this.nextId++}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
  }
}
