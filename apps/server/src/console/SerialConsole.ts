import net from 'node:net';
import type { Duplex } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { CONSOLE_CLOSE_CODES } from '../api.js';
import type { SerialLog } from './SerialLog.js';

/** What the console replays to a new viewer. */
export const SCROLLBACK_BYTES = 64 * 1024;
/** Above this much unwritten log, the console stops reading from QEMU until the disk catches up. */
const MAX_PENDING_LOG_BYTES = 1024 * 1024;
/** A viewer with this much unsent output is too slow and is disconnected. */
const MAX_VIEWER_BUFFER_BYTES = 4 * 1024 * 1024;

/** The part of a WebSocket the console needs (ws.WebSocket has it). */
export interface ConsoleViewer {
  send(data: Buffer): void;
  close(code: number, reason: string): void;
  readonly bufferedAmount: number;
}

/**
 * The first serial port of a running guest. QEMU's socket chardev (or libvirt's console
 * stream) serves one client, so the server is that client and fans the bytes out: to every
 * viewer, to the rotating log and to an in-memory scrollback that a new viewer gets first.
 * Replay and live output are handed over synchronously, so a viewer sees every byte exactly once.
 */
export class SerialConsole {
  private socket: Duplex | undefined;
  private readonly viewers = new Set<ConsoleViewer>();
  private chunks: Buffer[] = [];
  private buffered = 0;
  private closed = false;
  private received = 0;

  constructor(
    private readonly log: SerialLog,
    initialScrollback: Buffer = Buffer.alloc(0),
  ) {
    this.remember(initialScrollback);
    log.onDrain(() => this.socket?.resume());
  }

  /** Connects to QEMU's console socket; QEMU creates it at start-up, so a few quick retries suffice. */
  async connect(socketPath: string, timeoutMs = 2000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        this.adopt(await openSocket(socketPath));
        return;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (Date.now() > deadline || (code !== 'ENOENT' && code !== 'ECONNREFUSED')) throw error;
        await delay(10);
      }
    }
  }

  /** Takes any byte stream to the serial port as the console's (a pty running `virsh console`, say); its end ends the console. */
  adopt(stream: Duplex): void {
    this.socket = stream;
    stream.on('data', (chunk: Buffer) => this.onOutput(chunk));
    stream.on('error', () => undefined);
    stream.on('close', () => this.close());
  }

  /** Bytes the guest wrote since this console connected. */
  get outputBytes(): number {
    return this.received;
  }

  scrollback(): Buffer {
    return Buffer.concat(this.chunks);
  }

  /**
   * Sends the scrollback as one frame, empty when there is none, then live output; returns
   * the function that detaches the viewer. The first frame is always the replay, so a
   * terminal can tell old output (whose queries it must not answer) from live output.
   */
  attach(viewer: ConsoleViewer): () => void {
    viewer.send(this.scrollback());
    if (this.closed) {
      viewer.close(CONSOLE_CLOSE_CODES.notRunning, 'the guest is not running');
      return () => undefined;
    }
    this.viewers.add(viewer);
    return () => this.viewers.delete(viewer);
  }

  /** Keyboard input from a viewer, to the guest's serial port. */
  write(data: Buffer): void {
    if (!this.closed) this.socket?.write(data);
  }

  /** Ends the connection (QEMU stays as it is) and tells the viewers the guest is gone. */
  close(code: number = CONSOLE_CLOSE_CODES.notRunning, reason = 'the guest is not running'): void {
    if (this.closed) return;
    this.closed = true;
    this.socket?.destroy();
    for (const viewer of this.viewers) viewer.close(code, reason);
    this.viewers.clear();
    void this.log.close();
  }

  private onOutput(chunk: Buffer): void {
    this.received += chunk.length;
    this.remember(chunk);
    this.log.append(chunk);
    if (this.log.pendingBytes > MAX_PENDING_LOG_BYTES) this.socket?.pause();
    for (const viewer of this.viewers) {
      if (viewer.bufferedAmount > MAX_VIEWER_BUFFER_BYTES) {
        this.viewers.delete(viewer);
        viewer.close(CONSOLE_CLOSE_CODES.tooSlow, 'the console output was not read fast enough');
        continue;
      }
      viewer.send(chunk);
    }
  }

  private remember(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (this.buffered - (this.chunks[0]?.length ?? 0) >= SCROLLBACK_BYTES) {
      this.buffered -= this.chunks.shift()?.length ?? 0;
    }
    if (this.buffered > SCROLLBACK_BYTES) {
      const first = this.chunks[0];
      if (first) {
        const excess = this.buffered - SCROLLBACK_BYTES;
        this.chunks[0] = first.subarray(excess);
        this.buffered -= excess;
      }
    }
  }
}

function openSocket(path: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection({ path });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}
