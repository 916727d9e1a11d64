import RFB from '@novnc/novnc';
import { ApiError, api, errorMessage, guestSocketUrl } from '../../../api/client';
import { CONSOLE_CLOSE } from '../../../api/console';
import { reconnectDelay } from './reconnectDelay';
import { keyEventsOf, type KeyCombination } from './screenKeys';
import type { ScreenEvent } from './screenStatus';

/** A guest that has just started may not listen on its display yet: the first retry comes soon. */
const STARTED_RETRY_MS = 300;

/**
 * One viewer of a guest's screen: noVNC's RFB over `WS /api/domains/:name/display`, with a
 * fresh one-time ticket for every connection. While the guest runs (as the page's store
 * says) a lost connection is made again with a growing pause (a server restart, a reset
 * display); a guest that stopped is connected to again when it starts. The VNC password is
 * handed to the one connection that asked for it and kept nowhere.
 */
export class ScreenConnection {
  private rfb: RFB | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** A ticket request or a WebSocket is on its way. */
  private opening = false;
  private failures = 0;
  private passwordRefused = false;
  private closed = false;

  constructor(
    private readonly host: string,
    private readonly name: string,
    private readonly target: HTMLElement,
    private readonly onEvent: (event: ScreenEvent) => void,
    private active: boolean,
    private scale: boolean,
  ) {
    void this.connect();
  }

  /** The guest started or stopped: a started guest's display is connected to at once. */
  setGuestActive(active: boolean): void {
    this.active = active;
    if (!active || this.closed || this.rfb || this.opening) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connect(), STARTED_RETRY_MS);
  }

  setScale(scale: boolean): void {
    this.scale = scale;
    if (this.rfb) this.rfb.scaleViewport = scale;
  }

  sendPassword(password: string): void {
    this.rfb?.sendCredentials({ password });
  }

  sendKeys(combination: KeyCombination): void {
    for (const { key, down } of keyEventsOf(combination)) this.rfb?.sendKey(key.keysym, key.code, down);
  }

  focus(): void {
    this.rfb?.focus();
  }

  /** What the viewer's canvas shows (the benchmark and the tests compare it with the server's screenshot). */
  get canvas(): HTMLCanvasElement | null {
    return this.target.querySelector('canvas');
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.rfb?.disconnect();
    this.rfb = undefined;
  }

  private async connect(): Promise<void> {
    if (this.closed || this.rfb || this.opening) return;
    this.opening = true;
    this.onEvent({ type: 'connecting', attempt: this.failures + 1 });
    let ticket: string;
    try {
      ticket = (await api.displayTicket(this.host, this.name)).ticket;
    } catch (error) {
      this.opening = false;
      if (this.closed) return;
      if (error instanceof ApiError && (error.status === 404 || error.status === 401)) return this.onEvent({ type: 'failed', reason: error.message });
      // 409: not running (yet), or a definition without a screen; anything else: the server is away.
      if (error instanceof ApiError && error.status === 409 && !this.active) return this.onEvent({ type: 'guest-stopped', reason: error.message });
      return this.retry(errorMessage(error));
    }
    if (this.closed) {
      this.opening = false;
      return;
    }
    this.open(ticket);
  }

  private open(ticket: string): void {
    const socket = new WebSocket(`${guestSocketUrl(this.host, this.name, 'display')}?ticket=${encodeURIComponent(ticket)}`);
    // Registered before noVNC's own handler, so the server's close code is known when noVNC reports the disconnect.
    let closedWith: CloseEvent | undefined;
    socket.addEventListener('close', (event) => {
      closedWith = event;
    });
    const rfb = new RFB(this.target, socket, { shared: true });
    this.rfb = rfb;
    this.opening = false;
    rfb.scaleViewport = this.scale;
    // Around a scaled screen: a custom property, so it follows the light and dark theme by itself.
    rfb.background = 'var(--screen-surround)';
    // noVNC keeps its canvas out of the Tab order; the announced leave key gets the focus out again.
    if (this.canvas) this.canvas.tabIndex = 0;
    rfb.addEventListener('connect', () => {
      this.failures = 0;
      this.passwordRefused = false;
      this.onEvent({ type: 'connected' });
    });
    rfb.addEventListener('credentialsrequired', () => this.onEvent({ type: this.passwordRefused ? 'password-refused' : 'credentials-required' }));
    rfb.addEventListener('securityfailure', () => {
      this.passwordRefused = true;
    });
    rfb.addEventListener('disconnect', () => {
      if (this.rfb !== rfb || this.closed) return;
      this.rfb = undefined;
      this.disconnected(closedWith);
    });
  }

  private disconnected(close: CloseEvent | undefined): void {
    const reason = close?.reason || undefined;
    // A refused password: a new connection asks for it again (QEMU allows one try per connection).
    if (this.passwordRefused) return void this.connect();
    if (close?.code === CONSOLE_CLOSE.unknownGuest) return this.onEvent({ type: 'failed', reason: reason ?? 'there is no such guest' });
    if (!this.active) return this.onEvent({ type: 'guest-stopped', reason: reason ?? 'the guest is not running' });
    this.retry(reason ?? (close?.code === CONSOLE_CLOSE.notRunning ? 'the guest restarted' : 'the connection was lost'));
  }

  private retry(reason: string): void {
    this.failures += 1;
    const retryInMs = reconnectDelay(this.failures);
    this.onEvent({ type: 'lost', reason, attempt: this.failures + 1, retryInMs });
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connect(), retryInMs);
  }
}
