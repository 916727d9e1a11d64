import WebSocket from 'ws';
import type { ConsoleViewer } from '../console/SerialConsole.js';
import { closeWebSocket } from './webSocketClose.js';

/**
 * A console WebSocket as a viewer. The serial port delivers output in tiny chunks, and each
 * `ws.send` is a queued socket write with its own header and bookkeeping, which costs far more
 * memory than its few bytes once the browser stops reading. So one message is on its way at a
 * time; whatever arrives meanwhile is joined into the next. `bufferedAmount` counts both what
 * the socket holds and what waits here, so the console's "too slow" limit sees every byte.
 */
export class WebSocketViewer implements ConsoleViewer {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private sending = false;

  constructor(private readonly ws: WebSocket) {}

  get bufferedAmount(): number {
    return this.ws.bufferedAmount + this.pendingBytes;
  }

  send(data: Buffer): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.pending.push(data);
    this.pendingBytes += data.length;
    if (!this.sending) this.flush();
  }

  close(code: number, reason: string): void {
    this.pending = [];
    this.pendingBytes = 0;
    closeWebSocket(this.ws, code, reason);
  }

  private flush(): void {
    // An empty first message still goes out: the console's first frame is the replay, even when there is none.
    if (this.pending.length === 0 || this.ws.readyState !== WebSocket.OPEN) return;
    const message = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.sending = true;
    this.ws.send(message, () => {
      this.sending = false;
      this.flush();
    });
  }
}
