import type { HostInfo } from '../api/types';
import type { FromWorker, ToWorker, WorkerRequest, WorkerResults } from './protocol';

/** The part of a Worker (or a MessagePort, in tests) the client talks through. */
export interface WorkerEndpoint {
  postMessage(message: ToWorker): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<FromWorker>) => void): void;
  terminate?(): void;
  close?(): void;
}

/** A request answered for an older text than the one it was asked for: ask again or drop it. */
export class StaleRequestError extends Error {
  constructor() {
    super('The document changed before the answer was ready');
    this.name = 'StaleRequestError';
  }
}

type Pending = { resolve: (value: never) => void; reject: (error: Error) => void };
export type Notification = Exclude<FromWorker, { type: 'response' }>;

/** The editor's side of the schema worker: pushes every text version, routes answers by id. */
export class SchemaWorkerClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private disposed = false;

  constructor(
    private readonly endpoint: WorkerEndpoint,
    onNotification: (message: Notification) => void,
  ) {
    endpoint.addEventListener('message', ({ data }) => {
      if (data.type !== 'response') {
        onNotification(data);
        return;
      }
      const pending = this.pending.get(data.id);
      if (!pending) return;
      this.pending.delete(data.id);
      if (data.ok) pending.resolve(data.result as never);
      else pending.reject(data.stale ? new StaleRequestError() : new Error(data.error));
    });
  }

  update(version: number, text: string): void {
    if (!this.disposed) this.endpoint.postMessage({ type: 'update', version, text });
  }

  setHost(host: HostInfo | null): void {
    if (!this.disposed) this.endpoint.postMessage({ type: 'host', host });
  }

  request<R extends WorkerRequest>(version: number, request: R): Promise<WorkerResults[R['kind']]> {
    if (this.disposed) return Promise.reject(new Error('The editor was closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: never) => void, reject });
      this.endpoint.postMessage({ type: 'request', id, version, request });
    });
  }

  dispose(): void {
    this.disposed = true;
    for (const pending of this.pending.values()) pending.reject(new Error('The editor was closed'));
    this.pending.clear();
    this.endpoint.terminate?.();
    this.endpoint.close?.();
  }
}
