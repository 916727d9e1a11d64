import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { VirtdeckError } from '../errors.js';
import { guestName, jsonBody, parseInput, xmlBody } from '../http/input.js';
import { byteRange } from './byteRange.js';
import type { Pools } from './Pools.js';
import type { PoolVolumes } from './PoolVolumes.js';

const resizeBody = z.object({ capacity: z.number().int().positive().max(Number.MAX_SAFE_INTEGER) }).strict();
const poolOf = (params: { pool?: string }) => parseInput(guestName, params.pool, 'pool name');
const volumeOf = (params: { volume?: string }) => params.volume ?? '';

/** `/api/pools`: the embedded host's storage pools and their volumes, in libvirt's pool and volume XML. */
export function poolRoutes(pools: Pools, volumes: PoolVolumes): Router {
  const router = Router();

  router.get('/', async (_req, res) => {
    res.json(await pools.list());
  });

  router.post('/', async (req, res) => {
    const summary = await pools.define(xmlBody(req));
    res.status(201).location(`/api/pools/${encodeURIComponent(summary.name)}`).json(summary);
  });

  router.get('/:pool', async (req, res) => {
    const name = poolOf(req.params);
    const xml = await pools.xml(name);
    res.attachment(`${name}.xml`).type('application/xml').send(xml);
  });

  router.delete('/:pool', async (req, res) => {
    await pools.undefine(poolOf(req.params));
    res.status(204).end();
  });

  router.get('/:pool/volumes', async (req, res) => {
    res.json(await volumes.list(poolOf(req.params)));
  });

  router.post('/:pool/volumes', async (req, res) => {
    const pool = poolOf(req.params);
    const volume = await volumes.create(pool, xmlBody(req));
    res.status(201).location(`/api/pools/${encodeURIComponent(pool)}/volumes/${encodeURIComponent(volume.name)}`).json(volume);
  });

  // A download: always an attachment of bytes, never something a browser would render.
  router.get('/:pool/volumes/:volume', async (req, res) => {
    const { handle, size } = await volumes.open(poolOf(req.params), volumeOf(req.params));
    try {
      const range = byteRange(req.headers.range, size);
      res.attachment(volumeOf(req.params)).type('application/octet-stream').setHeader('Accept-Ranges', 'bytes');
      if (range !== undefined) res.status(206).setHeader('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
      res.setHeader('Content-Length', range === undefined ? size : range.end - range.start + 1);
      if (size === 0) {
        await handle.close();
        res.end();
        return;
      }
      const stream = handle.createReadStream(range === undefined ? {} : { start: range.start, end: range.end });
      stream.on('error', () => res.destroy());
      stream.pipe(res);
    } catch (error) {
      await handle.close();
      if (error instanceof VirtdeckError && error.code === 'range-not-satisfiable') res.setHeader('Content-Range', `bytes */${size}`);
      throw error;
    }
  });

  router.post('/:pool/volumes/:volume/resize', async (req, res) => {
    const { capacity } = parseInput(resizeBody, jsonBody(req), 'resize request');
    res.json(await volumes.resize(poolOf(req.params), volumeOf(req.params), BigInt(capacity)));
  });

  router.delete('/:pool/volumes/:volume', async (req, res) => {
    await volumes.remove(poolOf(req.params), volumeOf(req.params));
    res.status(204).end();
  });

  return router;
}

/**
 * `PUT /api/pools/NAME/volumes/VOL` with the file as an application/octet-stream body: mounted
 * after the token and Origin checks but before the JSON and XML body parsers and their size
 * limits, so the body streams to the pool whatever its size.
 */
export function volumeUploadRoute(volumes: PoolVolumes): RequestHandler {
  const router = Router();
  router.put('/api/pools/:pool/volumes/:volume', async (req, res) => {
    if (!req.is('application/octet-stream')) {
      throw new VirtdeckError('unsupported-media-type', `An upload is sent as application/octet-stream, not '${req.headers['content-type'] ?? ''}'`);
    }
    const pool = poolOf(req.params);
    const { created, volume } = await volumes.upload(pool, volumeOf(req.params), req);
    if (created) res.status(201).location(`/api/pools/${encodeURIComponent(pool)}/volumes/${encodeURIComponent(volume.name)}`);
    res.json(volume);
  });
  return router;
}
