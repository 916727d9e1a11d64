import { Router, type Request, type Response } from 'express';
import { LOCAL_HOST_ID } from '../api.js';
import type { Driver } from '../drivers/Driver.js';
import { withHost } from '../hosts/Hosts.js';
import { refuseInvalidDefinition } from '../validation/requestValidation.js';
import { isNavigation } from './browserGuards.js';
import { addDeviceRoutes } from './deviceRoutes.js';
import { z } from 'zod';
import type { GuestVolume } from '../api.js';
import { VirtdeckError } from '../errors.js';
import { chooseVolumes } from '../storage/guestVolumes.js';
import { setTags } from '../guests/guestTags.js';
import { addSnapshotRoutes } from '../snapshots/snapshotRoutes.js';
import { actionBody, actionParam, autostartBody, tagsBody, guestName, jsonBody, parseInput, xmlBody, xmlQuery } from './input.js';

/** The host a request is for and its driver (`/api/domains` is the local host's, `/api/hosts/ID/domains` ID's). */
export type HostOfRequest = (req: Request) => { host: string; driver: Driver };

/** Where a guest's routes are: the local host's keep their short form. */
export function guestPath(host: string, name: string): string {
  const guest = `domains/${encodeURIComponent(name)}`;
  return host === LOCAL_HOST_ID ? `/api/${guest}` : `/api/hosts/${encodeURIComponent(host)}/${guest}`;
}

/** `/api/domains` and `/api/hosts/ID/domains`: one host's guests, their definitions and their lifecycle. */
/** What the local host adds: template disks made only when their guest is defined, a guest's volumes deleted with it. */
export interface DefineHooks {
  beforeCreate?(xml: string): Promise<{ commit(): void; undo(): Promise<void> }>;
  volumesOf?(name: string): Promise<GuestVolume[]>;
  removeVolumes?(volumes: readonly GuestVolume[]): Promise<void>;
}

const undefineQuery = z.object({ volumes: z.string().regex(/^(?:1|all|[a-z]{2,3}[a-z0-9]{0,8}(?:,[a-z]{2,3}[a-z0-9]{0,8})*)$/, "1 (all its pool volumes) or disk targets such as vda,vdb").optional() }).strict();

export function domainRoutes(hostOf: HostOfRequest, hooks: DefineHooks = {}): Router {
  const router = Router({ mergeParams: true });
  const nameOf = (params: { name?: string }) => parseInput(guestName, params.name, 'guest name');

  router.get('/', (req, res) => {
    const { host, driver } = hostOf(req);
    res.json(driver.list().map((guest) => withHost(host, guest)));
  });

  router.post('/', async (req, res) => {
    const { host, driver: guests } = hostOf(req);
    const xml = xmlBody(req);
    await refuseInvalidDefinition(xml);
    const prepared = await hooks.beforeCreate?.(xml);
    let summary;
    try {
      summary = await guests.define(xml, { create: true });
    } catch (error) {
      await prepared?.undo();
      throw error;
    }
    prepared?.commit();
    res.status(201).location(guestPath(host, summary.name)).json(withHost(host, summary));
  });

  router.get('/:name', (req, res) => {
    const { host, driver: guests } = hostOf(req);
    res.json(withHost(host, guests.get(nameOf(req.params))));
  });

  router.get('/:name/volumes', async (req, res) => {
    const name = nameOf(req.params);
    hostOf(req).driver.get(name);
    res.json(hooks.volumesOf ? await hooks.volumesOf(name) : []);
  });

  router.delete('/:name', async (req, res) => {
    const guests = hostOf(req).driver;
    const name = nameOf(req.params);
    const { volumes } = parseInput(undefineQuery, req.query, 'delete request');
    if (volumes === undefined) {
      await guests.undefine(name);
      res.status(204).end();
      return;
    }
    if (!hooks.volumesOf || !hooks.removeVolumes) throw new VirtdeckError('invalid-request', 'Volumes are deleted with a guest of the local host only');
    // Checked before anything goes: a volume another guest uses keeps the guest too.
    const chosen = chooseVolumes(name, await hooks.volumesOf(name), volumes);
    await guests.undefine(name);
    await hooks.removeVolumes(chosen);
    res.status(204).end();
  });

  /** A definition as a document: opened in a tab, XHTML in <metadata> would be a page on our origin, so it is a download. */
  const sendDefinition = (req: Request, res: Response, fileName: string, xml: string) => {
    if (isNavigation(req.headers)) res.attachment(fileName);
    res.type('application/xml').send(xml);
  };

  router.get('/:name/xml', async (req, res) => {
    const guests = hostOf(req).driver;
    const { running } = parseInput(xmlQuery, req.query, 'definition request');
    const name = nameOf(req.params);
    sendDefinition(req, res, `${name}.xml`, await guests.definition(name, { running: running === '1' || running === 'true' }));
  });

  router.get('/:name/history', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await hostOf(req).driver.history(nameOf(req.params)));
  });

  router.get('/:name/history/:id', async (req, res) => {
    const name = nameOf(req.params);
    const id = req.params.id ?? '';
    sendDefinition(req, res, `${name}-${id}.xml`, await hostOf(req).driver.version(name, id));
  });

  router.put('/:name/xml', async (req, res) => {
    const { host, driver: guests } = hostOf(req);
    const name = nameOf(req.params);
    const xml = xmlBody(req);
    await refuseInvalidDefinition(xml);
    res.json(withHost(host, await guests.define(xml, { create: false, name })));
  });

  router.put('/:name/autostart', async (req, res) => {
    const { host, driver: guests } = hostOf(req);
    const { autostart } = parseInput(autostartBody, jsonBody(req), 'autostart setting');
    res.json(withHost(host, await guests.setAutostart(nameOf(req.params), autostart)));
  });

  router.put('/:name/tags', async (req, res) => {
    const { host, driver: guests } = hostOf(req);
    const { tags } = parseInput(tagsBody, jsonBody(req), 'tags');
    res.json(withHost(host, await setTags(guests, nameOf(req.params), tags)));
  });

  router.get('/:name/argv', async (req, res) => {
    res.json(await hostOf(req).driver.commandLine(nameOf(req.params)));
  });

  // QEMU's own words, which may hold anything a definition put there: plain text, never sniffed.
  router.get('/:name/qemu-log', async (req, res) => {
    const log = await hostOf(req).driver.qemuLog(nameOf(req.params));
    res.set({ 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' }).type('text/plain; charset=utf-8').send(log);
  });

  router.get('/:name/events', (req, res) => {
    res.json(hostOf(req).driver.events(nameOf(req.params)));
  });

  addSnapshotRoutes(router, hostOf);
  addDeviceRoutes(router, hostOf, nameOf);

  // Another client's serial console session is ended only when a person asks.
  router.post('/:name/console/take-over', (req, res) => {
    const { driver } = hostOf(req);
    const name = nameOf(req.params);
    if (!driver.takeOverConsole) throw new VirtdeckError('conflict', `No other client can hold the serial console of '${name}': virtdeck runs its QEMU`);
    driver.takeOverConsole(name);
    res.status(204).end();
  });

  router.post('/:name/:action', async (req, res) => {
    const { host, driver: guests } = hostOf(req);
    const name = nameOf(req.params);
    const action = parseInput(actionParam, req.params.action, 'action');
    const options = parseInput(actionBody, jsonBody(req), `${action} options`);
    res.json(withHost(host, await guests.act(name, action, options)));
  });

  return router;
}
