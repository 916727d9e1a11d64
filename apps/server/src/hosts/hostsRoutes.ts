import { Router, type Request } from 'express';
import { domainRoutes } from '../http/domainRoutes.js';
import { jsonBody, parseInput } from '../http/input.js';
import { hostEntry, hostId } from './hostConfig.js';
import type { Hosts } from './Hosts.js';

/**
 * `/api/hosts`: the hosts (local and libvirt connections), adding and removing one, and
 * every guest route of a host under `/api/hosts/ID/domains/…`.
 */
export function hostsRoutes(hosts: Hosts): Router {
  const router = Router();
  const idOf = (req: Request) => parseInput(hostId, (req.params as { host?: string }).host, 'host id');

  router.get('/', (_req, res) => {
    res.json(hosts.list());
  });

  router.post('/', async (req, res) => {
    const entry = parseInput(hostEntry, jsonBody(req), 'body');
    const summary = await hosts.add(entry);
    res.status(201).location(`/api/hosts/${encodeURIComponent(summary.id)}`).json(summary);
  });

  router.get('/:host', (req, res) => {
    res.json(hosts.get(idOf(req)));
  });

  router.delete('/:host', async (req, res) => {
    await hosts.remove(idOf(req));
    res.status(204).end();
  });

  router.use(
    '/:host/domains',
    domainRoutes((req) => {
      const host = idOf(req);
      return { host, driver: hosts.driver(host) };
    }),
  );
  return router;
}
