import path from 'node:path';
import type { HostCapabilities } from '@virtdeck/qemu';
import compression from 'compression';
import express, { type ErrorRequestHandler, type Express } from 'express';
import type { Logger } from 'pino';
import { LOCAL_HOST_ID, type HostInfo, type HostUsageEvent, type StatsEvent } from '../api.js';
import type { AccessToken } from '../auth/accessToken.js';
import { toVirtdeckError, VirtdeckError } from '../errors.js';
import type { Hosts } from '../hosts/Hosts.js';
import { hostsRoutes } from '../hosts/hostsRoutes.js';
import { moveRoute } from '../hosts/moveGuest.js';
import { displayRoutes } from '../vnc/displayRoutes.js';
import type { DisplayTickets } from '../vnc/DisplayTickets.js';
import type { GuestDisplays } from '../vnc/GuestDisplays.js';
import { hostBridges, tapAccess } from '../networks/networkHost.js';
import { networkRoutes } from '../networks/networkRoutes.js';
import type { Networks } from '../networks/Networks.js';
import type { Pools } from '../storage/Pools.js';
import type { PoolVolumes } from '../storage/PoolVolumes.js';
import { poolRoutes, volumeUploadRoute } from '../storage/storageRoutes.js';
import { guestVolumes, removeVolumes } from '../storage/guestVolumes.js';
import { isoInstallDefinition } from '../templates/isoInstallRequest.js';
import { createTemplateDisks, instantiateTemplate, listTemplates, type TemplateContext } from '../templates/templates.js';
import { refuseInvalidDefinition, validateRequest } from '../validation/requestValidation.js';
import { requireToken, tokenLogin } from './auth.js';
import { apiResponseHeaders, appSecurityHeaders, requireJsonOrXmlBody, requireOwnHost, requireOwnOrigin } from './browserGuards.js';
import { domainRoutes } from './domainRoutes.js';
import { EventHub, type ServerEventFrame } from './EventHub.js';
import type { HostAllowList } from './hostAllowList.js';
import { hostInfo } from './hostInfo.js';
import { isoInstallBody, MAX_JSON_BYTES, MAX_XML_BYTES, parseInput, templateBody, jsonBody, XML_TYPES, xmlBody } from './input.js';
import { webApp } from './webApp.js';

export interface AppDeps {
  /** The hosts and their drivers: every guest route goes to its host's. */
  guestHosts: Hosts;
  logger: Logger;
  token: AccessToken;
  /** Where the token is kept, for the 401 message. */
  tokenFile: string;
  /** The host names (with the port) requests may be addressed to. */
  hosts: HostAllowList;
  capabilities: () => Promise<HostCapabilities>;
  templates: TemplateContext;
  /** Built web app to serve; absent in API-only tests. */
  webRoot?: string;
  /** The graphical consoles and the tickets their WebSockets need. */
  displays: GuestDisplays;
  displayTickets: DisplayTickets;
  /** The local host's virtual networks. */
  networks: Networks;
  /** The local host's storage pools and their volumes. */
  pools: Pools;
  volumes: PoolVolumes;
  /** Whether options and programs that reach the host unchecked may start (ServerConfig.hostPassthrough). */
  hostPassthrough: boolean;
  /** What guests showed of an accelerator that opens (GuestManager.acceleratorCaution). */
  acceleratorCaution?: (accelerator: string) => string | undefined;
}

export interface App {
  app: Express;
  events: EventHub;
  /** The last stats message, for clients that connect between two. */
  setLatestStats(stats: StatsEvent): void;
  /** The last host summary, likewise. */
  setLatestHostUsage(usage: HostUsageEvent): void;
}

/**
 * The Express app: security headers and the Host check first, then auth (and, for the
 * cookie, the Origin), then bodies (JSON or XML only, capped), the API, the web app, and one
 * error handler.
 */
export function createApp({ guestHosts, logger, token, tokenFile, hosts, capabilities, templates, webRoot, displays, displayTickets, networks, pools, volumes, hostPassthrough, acceleratorCaution }: AppDeps): App {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  const local = guestHosts.driver(LOCAL_HOST_ID);
  let latestStats: StatsEvent | undefined;
  let latestHostUsage: HostUsageEvent | undefined;
  const events = new EventHub(() => {
    const frames: ServerEventFrame[] = [
      { event: 'snapshot', data: guestHosts.guests() },
      { event: 'hosts', data: guestHosts.list() },
    ];
    if (latestStats) frames.push({ event: 'stats', data: latestStats });
    if (latestHostUsage) frames.push({ event: 'hostUsage', data: latestHostUsage });
    return frames;
  });
  guestHosts.on('guest', (summary) => events.broadcast('guest', summary));
  guestHosts.on('removed', (guest) => events.broadcast('removed', guest));
  guestHosts.on('lifecycle', (event) => events.broadcast('lifecycle', event));
  guestHosts.on('hosts', (list) => events.broadcast('hosts', list));

  app.use(appSecurityHeaders);
  app.use(requireOwnHost(hosts));
  // API replies are compressed as they go; the event stream is not, or each event would wait in the compressor.
  app.use(compression({ filter: (req, res) => !String(res.getHeader('Content-Type') ?? '').startsWith('text/event-stream') && compression.filter(req, res) }));
  app.use(tokenLogin(token));
  app.use('/api', apiResponseHeaders);
  app.use('/api', requireToken(token, tokenFile));
  app.use('/api', requireOwnOrigin(token));
  // The one body that is neither JSON nor XML: an upload, streamed to its pool, past the body limits.
  app.use(volumeUploadRoute(volumes));
  app.use('/api', requireJsonOrXmlBody);
  app.use('/api', express.text({ type: XML_TYPES, limit: MAX_XML_BYTES }));
  app.use('/api', express.json({ limit: MAX_JSON_BYTES }));

  app.get('/api/events', events.handle);
  app.use('/api/domains', displayRoutes(displays, displayTickets, () => LOCAL_HOST_ID));
  // The guests of every host; each host's own list is under /api/hosts/ID/domains.
  // To another host; before the lifecycle routes, whose POST /:name/:action would take it.
  const moveDirs = { localImages: path.join(templates.stateDir, 'images') };
  app.post('/api/domains/:name/move', moveRoute(guestHosts, moveDirs, () => LOCAL_HOST_ID));
  app.get('/api/domains', (_req, res) => {
    res.json(guestHosts.guests());
  });
  app.use(
    '/api/domains',
    domainRoutes(() => ({ host: LOCAL_HOST_ID, driver: local }), {
      beforeCreate: (xml) => createTemplateDisks(xml, templates),
      volumesOf: (name) => guestVolumes(name, local, pools),
      removeVolumes: (chosen) => removeVolumes(volumes, chosen),
    }),
  );
  const localHostInfo = async (): Promise<HostInfo> => {
    const [caps, bridges, { tapBlocked }] = await Promise.all([capabilities(), hostBridges(), tapAccess()]);
    const info: HostInfo = { ...hostInfo(caps, acceleratorCaution), bridges: [...bridges].sort(), privileged: process.getuid?.() === 0, hostPassthrough };
    if (tapBlocked !== undefined) info.tapBlocked = tapBlocked;
    return info;
  };
  app.use('/api/hosts', hostsRoutes(guestHosts, { displays, tickets: displayTickets }, localHostInfo, moveDirs));
  app.use('/api/networks', networkRoutes(networks));
  app.use('/api/pools', poolRoutes(pools, volumes));
  app.get('/api/host', async (_req, res) => {
    res.json(await localHostInfo());
  });
  app.post('/api/validate', async (req, res) => {
    const xml = xmlBody(req);
    res.json(await validateRequest(xml, { capabilities, stateDir: templates.stateDir, hostPassthrough }, () => local.validate(xml)));
  });
  app.post('/api/argv', async (req, res) => {
    const xml = xmlBody(req);
    await refuseInvalidDefinition(xml);
    res.json(await local.commandLineOf(xml));
  });
  app.get('/api/templates', (_req, res) => {
    res.json(listTemplates(templates));
  });
  // Before /:id: the install-from-an-ISO definition takes more than a name.
  app.post('/api/templates/iso', async (req, res) => {
    const request = parseInput(isoInstallBody, jsonBody(req), 'install request');
    res.json(await isoInstallDefinition(request, { templates, pools, volumes, networks }));
  });
  app.post('/api/templates/:id', async (req, res) => {
    const { name } = parseInput(templateBody, jsonBody(req), 'new guest');
    res.json({ xml: await instantiateTemplate(req.params.id, name, templates) });
  });
  app.use('/api', (req, _res, next) => next(new VirtdeckError('not-found', `No API endpoint ${req.method} ${req.originalUrl}`)));

  if (webRoot) app.use(webApp(webRoot));

  app.use(errorHandler(logger));
  return {
    app,
    events,
    setLatestStats: (stats) => {
      latestStats = stats;
    },
    setLatestHostUsage: (usage) => {
      latestHostUsage = usage;
    },
  };
}

/** The one place errors become HTTP: `{ code, message, diagnostics?, detail? }` with the code's status. */
function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const failure = fromHttpError(error) ?? toVirtdeckError(error);
    if (failure.code === 'internal') logger.error({ err: error, method: req.method, url: req.originalUrl }, 'request failed');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(failure.status).json(failure.toJSON());
  };
}

/** Errors raised by Express's body parsers carry a `type`; give them the API's shape. */
function fromHttpError(error: unknown): VirtdeckError | undefined {
  // Express decodes route parameters with decodeURIComponent, which throws on `%ZZ`, `%` or a cut-off UTF-8 sequence.
  if (error instanceof URIError) return new VirtdeckError('invalid-request', `The URL is not valid percent-encoding: ${error.message}`);
  const failure = error as { type?: unknown; limit?: unknown } | null;
  const type = failure?.type;
  if (type === 'entity.too.large') return new VirtdeckError('payload-too-large', `The request body is larger than the ${String(failure?.limit)} bytes this endpoint accepts`);
  if (type === 'entity.parse.failed') return new VirtdeckError('invalid-request', `The request body is not valid JSON: ${(error as Error).message}`);
  if (typeof type === 'string' && (type.startsWith('entity.') || type.startsWith('charset.') || type.startsWith('encoding.'))) {
    return new VirtdeckError('invalid-request', `The request body could not be read (${type})`);
  }
  return undefined;
}
