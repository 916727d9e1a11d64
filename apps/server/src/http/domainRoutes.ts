import { Router, type Request, type Response } from 'express';
import type { Driver } from '../drivers/Driver.js';
import { refuseInvalidDefinition } from '../validation/requestValidation.js';
import { isNavigation } from './browserGuards.js';
import { actionBody, actionParam, autostartBody, guestName, jsonBody, parseInput, xmlBody, xmlQuery } from './input.js';

/** `/api/domains`: the guests, their definitions and their lifecycle. */
export function domainRoutes(guests: Driver): Router {
  const router = Router();
  const nameOf = (params: { name?: string }) => parseInput(guestName, params.name, 'guest name');

  router.get('/', (_req, res) => {
    res.json(guests.list());
  });

  router.post('/', async (req, res) => {
    const xml = xmlBody(req);
    await refuseInvalidDefinition(xml);
    const summary = await guests.define(xml, { create: true });
    res.status(201).location(`/api/domains/${encodeURIComponent(summary.name)}`).json(summary);
  });

  router.get('/:name', (req, res) => {
    res.json(guests.get(nameOf(req.params)));
  });

  router.delete('/:name', async (req, res) => {
    await guests.undefine(nameOf(req.params));
    res.status(204).end();
  });

  /** A definition as a document: opened in a tab, XHTML in <metadata> would be a page on our origin, so it is a download. */
  const sendDefinition = (req: Request, res: Response, fileName: string, xml: string) => {
    if (isNavigation(req.headers)) res.attachment(fileName);
    res.type('application/xml').send(xml);
  };

  router.get('/:name/xml', async (req, res) => {
    const { running } = parseInput(xmlQuery, req.query, 'query');
    const name = nameOf(req.params);
    sendDefinition(req, res, `${name}.xml`, await guests.definition(name, { running: running === '1' || running === 'true' }));
  });

  router.get('/:name/history', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await guests.history(nameOf(req.params)));
  });

  router.get('/:name/history/:id', async (req, res) => {
    const name = nameOf(req.params);
    const id = req.params.id ?? '';
    sendDefinition(req, res, `${name}-${id}.xml`, await guests.version(name, id));
  });

  router.put('/:name/xml', async (req, res) => {
    const name = nameOf(req.params);
    const xml = xmlBody(req);
    await refuseInvalidDefinition(xml);
    res.json(await guests.define(xml, { create: false, name }));
  });

  router.put('/:name/autostart', async (req, res) => {
    const { autostart } = parseInput(autostartBody, jsonBody(req), 'body');
    res.json(await guests.setAutostart(nameOf(req.params), autostart));
  });

  router.get('/:name/argv', async (req, res) => {
    res.json(await guests.commandLine(nameOf(req.params)));
  });

  // QEMU's own words, which may hold anything a definition put there: plain text, never sniffed.
  router.get('/:name/qemu-log', async (req, res) => {
    const log = await guests.qemuLog(nameOf(req.params));
    res.set({ 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' }).type('text/plain; charset=utf-8').send(log);
  });

  router.get('/:name/events', (req, res) => {
    res.json(guests.events(nameOf(req.params)));
  });

  router.post('/:name/:action', async (req, res) => {
    const name = nameOf(req.params);
    const action = parseInput(actionParam, req.params.action, 'action');
    const options = parseInput(actionBody, jsonBody(req), 'body');
    res.json(await guests.act(name, action, options));
  });

  return router;
}
