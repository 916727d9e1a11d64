/** A validation worker thread: runs one task at a time from the pool and posts its result back. */
import { parentPort } from 'node:worker_threads';
import { describeError } from '../errors.js';
import { VALIDATION_TASKS, type ValidationTask } from './tasks.js';

export interface TaskRequest {
  id: number;
  task: ValidationTask;
  args: unknown[];
}

/** `ready` once the worker has loaded (the time budget of a request starts when a ready worker takes it). */
export type TaskReply = { id: number; result: unknown } | { id: number; error: string } | { ready: true };

const port = parentPort;
if (!port) throw new Error('validationWorker.ts runs as a worker thread of ValidationPool');
port.on('message', async ({ id, task, args }: TaskRequest) => {
  try {
    const run = VALIDATION_TASKS[task] as (...a: unknown[]) => unknown;
    port.postMessage({ id, result: await run(...args) } satisfies TaskReply);
  } catch (error) {
    port.postMessage({ id, error: describeError(error) } satisfies TaskReply);
  }
});
port.postMessage({ ready: true } satisfies TaskReply);
