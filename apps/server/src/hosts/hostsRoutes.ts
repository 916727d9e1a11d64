import { Router, type Request } from 'express';
import { domainRoutes } from '../http/domainRoutes.js';
import { LOCAL_HOST_ID, type HostInfo, type ValidateResult } from '../api.js';
import { hostInfo } from '../http/hostInfo.js';
import { moveRoute, type MoveDirectories } from './moveGuest.js';
import { jsonBody, parseInput, xmlBody } from '../http/input.js';
import { INLINE_MAX_CHARS, refuseInvalidDefinition, validationPool } from '../validation/requestValidation.js';
import { displayRoutes } from '../vnc/displayRoutes.js';
import type { DisplayTickets } from '../vnc/DisplayTickets.js';
import type { GuestDisplays } from '../vnc/GuestDisplays.js';
import { hostEntry, hostId } from './hostConfig.js';
import type { Hosts } from './Hosts.js';

/**
 * `/api/hosts`: the hosts (local and libvirt connections), adding and removing one, and
 * every guest route of a host under `/api/hosts/ID/domains/…`.
 */
export function hostsRoutes(hosts: Hosts, screens: { displays: GuestDisplays; tickets: DisplayTickets }, localHostInfo: () => Promise<HostInfo>, moveDirs: MoveDirectories): Router {
  const router = Router();
  const idOf = (req: Request) => parseInput(hostId, (req.params as { host?: string }).host, 'host id');

  router.get('/', (_req, res) => {
    res.json(hosts.list());
  });

  router.post('/', async (req, res) => {
    const entry = parseInput(hostEntry, jsonBody(req), 'new host');
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

  // Before the lifecycle routes too: their POST /:name/:action would take it.
  router.post('/:host/domains/:name/move', moveRoute(hosts, moveDirs, idOf));

  // The graphical console's routes come before the lifecycle routes, whose POST /:name/:action would take them.
  router.use(
    '/:host/domains',
    displayRoutes(screens.displays, screens.tickets, (req) => {
      const host = idOf(req);
      hosts.driver(host);
      return host;
    }),
  );
  router.use(
    '/:host/domains',
    domainRoutes((req) => {
      const host = idOf(req);
      return { host, driver: hosts.driver(host) };
    }),
  );

  // What the host can run, as GET /api/host has it for the local one: for a libvirt host its
  // capabilities and domcapabilities (machine types, CPU models, accelerators), read once per
  // connection; what only the server's own host has (bridges for taps, root) is left out.
  router.get('/:host/host', async (req, res) => {
    const id = idOf(req);
    const info: HostInfo = id === LOCAL_HOST_ID ? await localHostInfo() : hostInfo(await hosts.driver(id).capabilities());
    res.json(info);
  });

  // The editor of a host's guest checks against that host: its capabilities (libvirt's
  // domcapabilities) and, for the command line, libvirt's own domxml-to-native.
  router.post('/:host/validate', async (req, res) => {
    const driver = hosts.driver(idOf(req));
    const xml = xmlBody(req);
    res.json(await checkedOnPool(xml, () => driver.validate(xml)));
  });

  router.post('/:host/argv', async (req, res) => {
    const driver = hosts.driver(idOf(req));
    const xml = xmlBody(req);
    await refuseInvalidDefinition(xml);
    res.json(await driver.commandLineOf(xml));
  });
  return router;
}

/**
 * A large body is parsed on the validation pool first (it never blocks the event loop); an
 * invalid one is answered from there, a valid one goes on to the host's own checks.
 */
async function checkedOnPool(xml: string, validate: () => Promise<ValidateResult>): Promise<ValidateResult> {
  if (xml.length <= INLINE_MAX_CHARS) return validate();
  const { valid, diagnostics } = await validationPool().run('check', xml);
  return valid ? validate() : { valid, startable: false, diagnostics };
}
