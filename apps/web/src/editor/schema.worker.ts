/// <reference lib="webworker" />
import { serveSchemaWorker, type WorkerScope } from './serveSchemaWorker';

serveSchemaWorker(self as unknown as WorkerScope);
