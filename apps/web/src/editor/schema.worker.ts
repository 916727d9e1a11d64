/// <reference lib="webworker" />
import { serveSchemaWorker, type WorkerScope } from './serveSchemaWorker';

// One script, two workers: the editor names each by its role (see serveSchemaWorker).
serveSchemaWorker(self as unknown as WorkerScope, self.name === 'preview' ? 'preview' : 'checks');
