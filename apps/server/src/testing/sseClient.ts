import http from 'node:http';
import type { ServerEventName } from '../http/EventHub.js';

export interface SseMessage {
  /** Order of arrival. */
  seq: number;
  event: string;
  data: unknown;
  /** performance.timeOrigin + performance.now() when the frame was read: epoch ms with sub-ms precision. */
  receivedAt: number;
}

/**
 * A minimal EventSource for tests and benchmarks: reads `GET /api/events` frames as they
 * arrive and lets a caller wait for the next one that matches.
 */
export class SseClient {
  private readonly messages: SseMessage[] = [];
  private readonly waiters = new Set<() => void>();
  private buffer = '';
  private seq = 0;
  private ended = false;

  private constructor(private readonly request: http.ClientRequest) {}

  static connect(baseUrl: string, token: string): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const request = http.get(new URL('/api/events', baseUrl), { headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' } }, (response) => {
        if (response.statusCode !== 200) {
          reject(new Error(`GET /api/events answered ${response.statusCode}`));
          response.resume();
          return;
        }
        response.socket.setNoDelay(true);
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => client.onData(chunk));
        response.on('close', () => client.onEnd());
        resolve(client);
      });
      const client = new SseClient(request);
      request.on('error', reject);
    });
  }

  /**
   * Takes the oldest message not taken yet of this event that passes `filter` (and came
   * after `after`, if given), waiting for it if need be.
   */
  async next<T = unknown>(
    event: ServerEventName,
    filter: (data: T) => boolean = () => true,
    timeoutMs = 30_000,
    after?: Pick<SseMessage, 'seq'>,
  ): Promise<SseMessage & { data: T }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.messages.findIndex((m) => m.event === event && (after === undefined || m.seq > after.seq) && filter(m.data as T));
      if (index >= 0) return this.messages.splice(index, 1)[0] as SseMessage & { data: T };
      if (this.ended) throw new Error(`the event stream ended before a '${event}' message came`);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`no '${event}' message within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, remaining);
        this.waiters.add(done);
      });
    }
  }

  /** Where the stream is now: as `after`, next() takes only a message that comes later. */
  mark(): Pick<SseMessage, 'seq'> {
    return { seq: this.seq - 1 };
  }

  close(): void {
    this.request.destroy();
  }

  private onData(chunk: string): void {
    const receivedAt = performance.timeOrigin + performance.now();
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const frame = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let event = 'message';
      let data = '';
      for (const line of frame.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data += line.slice(6);
      }
      if (data !== '') this.messages.push({ seq: this.seq++, event, data: JSON.parse(data) as unknown, receivedAt });
    }
    this.wake();
  }

  private onEnd(): void {
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
