import type { CONSOLE_CLOSE_CODES, ConsoleNotice } from '@virtdeck/server/api';
import { guestSocketUrl } from './client';

/** The server's close codes (a type-only import cannot bring the values; the type keeps them equal). */
export const CONSOLE_CLOSE: typeof CONSOLE_CLOSE_CODES = {
  unknownGuest: 4404,
  notRunning: 4409,
  unreadable: 4415,
  tooSlow: 4429,
};

export type ConsoleStatus = 'connecting' | 'connected' | 'not-running' | 'unknown-guest' | 'unreadable' | 'too-slow' | 'disconnected' | 'held-elsewhere';

export interface ConsoleHandlers {
  /**
   * Output of the guest. `replay` marks the scrollback a connection starts with: output of
   * the past, whose terminal queries (ESC[6n…) were answered back then and must not be again.
   */
  onData: (bytes: Uint8Array, replay: boolean) => void;
  onStatus: (status: ConsoleStatus, detail?: string) => void;
  /** A new connection starts: the server replays the scrollback, so the screen starts over. */
  onOpen: () => void;
}

const RETRY_MS = 1_500;

/**
 * The serial console of one guest over its host's `WS …/domains/:name/console`: bytes both ways,
 * the serial log's scrollback first. While the guest runs (as the page's store says) a
 * lost connection is opened again; when it is not running the last output stays on screen
 * until it starts, whichever comes first of the server's 4409 and the store's news.
 */
export class ConsoleConnection {
  private socket?: WebSocket;
  private retryTimer?: ReturnType<typeof setTimeout>;
  private closed = false;
  private readonly encoder = new TextEncoder();

  constructor(
    private readonly host: string,
    private readonly name: string,
    private readonly handlers: ConsoleHandlers,
    private active: boolean,
  ) {
    this.open();
  }

  /** Keystrokes (xterm's onData) to the guest. */
  send(text: string): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(this.encoder.encode(text));
  }

  get connected(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** The guest started or stopped: a started guest gets a connection to its new serial port. */
  setGuestActive(active: boolean): void {
    this.active = active;
    if (!active || this.closed || this.socket?.readyState === WebSocket.OPEN || this.socket?.readyState === WebSocket.CONNECTING) return;
    clearTimeout(this.retryTimer);
    this.open();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.socket?.close(1000);
  }

  private open(): void {
    const socket = new WebSocket(guestSocketUrl(this.host, this.name, 'console'));
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    this.handlers.onStatus('connecting');
    let replay = true;
    socket.onopen = () => {
      this.handlers.onOpen();
      this.handlers.onStatus('connected');
    };
    socket.onmessage = (event: MessageEvent<ArrayBuffer | string>) => {
      // Output is binary; a text frame is the server's notice that another client holds the console
      // (the socket stays open and closes when virtdeck has the console again).
      if (typeof event.data === 'string') {
        const notice = parseNotice(event.data);
        if (notice) this.handlers.onStatus('held-elsewhere', notice.message);
        return;
      }
      this.handlers.onData(new Uint8Array(event.data), replay);
      replay = false;
    };
    socket.onclose = (event) => {
      if (this.socket !== socket || this.closed) return;
      if (event.code === CONSOLE_CLOSE.unknownGuest || event.code === CONSOLE_CLOSE.unreadable) {
        this.handlers.onStatus(event.code === CONSOLE_CLOSE.unknownGuest ? 'unknown-guest' : 'unreadable', event.reason || undefined);
        return;
      }
      if (!this.active) {
        this.handlers.onStatus('not-running');
        return;
      }
      // Running: it started while this connection was being refused (4409), it fell behind
      // (4429) or the connection was lost. Connect again; the scrollback fills the gap.
      this.handlers.onStatus(event.code === CONSOLE_CLOSE.tooSlow ? 'too-slow' : event.code === CONSOLE_CLOSE.notRunning ? 'connecting' : 'disconnected', event.reason || undefined);
      this.retryTimer = setTimeout(() => this.open(), event.code === CONSOLE_CLOSE.notRunning ? RETRY_MS / 3 : RETRY_MS);
    };
  }
}

function parseNotice(text: string): ConsoleNotice | undefined {
  try {
    const notice = JSON.parse(text) as Partial<ConsoleNotice>;
    return notice.notice === 'held-elsewhere' && typeof notice.message === 'string' ? { notice: notice.notice, message: notice.message } : undefined;
  } catch {
    return undefined;
  }
}
