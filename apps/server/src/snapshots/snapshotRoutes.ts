import type { Request, Router } from 'express';
import { z } from 'zod';
import { CLONE_MODES } from '../api.js';
import { withHost } from '../hosts/Hosts.js';
import { isNavigation } from '../http/browserGuards.js';
import type { HostOfRequest } from '../http/domainRoutes.js';
import { guestName, jsonBody, parseInput } from '../http/input.js';
import { snapshotNameProblem } from './GuestSnapshots.js';

/** A snapshot's description is a line or a paragraph, as libvirt's <description>. */
const MAX_DESCRIPTION = 4096;

const snapshotName = z.string().superRefine((name, ctx) => {
  const problem = snapshotNameProblem(name);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
const snapshotBody = z.object({ name: snapshotName, description: z.string().max(MAX_DESCRIPTION, `at most ${MAX_DESCRIPTION} characters`).optional() }).strict();
const cloneBody = z.object({ name: guestName, mode: z.enum(CLONE_MODES) }).strict();

/**
 * A guest's snapshots and clones, on the router of `/api/domains` (and each host's):
 * GET/POST NAME/snapshots, GET/DELETE NAME/snapshots/SNAP, POST NAME/snapshots/SNAP/revert,
 * POST NAME/clone. Added before the lifecycle route, whose `:action` would take `clone`.
 */
export function addSnapshotRoutes(router: Router, hostOf: HostOfRequest): void {
  const nameOf = (req: Request) => parseInput(guestName, req.params.name, 'guest name');
  const snapshotOf = (req: Request) => parseInput(snapshotName, req.params.snapshot, 'snapshot name');

  router.get('/:name/snapshots', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await hostOf(req).driver.snapshots(nameOf(req)));
  });

  router.post('/:name/snapshots', async (req, res) => {
    const name = nameOf(req);
    const request = parseInput(snapshotBody, jsonBody(req), 'snapshot');
    const summary = await hostOf(req).driver.createSnapshot(name, request);
    res.status(201).location(`${req.baseUrl}/${encodeURIComponent(name)}/snapshots/${encodeURIComponent(summary.name)}`).json(summary);
  });

  // The snapshot XML keeps a whole definition: opened in a tab it is a download, never a page of ours.
  router.get('/:name/snapshots/:snapshot', async (req, res) => {
    const name = nameOf(req);
    const snapshot = snapshotOf(req);
    const xml = await hostOf(req).driver.snapshotXml(name, snapshot);
    if (isNavigation(req.headers)) res.attachment(`${name}-${snapshot}.xml`);
    res.set('Cache-Control', 'no-store').type('application/xml').send(xml);
  });

  router.delete('/:name/snapshots/:snapshot', async (req, res) => {
    await hostOf(req).driver.deleteSnapshot(nameOf(req), snapshotOf(req));
    res.status(204).end();
  });

  router.post('/:name/snapshots/:snapshot/revert', async (req, res) => {
    const { host, driver } = hostOf(req);
    res.json(withHost(host, await driver.revertSnapshot(nameOf(req), snapshotOf(req))));
  });

  router.post('/:name/clone', async (req, res) => {
    const { host, driver } = hostOf(req);
    const request = parseInput(cloneBody, jsonBody(req), 'clone');
    const summary = await driver.clone(nameOf(req), request);
    res.status(201).location(`${req.baseUrl}/${encodeURIComponent(summary.name)}`).json(withHost(host, summary));
  });
}
