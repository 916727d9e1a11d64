import type { Request, Response } from 'express';

/**
 * Server-sent events to every open browser. Each client first gets the current truth
 * (`snapshot`), then every change as it happens. A slow client never holds up the others:
 * writes go to its socket buffer and a client that stops reading is dropped.
 */
export class EventHub {
  private readonly clients = new Set<Response>();
  private readonly heartbeat: NodeJS.Timeout;
  private nextId = 1;

  constructor(private readonly snapshot: () => unknown, heartbeatMs = 15_000) {
    this.heartbeat = setInterval(() => this.comment('keep-alive'), heartbeatMs);
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
    res.write(`retry: 1000\n`);
    res.write(this.frame('snapshot', this.snapshot()));
    this.clients.add(res);
    req.on('close', () => this.clients.delete(res));
  };

  broadcast(event: string, data: unknown): void {
    if (this.clients.size === 0) return;
    const frame = this.frame(event, data);
    for (const client of this.clients) {
      if (client.writableNeedDrain && client.writableLength > 4 * 1024 * 1024) {
        client.destroy();
        this.clients.delete(client);
        continue;
      }
      client.write(frame);
    }
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const client of this.clients) client.end();
    this.clients.clear();
  }

  private comment(text: string): void {
    for (const client of this.clients) client.write(`: ${text}\n\n`);
  }

  private frame(event: string, data: unknown): string {
    return `id: ${this.nextId++}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
  }
}
