import { Router } from 'express';
import { z } from 'zod';
import { VirtdeckError } from '../errors.js';
import type { GuestManager } from '../guests/GuestManager.js';

const ACTIONS = ['start', 'destroy'] as const;
const actionSchema = z.enum(ACTIONS);

function xmlBody(body: unknown): string {
  if (typeof body !== 'string' || body.trim() === '') {
    throw new VirtdeckError('invalid-request', 'Send the domain XML as the request body with Content-Type: application/xml');
  }
  return body;
}

export function domainRoutes(guests: GuestManager): Router {
  const router = Router();

  router.get('/', (_req, res) => {
    res.json(guests.list());
  });

  router.post('/', async (req, res) => {
    const summary = await guests.define(xmlBody(req.body), { create: true });
    res.status(201).location(`/api/domains/${encodeURIComponent(summary.name)}`).json(summary);
  });

  router.get('/:name', (req, res) => {
    res.json(guests.get(req.params.name));
  });

  router.delete('/:name', async (req, res) => {
    await guests.undefine(req.params.name);
    res.status(204).end();
  });

  router.get('/:name/xml', async (req, res) => {
    res.type('application/xml').send(await guests.definition(req.params.name));
  });

  router.put('/:name/xml', async (req, res) => {
    res.json(await guests.define(xmlBody(req.body), { create: false, name: req.params.name }));
  });

  router.post('/:name/:action', async (req, res) => {
    const action = actionSchema.safeParse(req.params.action);
    if (!action.success) {
      throw new VirtdeckError('not-found', `Unknown action '${req.params.action}'; use one of: ${ACTIONS.join(', ')}`);
    }
    res.json(await guests[action.data](req.params.name));
  });

  return router;
}
