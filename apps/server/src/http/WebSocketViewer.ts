import WebSocket from 'ws';
import type { ConsoleViewer } from '../console/SerialConsole.js';
import { closeWebSocket } from './webSocketClose.js';

/** The first room for output that waits while a message is on its way; it doubles as needed. */
const INITIAL_ROOM_BYTES = 16 * 1024;

/**
 * A console WebSocket as a viewer. The serial port delivers output a few bytes at a time, and
 * each `ws.send` is a queued socket write with its own frame header and bookkeeping, worth far
 * more memory than its bytes once the browser stops reading (a stalled viewer grew the server
 * by some 300 MB a minute). So one message is on its way at a time, and whatever arrives
 * meanwhile is copied into one buffer that becomes the next message: the memory a viewer holds
 * is its unsent bytes, and `bufferedAmount` (what the socket holds plus what waits here) says
 * how many, so the console's "too slow" limit bounds it.
 */
export class WebSocketViewer implements ConsoleViewer {
  private pending = Buffer.alloc(0);
  private pendingBytes = 0;
  private sending = false;

  constructor(
    private readonly ws: WebSocket,
    /** Told when the console closes the viewer, with the code and reason the viewer gets. */
    private readonly onClose: (code: number, reason: string) => void = () => undefined,
  ) {}

  get bufferedAmount(): number {
    return this.ws.bufferedAmount + this.pendingBytes;
  }

  send(data: Buffer): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    // The first message goes out as it is, even empty: the console's first frame is the replay.
    if (!this.sending) return this.transmit(data);
    this.append(data);
  }

  close(code: number, reason: string): void {
    this.pending = Buffer.alloc(0);
    this.pendingBytes = 0;
    this.onClose(code, reason);
    closeWebSocket(this.ws, code, reason);
  }

  private append(data: Buffer): void {
    const needed = this.pendingBytes + data.length;
    if (needed > this.pending.length) {
      let room = Math.max(this.pending.length, INITIAL_ROOM_BYTES);
      while (room < needed) room *= 2;
      const grown = Buffer.allocUnsafe(room);
      this.pending.copy(grown, 0, 0, this.pendingBytes);
      this.pending = grown;
    }
    data.copy(this.pending, this.pendingBytes);
    this.pendingBytes = needed;
  }

  private transmit(message: Buffer): void {
    this.sending = true;
    this.ws.send(message, { binary: true }, () => {
      this.sending = false;
      if (this.pendingBytes === 0 || this.ws.readyState !== WebSocket.OPEN) return;
      const next = this.pending.subarray(0, this.pendingBytes);
      // The buffer goes out with the message; the next output gets a new one.
      this.pending = Buffer.alloc(0);
      this.pendingBytes = 0;
      this.transmit(next);
    });
  }
}
