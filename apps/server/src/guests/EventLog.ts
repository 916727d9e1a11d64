import fs from 'node:fs/promises';
import path from 'node:path';
import type { LifecycleEvent } from '../api.js';
import { readStateText } from '../storage/stateFile.js';

/** Events kept per guest (in memory and, after compaction, on disk). */
export const EVENT_LOG_LENGTH = 200;
/** Far more than the twice EVENT_LOG_LENGTH lines the file holds before compaction. */
const MAX_FILE_BYTES = 4 * 1024 * 1024;

/**
 * The recent lifecycle events of one guest, for its page's event log: kept in memory and
 * appended to `run/NAME/events.jsonl`, so the history survives a server restart. The file is
 * compacted to the last events when it holds twice as many, so it stays small.
 */
export class EventLog {
  private events: LifecycleEvent[] = [];
  private tail: Promise<void> = Promise.resolve();
  private fileLines = 0;
  private closed = false;

  constructor(private readonly file: string) {}

  /** Reads what an earlier server recorded. */
  async load(): Promise<void> {
    // A bad file (a symlink, a FIFO, binary data) only loses the history, never stalls the start.
    const text = await readStateText(this.file, MAX_FILE_BYTES).catch(() => '');
    const events: LifecycleEvent[] = [];
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        events.push(JSON.parse(line) as LifecycleEvent);
      } catch {
        // A line cut short by a crash: skip it.
      }
    }
    this.fileLines = events.length;
    this.events = events.slice(-EVENT_LOG_LENGTH);
  }

  recent(): LifecycleEvent[] {
    return [...this.events];
  }

  add(event: LifecycleEvent): void {
    this.events.push(event);
    if (this.events.length > EVENT_LOG_LENGTH) this.events.splice(0, this.events.length - EVENT_LOG_LENGTH);
    const line = JSON.stringify(event) + '\n';
    this.tail = this.tail.then(() => this.append(line));
  }

  /** Resolves when everything added so far is on disk. */
  flush(): Promise<void> {
    return this.tail;
  }

  /** Stops writing (the guest was undefined and its folder is being removed). */
  async close(): Promise<void> {
    this.closed = true;
    await this.tail;
  }

  private async append(line: string): Promise<void> {
    if (this.closed) return;
    try {
      await fs.mkdir(path.dirname(this.file), { recursive: true });
      // Compacted once it holds twice what is kept: the file never grows past that.
      if (this.fileLines >= 2 * EVENT_LOG_LENGTH) {
        const temp = `${this.file}.tmp`;
        await fs.writeFile(temp, this.events.map((e) => JSON.stringify(e) + '\n').join(''));
        await fs.rename(temp, this.file);
        this.fileLines = this.events.length;
        return;
      }
      await fs.appendFile(this.file, line);
      this.fileLines++;
    } catch {
      // The run folder is gone (undefine) or the disk is full: the in-memory log still has it.
    }
  }
}
