import path from 'node:path';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { toVirtdeckError, VirtdeckError } from '../errors.js';
import type { GuestManager } from '../guests/GuestManager.js';
import { domainRoutes } from './domainRoutes.js';
import { EventHub } from './EventHub.js';

export interface AppDeps {
  guests: GuestManager;
  logger: Logger;
  webRoot?: string;
}

/** Definitions are small; anything bigger than this is a mistake or an attack. */
export const MAX_BODY_BYTES = 1024 * 1024;

export function createApp({ guests, logger, webRoot }: AppDeps): { app: Express; events: EventHub } {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  const events = new EventHub(() => guests.list());
  guests.on('guest', (summary) => events.broadcast('guest', summary));
  guests.on('removed', (name) => events.broadcast('removed', { name }));

  app.use('/api', express.text({ type: ['application/xml', 'text/xml', 'text/plain'], limit: MAX_BODY_BYTES }));
  app.get('/api/events', events.handle);
  app.use('/api/domains', domainRoutes(guests));
  app.use('/api', (req, _res, next) => next(new VirtdeckError('not-found', `No API endpoint ${req.method} ${req.originalUrl}`)));

  if (webRoot) {
    app.use(express.static(webRoot, { index: 'index.html', maxAge: '1h', setHeaders: noCacheForIndex }));
    // The web app routes in the browser: every other GET gets its shell.
    app.get(/^\/(?!api\/).*/, ((_req, res) => res.sendFile(path.join(webRoot, 'index.html'), { headers: { 'Cache-Control': 'no-cache' } })) as RequestHandler);
  }

  app.use(errorHandler(logger));
  return { app, events };
}

function noCacheForIndex(res: express.Response, file: string): void {
  if (file.endsWith('index.html')) res.setHeader('Cache-Control', 'no-cache');
}

function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const failure = fromHttpError(error) ?? toVirtdeckError(error);
    if (failure.code === 'internal') logger.error({ err: error, method: req.method, url: req.originalUrl }, 'request failed');
    res.status(failure.status).json(failure.toJSON());
  };
}

/** Errors raised by Express's body parsers carry a `type`; give them the API's shape. */
function fromHttpError(error: unknown): VirtdeckError | undefined {
  const type = (error as { type?: unknown } | null)?.type;
  if (type === 'entity.too.large') return new VirtdeckError('payload-too-large', `The request body is larger than ${MAX_BODY_BYTES} bytes`);
  if (typeof type === 'string' && type.startsWith('entity.')) return new VirtdeckError('invalid-request', `The request body could not be read (${type})`);
  return undefined;
}
