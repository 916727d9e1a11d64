import { describe, expect, it } from 'vitest';
import { KeyedMutex } from '../../guests/KeyedMutex.js';
import { EventBatches } from './eventBatches.js';

/**
 * The driver's use of EventBatches, with reads that finish when the test says: each event
 * queues a read unless one is waiting, and every read records the events it answers.
 */
function harness() {
  const locks = new KeyedMutex();
  const batches = new EventBatches<string>();
  const reads: { name: string; answered: string[]; finish: () => void }[] = [];
  const read = (name: string, given: string[] = []) =>
    new Promise<void>((resolve) => {
      reads.push({ name, answered: [...given, ...batches.take(name)], finish: resolve });
    });
  const event = (name: string, what: string) => {
    const batch = batches.add(name, what);
    if (!batch) return;
    void locks.run(name, async () => {
      const events = batches.takeBatch(name, batch);
      if (events.length > 0) await read(name, events);
    });
  };
  /** Lets queued tasks run up to their next wait. */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  return { locks, batches, reads, read, event, settle };
}

describe('events that come while a read is queued', () => {
  it('are answered by that read: a busy guest is read once more, not once per event', async () => {
    const h = harness();
    h.event('a', 'defined');
    await h.settle();
    expect(h.reads.map((r) => r.answered)).toEqual([['defined']]);
    // While that read runs, a start's events come: one read is queued for all three.
    h.event('a', 'started');
    h.event('a', 'resumed');
    h.event('a', 'device-added');
    await h.settle();
    expect(h.reads).toHaveLength(1);
    h.reads[0]?.finish();
    await h.settle();
    expect(h.reads.map((r) => r.answered)).toEqual([['defined'], ['started', 'resumed', 'device-added']]);
    h.reads[1]?.finish();
    await h.settle();
    expect(h.reads).toHaveLength(2);
    expect(h.batches.size).toBe(0);
  });

  it('are answered by a read that begins for another reason, and their own read is skipped', async () => {
    const h = harness();
    let actionDone = false;
    // An action holds the guest's turn (virsh start), its events come meanwhile, then it reads the guest.
    let release = () => undefined as void;
    const action = h.locks.run('a', async () => {
      await new Promise<void>((resolve) => (release = resolve));
      const read = h.read('a');
      h.reads.at(-1)?.finish();
      await read;
      actionDone = true;
    });
    h.event('a', 'started');
    h.event('a', 'resumed');
    await h.settle();
    release();
    await action;
    await h.settle();
    expect(actionDone).toBe(true);
    expect(h.reads.map((r) => r.answered)).toEqual([['started', 'resumed']]);
  });

  it('of different guests are read apart', async () => {
    const h = harness();
    h.event('a', 'started');
    h.event('b', 'started');
    h.event('a', 'resumed');
    await h.settle();
    expect(h.reads.map((r) => [r.name, r.answered])).toEqual([
      ['a', ['started', 'resumed']],
      ['b', ['started']],
    ]);
  });

  it('after a seal (the guest was undefined) wait for a read of their own', async () => {
    const h = harness();
    let release = () => undefined as void;
    const forgotten: string[] = [];
    void h.locks.run('a', () => new Promise<void>((resolve) => (release = resolve)));
    h.event('a', 'stopped');
    h.batches.seal('a');
    void h.locks.run('a', async () => {
      h.batches.lift('a');
      forgotten.push('a');
    });
    h.event('a', 'defined');
    await h.settle();
    release();
    await h.settle();
    // The read queued for 'stopped' runs before the guest is forgotten: it leaves 'defined' alone.
    expect(h.reads.map((r) => r.answered)).toEqual([['stopped']]);
    h.reads[0]?.finish();
    await h.settle();
    expect(forgotten).toEqual(['a']);
    expect(h.reads.map((r) => r.answered)).toEqual([['stopped'], ['defined']]);
  });
});
