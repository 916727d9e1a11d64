import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import zlib from 'node:zlib';
import express, { type RequestHandler, type Router } from 'express';
import { VirtdeckError } from '../errors.js';

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/** Vite names every file under assets/ after its content: a new build brings new names. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** The shell names the current assets, so the browser asks again each time (a 304 is cheap). */
export const REVALIDATE = 'no-cache';
/** Text formats worth compressing; images and fonts in woff2 are compressed already (the web build's precompress.ts writes copies of the same). */
const COMPRESSIBLE = new Set(['.js', '.mjs', '.css', '.svg', '.json', '.map', '.ttf', '.wasm', '.txt', '.html']);
const ASSET_NAME = /^[\w.-]+$/;

type Encoding = 'br' | 'gzip';
/** The web build's compressed copy of an asset, beside it. */
const COPY_SUFFIX: Record<Encoding, string> = { br: '.br', gzip: '.gz' };

const brotliParams = (size: number) => ({ [zlib.constants.BROTLI_PARAM_QUALITY]: 9, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: size });

/**
 * A thread at the lowest CPU priority (nice 19; Linux gives each thread its own) that
 * brotli-compresses what it is sent, one file at a time, so compressing ahead never takes
 * a CPU from a guest starting meanwhile or the server's own work.
 */
const NICE_COMPRESSOR = `
const { parentPort } = require('node:worker_threads');
const zlib = require('node:zlib');
try { require('node:os').setPriority(19); } catch {}
parentPort.on('message', ({ id, body, params }) => {
  const out = zlib.brotliCompressSync(body, { params });
  parentPort.postMessage({ id, out }, [out.buffer]);
});`;

function niceCompressor(): { compress: (body: Buffer) => Promise<Buffer>; close: () => Promise<void> } {
  const worker = new Worker(NICE_COMPRESSOR, { eval: true });
  worker.unref();
  const pending = new Map<number, (out: Buffer) => void>();
  let next = 0;
  worker.on('message', ({ id, out }: { id: number; out: Uint8Array }) => {
    pending.get(id)?.(Buffer.from(out.buffer, out.byteOffset, out.byteLength));
    pending.delete(id);
  });
  const failed = new Promise<never>((_resolve, reject) => worker.once('error', reject));
  failed.catch(() => undefined);
  return {
    compress: (body) =>
      Promise.race([
        new Promise<Buffer>((resolve) => {
          const id = next++;
          pending.set(id, resolve);
          worker.postMessage({ id, body, params: brotliParams(body.length) });
        }),
        failed,
      ]),
    close: async () => {
      await worker.terminate();
    },
  };
}

/**
 * The built web app: hashed assets sent compressed (brotli or gzip, as the browser accepts)
 * with a year's immutable caching, from the copies the web build wrote beside them or, for a
 * web root without them, compressed here once; kept in memory either way. The shell is
 * revalidated on every load; every other GET outside /api gets the shell, since the app
 * routes in the browser. `precompressed` settles once every asset has its brotli form.
 */
export function webApp(webRoot: string): Router & { precompressed: Promise<void> } {
  const assetsDir = path.join(webRoot, 'assets');
  const compressed = new Map<string, Promise<Buffer | undefined>>();
  const compress = (file: string, encoding: Encoding, ahead?: (body: Buffer) => Promise<Buffer>): Promise<Buffer | undefined> => {
    const key = `${encoding}\0${file}`;
    let pending = compressed.get(key);
    if (!pending) {
      pending = readFile(path.join(assetsDir, file + COPY_SUFFIX[encoding])).catch(() =>
        readFile(path.join(assetsDir, file)).then(
          (body) => (encoding === 'gzip' ? gzip(body, { level: 9 }) : ahead ? ahead(body) : brotli(body, { params: brotliParams(body.length) })),
          () => undefined,
        ),
      );
      // A file that is not there (yet) is looked up again next time.
      void pending.then((body) => body ?? compressed.delete(key));
      compressed.set(key, pending);
    }
    return pending;
  };

  const compressedAsset: RequestHandler = (req, res, next) => {
    const file = String(req.params.file);
    // Brotli wherever the browser takes it, whatever order it lists encodings in.
    const encoding: Encoding | undefined = req.acceptsEncodings('br') ? 'br' : req.acceptsEncodings('gzip') ? 'gzip' : undefined;
    if (!ASSET_NAME.test(file) || !COMPRESSIBLE.has(path.extname(file)) || !encoding) return next();
    compress(file, encoding).then((body) => {
      if (!body) return next();
      res.type(path.extname(file));
      res.set({ 'Content-Encoding': encoding, 'Content-Length': String(body.length), 'Cache-Control': IMMUTABLE, Vary: 'Accept-Encoding' });
      res.end(req.method === 'HEAD' ? undefined : body);
    }, next);
  };

  // The build's copies are read ahead. Without them, brotli of the 2 MB editor chunk takes
  // 0.5 to 3 s on these two busy cores: done ahead, one file at a time, so the first page to
  // open the editor does not wait for it; at the lowest priority, so a guest started
  // meanwhile does not wait for it either (bench part assets). A file asked for before its
  // turn is compressed for that request as before.
  const precompressed = (async () => {
    const files = (await readdir(assetsDir)).filter((file) => COMPRESSIBLE.has(path.extname(file)));
    let compressor: ReturnType<typeof niceCompressor> | undefined;
    try {
      for (const file of files) await compress(file, 'br', (body) => (compressor ??= niceCompressor()).compress(body));
    } finally {
      await compressor?.close();
    }
  })().catch(() => undefined);

  const router = express.Router();
  router.get('/assets/:file', compressedAsset);
  router.use('/assets', express.static(assetsDir, { immutable: true, maxAge: '1y' }));
  router.use('/assets', (req, _res, next) => next(new VirtdeckError('not-found', `The web app has no file ${req.originalUrl}`)));
  router.use(express.static(webRoot, { index: 'index.html', setHeaders: (res) => res.setHeader('Cache-Control', REVALIDATE) }));
  router.get(/^\/(?!api\/).*/, (_req, res) => res.sendFile(path.join(webRoot, 'index.html'), { headers: { 'Cache-Control': REVALIDATE } }));
  return Object.assign(router, { precompressed });
}
