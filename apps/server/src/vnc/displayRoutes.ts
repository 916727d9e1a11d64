import { Router, type Request } from 'express';
import { z } from 'zod';
import type { DisplayTicket } from '../api.js';
import { guestName, jsonBody, parseInput } from '../http/input.js';
import type { DisplayTickets } from './DisplayTickets.js';
import { sessionOf } from './DisplayTickets.js';
import type { DisplayOf, GuestDisplays } from './GuestDisplays.js';
import { MAX_TYPED_CHARACTERS } from './usKeymap.js';

const screenshotQuery = z.object({ width: z.coerce.number().int().min(16).max(4096).optional() }).strict();
const typeTextBody = z.object({ text: z.string().min(1).max(MAX_TYPED_CHARACTERS * 2) }).strict();

/**
 * `/api/domains/:name/…` (and the same under `/api/hosts/:host`) for the graphical console: a
 * ticket for the display WebSocket (see displaySocket.ts), a screenshot, and typing a text on
 * the guest's keyboard. Mounted before the lifecycle routes, whose `POST /:name/:action` would
 * take these paths. `hostOf` says which host a request is for.
 */
export function displayRoutes(displays: GuestDisplays, tickets: DisplayTickets, hostOf: (req: Request) => string): Router {
  const router = Router({ mergeParams: true });
  const guestOf = (req: Request): DisplayOf => ({ host: hostOf(req), name: parseInput(guestName, (req.params as { name?: string }).name, 'guest name') });

  router.post('/:name/display-ticket', async (req, res) => {
    const guest = guestOf(req);
    const password = await displays.needsPassword(guest);
    res.set('Cache-Control', 'no-store').json({ ...tickets.issue(guest, sessionOf(req)), password } satisfies DisplayTicket);
  });

  router.get('/:name/screenshot', async (req, res) => {
    const guest = guestOf(req);
    const { width } = parseInput(screenshotQuery, req.query, 'screenshot request');
    const png = await displays.screenshot(guest, width);
    res.set('Cache-Control', 'no-store').type('image/png').send(png);
  });

  router.post('/:name/type-text', async (req, res) => {
    const guest = guestOf(req);
    const { text } = parseInput(typeTextBody, jsonBody(req), 'text to type');
    await displays.typeText(guest, text);
    res.status(204).end();
  });

  return router;
}
