/**
 * The events of each guest that no read has answered yet. A read of a guest that begins
 * after an event came sees what the event changed, so it answers that event: events that
 * come while a read is queued join it instead of queueing reads of their own. A libvirt
 * start brings two or three events (defined, started, resumed) and a host with many busy
 * guests dozens, and each read costs several virsh commands.
 */
export class EventBatches<E> {
  /** Per guest, the batch that the next read to begin answers. */
  private readonly open = new Map<string, E[]>();
  /** Per guest, how many seals (undefined guests) are waiting for their turn. */
  private readonly seals = new Map<string, number>();

  /**
   * Adds an event to its guest's waiting batch. Answers the batch when it is new, so the
   * caller queues a read for it, and undefined when a read already queued will answer it.
   */
  add(name: string, event: E): E[] | undefined {
    const waiting = this.open.get(name);
    if (waiting) {
      waiting.push(event);
      return undefined;
    }
    const batch = [event];
    this.open.set(name, batch);
    return batch;
  }

  /** A read of the guest begins: it answers every event waiting, taken here from their batch. */
  take(name: string): E[] {
    // Events after an undefine are not answered by a read before the guest is forgotten.
    if (this.seals.has(name)) return [];
    const waiting = this.open.get(name);
    if (!waiting) return [];
    this.open.delete(name);
    return waiting.splice(0);
  }

  /**
   * The read queued for `batch` begins: it answers what is in it (nothing when another read
   * took the events first), and events from now on wait for a later read.
   */
  takeBatch(name: string, batch: E[]): E[] {
    if (this.open.get(name) === batch) this.open.delete(name);
    return batch.splice(0);
  }

  /**
   * The guest was undefined: events from now on wait for a read queued after the guest is
   * forgotten, which calls lift() in its turn (the batch waiting keeps its own read).
   */
  seal(name: string): void {
    this.open.delete(name);
    this.seals.set(name, (this.seals.get(name) ?? 0) + 1);
  }

  /** The undefined guest was forgotten (in its turn): reads answer events again. */
  lift(name: string): void {
    const count = (this.seals.get(name) ?? 1) - 1;
    if (count > 0) this.seals.set(name, count);
    else this.seals.delete(name);
  }

  /** How many guests have events waiting. */
  get size(): number {
    return this.open.size;
  }
}
