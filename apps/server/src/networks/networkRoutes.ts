import { Router } from 'express';
import { isNavigation } from '../http/browserGuards.js';
import { guestName, parseInput, xmlBody } from '../http/input.js';
import type { Networks } from './Networks.js';

/** `/api/networks`: the embedded host's virtual networks, in libvirt's network XML. */
export function networkRoutes(networks: Networks): Router {
  const router = Router();
  const nameOf = (params: { name?: string }) => parseInput(guestName, params.name, 'network name');

  router.get('/', async (_req, res) => {
    res.json(await networks.list());
  });

  router.post('/', async (req, res) => {
    const summary = await networks.define(xmlBody(req), { create: true });
    res.status(201).location(`/api/networks/${encodeURIComponent(summary.name)}`).json(summary);
  });

  router.post('/validate', (req, res) => {
    res.json(networks.validate(xmlBody(req)));
  });

  router.get('/:name', async (req, res) => {
    const name = nameOf(req.params);
    const xml = await networks.xml(name);
    // Opened in a tab, XHTML in <metadata> would be a page on our origin: make it a download.
    if (isNavigation(req.headers)) res.attachment(`${name}.xml`);
    res.type('application/xml').send(xml);
  });

  router.put('/:name', async (req, res) => {
    res.json(await networks.define(xmlBody(req), { create: false, name: nameOf(req.params) }));
  });

  router.delete('/:name', async (req, res) => {
    await networks.undefine(nameOf(req.params));
    res.status(204).end();
  });

  return router;
}
