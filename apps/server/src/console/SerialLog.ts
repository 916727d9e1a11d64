import fs from 'node:fs/promises';
import { describeError } from '../errors.js';
import { openStateAppend, readStateTail } from '../storage/stateFile.js';

export const DEFAULT_SERIAL_LOG_MAX_BYTES = 1024 * 1024;

/** The rotated-out previous log of `file`. */
export const backupOf = (file: string): string => `${file}.1`;

/**
 * The serial log of one guest, written by the server from the console stream. The server is
 * the only writer, so it can rotate by renaming (`serial.log` → `serial.log.1`) between two
 * writes, losing nothing: a guest's log never takes more than twice `maxBytes` on disk.
 * (QEMU's own `logfile=` cannot be rotated without losing bytes: it holds the file open.)
 */
export class SerialLog {
  private handle: fs.FileHandle | undefined;
  private size = 0;
  private queue: Buffer[] = [];
  private queued = 0;
  private pumping: Promise<void> | undefined;
  private readonly drainListeners = new Set<() => void>();
  private closed = false;

  constructor(
    readonly file: string,
    private readonly options: { maxBytes?: number; onError?: (message: string) => void } = {},
  ) {}

  get maxBytes(): number {
    return this.options.maxBytes ?? DEFAULT_SERIAL_LOG_MAX_BYTES;
  }

  /** Bytes accepted but not yet written: the console pauses its socket when this grows. */
  get pendingBytes(): number {
    return this.queued;
  }

  append(chunk: Buffer): void {
    if (this.closed || chunk.length === 0) return;
    this.queue.push(chunk);
    this.queued += chunk.length;
    this.pumping ??= this.pump().finally(() => {
      this.pumping = undefined;
    });
  }

  /** Called once every queued byte is written. */
  onDrain(listener: () => void): () => void {
    this.drainListeners.add(listener);
    return () => this.drainListeners.delete(listener);
  }

  /** Writes what is queued, then closes the file. */
  async close(): Promise<void> {
    this.closed = true;
    await this.pumping;
    await this.handle?.close().catch(() => undefined);
    this.handle = undefined;
  }

  private async pump(): Promise<void> {
    while (this.queue.length > 0) {
      const data = Buffer.concat(this.queue);
      this.queue = [];
      try {
        await this.writeRotating(data);
      } catch (error) {
        // A full disk must not take the console down: the bytes are lost for the log only.
        this.options.onError?.(`could not write the serial log ${this.file}: ${describeError(error)}`);
        await this.handle?.close().catch(() => undefined);
        this.handle = undefined;
      }
      this.queued -= data.length;
    }
    for (const listener of this.drainListeners) listener();
  }

  private async writeRotating(data: Buffer): Promise<void> {
    let offset = 0;
    while (offset < data.length) {
      const handle = await this.openHandle();
      if (this.size >= this.maxBytes) {
        await this.rotate();
        continue;
      }
      const room = this.maxBytes - this.size;
      const piece = data.subarray(offset, offset + room);
      await handle.write(piece);
      this.size += piece.length;
      offset += piece.length;
    }
  }

  private async openHandle(): Promise<fs.FileHandle> {
    if (this.handle) return this.handle;
    const handle = await openStateAppend(this.file);
    this.size = (await handle.stat()).size;
    this.handle = handle;
    return handle;
  }

  private async rotate(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
    await fs.rename(this.file, backupOf(this.file));
  }
}

/** The last `maxBytes` of a log and its rotated-out predecessor, oldest first. */
export async function readLogTail(file: string, maxBytes: number): Promise<Buffer> {
  const current = await readTail(file, maxBytes);
  if (current.length >= maxBytes) return current;
  const previous = await readTail(backupOf(file), maxBytes - current.length);
  return previous.length === 0 ? current : Buffer.concat([previous, current]);
}

async function readTail(file: string, maxBytes: number): Promise<Buffer> {
  return readStateTail(file, maxBytes).then(
    (tail) => tail.data,
    () => Buffer.alloc(0),
  );
}

/**
 * Moves a log and its rotated-out predecessor to `to` (a guest renamed), replacing what is
 * there: a log left under the new name belongs to an earlier guest of that name, which is gone.
 */
export async function moveLog(from: string, to: string): Promise<void> {
  for (const [source, target] of [
    [from, to],
    [backupOf(from), backupOf(to)],
  ] as const) {
    await fs.rm(target, { force: true });
    await fs.rename(source, target).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }
}
