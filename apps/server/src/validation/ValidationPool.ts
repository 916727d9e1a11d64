/**
 * A small pool of worker threads for checking request bodies, so that a large or hostile
 * definition never holds up the event loop (SSE, consoles, QMP events and every other request
 * go on meanwhile). Bounded on every side: a few workers, a short queue (more waiting requests
 * get 503 `unavailable`), a time budget per request once a worker has it (past it the request
 * gets 504 `timeout` and the worker is stopped and replaced) and a heap limit per worker.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { VirtdeckError } from '../errors.js';
import type { TaskArgs, TaskResult, ValidationTask } from './tasks.js';
import type { TaskReply, TaskRequest } from './validationWorker.js';

export interface ValidationPoolOptions {
  /** Worker threads; default 2, or 1 on a single core. */
  size?: number;
  /** Requests that may wait for a worker; past that they are refused at once. */
  maxQueued?: number;
  /** Longest a worker may spend on one request, in ms. */
  budgetMs?: number;
  /** Heap limit of each worker, in MiB. */
  heapMb?: number;
}

interface Job {
  request: TaskRequest;
  resolve: (value: unknown) => void;
  reject: (error: VirtdeckError) => void;
  timer?: NodeJS.Timeout;
  slot?: Slot;
}

interface Slot {
  worker: Worker;
  /** loaded and listening */
  ready: boolean;
  job?: Job;
}

export class ValidationPool {
  readonly size: number;
  readonly maxQueued: number;
  readonly budgetMs: number;
  private readonly heapMb: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(options: ValidationPoolOptions = {}) {
    this.size = Math.max(1, options.size ?? Math.min(2, os.availableParallelism()));
    this.maxQueued = options.maxQueued ?? 16;
    this.budgetMs = options.budgetMs ?? 15_000;
    this.heapMb = options.heapMb ?? 512;
  }

  /** Requests a worker is checking right now. */
  get running(): number {
    return this.slots.filter((s) => s.job !== undefined).length;
  }

  /** Runs a task on a worker; rejects with the project's error type, never hangs past the budget. */
  run<T extends ValidationTask>(task: T, ...args: TaskArgs<T>): Promise<TaskResult<T>> {
    if (this.closed) return Promise.reject(new VirtdeckError('unavailable', 'The server is stopping; definitions are no longer checked'));
    if (this.queue.length >= this.maxQueued) {
      return Promise.reject(new VirtdeckError('unavailable', `The server is busy checking ${this.queue.length + this.size} other definitions; try again in a moment`));
    }
    return new Promise<TaskResult<T>>((resolve, reject) => {
      this.queue.push({ request: { id: this.nextId++, task, args }, resolve: resolve as (value: unknown) => void, reject });
      this.dispatch();
    });
  }

  /** Stops the workers; requests still waiting or running are refused. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) this.settle(job, new VirtdeckError('unavailable', 'The server is stopping; the definition was not checked'));
    await Promise.all(
      this.slots.splice(0).map((slot) => {
        if (slot.job) this.settle(slot.job, new VirtdeckError('unavailable', 'The server is stopping; the definition was not checked'));
        return slot.worker.terminate();
      }),
    );
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      if (this.slots.length < this.size && !this.slots.some((s) => !s.ready)) this.spawn();
      const slot = this.slots.find((s) => s.ready && s.job === undefined);
      if (!slot) return;
      const job = this.queue.shift() as Job;
      slot.job = job;
      job.slot = slot;
      job.timer = setTimeout(() => this.expire(job), this.budgetMs);
      job.timer.unref();
      slot.worker.postMessage(job.request);
    }
  }

  private spawn(): Slot {
    const worker = startWorker(this.heapMb);
    const slot: Slot = { worker, ready: false };
    worker.unref();
    worker.on('message', (reply: TaskReply) => {
      if ('ready' in reply) {
        slot.ready = true;
        this.dispatch();
        return;
      }
      const job = slot.job;
      if (!job || job.request.id !== reply.id) return;
      slot.job = undefined;
      if ('error' in reply) this.settle(job, new VirtdeckError('internal', `Checking the definition failed: ${reply.error}`));
      else this.settle(job, undefined, reply.result);
      this.dispatch();
    });
    // a worker that dies (out of memory on a hostile body) is replaced; its request is refused
    const lost = (why: string) => {
      const index = this.slots.indexOf(slot);
      if (index === -1) return;
      this.slots.splice(index, 1);
      const refused = new VirtdeckError('unavailable', `The definition could not be checked: ${why}`);
      if (slot.job) this.settle(slot.job, refused);
      slot.job = undefined;
      // one that never started will not start the next time either: refuse what waits for it
      if (!slot.ready) for (const job of this.queue.splice(0)) this.settle(job, refused);
      this.dispatch();
    };
    worker.on('error', (error) => lost(error.message));
    worker.on('exit', (code) => lost(`the validation worker stopped (exit code ${code})`));
    this.slots.push(slot);
    return slot;
  }

  private expire(job: Job): void {
    const seconds = Math.round(this.budgetMs / 100) / 10;
    const error = new VirtdeckError('timeout', `Checking the definition took longer than ${seconds} s and was stopped; it is too large or too complex`);
    const slot = job.slot;
    this.settle(job, error);
    if (slot && slot.job === job) {
      // the worker is stuck on this job: stop it, and let a fresh one take the queue
      slot.job = undefined;
      const index = this.slots.indexOf(slot);
      if (index !== -1) this.slots.splice(index, 1);
      void slot.worker.terminate();
      this.dispatch();
    }
  }

  private settle(job: Job, error: VirtdeckError | undefined, result?: unknown): void {
    clearTimeout(job.timer);
    if (error) job.reject(error);
    else job.resolve(result);
  }
}

/** The compiled worker next to this file, or (running from the TypeScript sources) the source through tsx. */
function startWorker(heapMb: number): Worker {
  const resourceLimits = { maxOldGenerationSizeMb: heapMb };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./validationWorker.js', import.meta.url), { execArgv: [], resourceLimits });
  return new Worker(new URL('./sourceWorker.mjs', import.meta.url), { execArgv: ['--conditions=source'], resourceLimits });
}
