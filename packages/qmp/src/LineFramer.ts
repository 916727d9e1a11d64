/** What the framer made of the bytes received so far. */
export type FramedLine =
  | { kind: 'line'; text: string }
  /**
   * A line longer than the cap; its bytes were dropped. `head` and `tail` keep its first and
   * last bytes so that the reply id can still be recovered (QEMU puts `"id"` first in error
   * replies and last in return replies).
   */
  | { kind: 'oversized'; bytes: number; head: string; tail: string };

const NEWLINE = 0x0a;
const KEPT_EDGE_BYTES = 64;

/**
 * Splits a byte stream into newline-terminated lines (QMP sends one JSON message per line,
 * ending in `\r\n`). Chunks may hold several lines or part of one; splitting on bytes before
 * decoding keeps multi-byte UTF-8 characters cut between chunks intact, since 0x0A never
 * occurs inside one. Lines longer than `maxLineBytes` are dropped, not buffered.
 */
export class LineFramer {
  private parts: Buffer[] = [];
  private length = 0;
  /** Set while dropping an oversized line: its size so far, first bytes and latest bytes. */
  private oversized: { bytes: number; head: Buffer; tail: Buffer } | undefined;

  constructor(private readonly maxLineBytes: number) {}

  push(chunk: Buffer): FramedLine[] {
    const out: FramedLine[] = [];
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(NEWLINE, start);
      const end = newline === -1 ? chunk.length : newline;
      this.append(chunk.subarray(start, end));
      if (newline === -1) break;
      const line = this.takeLine();
      if (line !== undefined) out.push(line);
      start = newline + 1;
    }
    return out;
  }

  /** Bytes of an unfinished line currently held. */
  get bufferedBytes(): number {
    return this.length;
  }

  private append(piece: Buffer): void {
    if (piece.length === 0) return;
    if (this.oversized !== undefined) {
      this.oversized.bytes += piece.length;
      this.oversized.tail = lastBytes(Buffer.concat([this.oversized.tail, piece]));
      return;
    }
    if (this.length + piece.length > this.maxLineBytes) {
      const held = Buffer.concat([...this.parts, piece]);
      this.oversized = { bytes: held.length, head: Buffer.from(held.subarray(0, KEPT_EDGE_BYTES)), tail: lastBytes(held) };
      this.parts = [];
      this.length = 0;
      return;
    }
    this.parts.push(piece);
    this.length += piece.length;
  }

  private takeLine(): FramedLine | undefined {
    if (this.oversized !== undefined) {
      const { bytes, head, tail } = this.oversized;
      this.oversized = undefined;
      return { kind: 'oversized', bytes, head: head.toString('utf8'), tail: tail.toString('utf8') };
    }
    const text = (this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts)).toString('utf8').trim();
    this.parts = [];
    this.length = 0;
    return text === '' ? undefined : { kind: 'line', text };
  }
}

function lastBytes(buffer: Buffer): Buffer {
  // Copy, so the kept tail does not pin a large chunk in memory.
  return Buffer.from(buffer.subarray(Math.max(0, buffer.length - KEPT_EDGE_BYTES)));
}
