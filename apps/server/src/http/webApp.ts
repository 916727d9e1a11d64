import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import express, { type RequestHandler, type Router } from 'express';
import { VirtdeckError } from '../errors.js';

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/** Vite names every file under assets/ after its content: a new build brings new names. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** The shell names the current assets, so the browser asks again each time (a 304 is cheap). */
export const REVALIDATE = 'no-cache';
/** Text formats worth compressing; images and fonts in woff2 are compressed already. */
const COMPRESSIBLE = new Set(['.js', '.mjs', '.css', '.svg', '.json', '.map', '.ttf', '.wasm', '.txt', '.html']);
const ASSET_NAME = /^[\w.-]+$/;

type Encoding = 'br' | 'gzip';

/**
 * The built web app: hashed assets compressed once (brotli or gzip, as the browser accepts)
 * and kept in memory with a year's immutable caching; the shell revalidated on every load;
 * every other GET outside /api gets the shell, since the app routes in the browser.
 * `precompressed` settles once every asset has its brotli form.
 */
export function webApp(webRoot: string): Router & { precompressed: Promise<void> } {
  const assetsDir = path.join(webRoot, 'assets');
  const compressed = new Map<string, Promise<Buffer | undefined>>();
  const compress = (file: string, encoding: Encoding): Promise<Buffer | undefined> => {
    const key = `${encoding}\0${file}`;
    let pending = compressed.get(key);
    if (!pending) {
      pending = readFile(path.join(assetsDir, file)).then(
        (body) => (encoding === 'br' ? brotli(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 9, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length } }) : gzip(body, { level: 9 })),
        () => undefined,
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

  // Brotli of the 2 MB editor chunk takes 0.5 to 3 s on these two busy cores: done ahead,
  // one file at a time, so the first page to open the editor does not wait for it.
  const precompressed = (async () => {
    for (const file of await readdir(assetsDir)) if (COMPRESSIBLE.has(path.extname(file))) await compress(file, 'br');
  })().catch(() => undefined);

  const router = express.Router();
  router.get('/assets/:file', compressedAsset);
  router.use('/assets', express.static(assetsDir, { immutable: true, maxAge: '1y' }));
  router.use('/assets', (req, _res, next) => next(new VirtdeckError('not-found', `The web app has no file ${req.originalUrl}`)));
  router.use(express.static(webRoot, { index: 'index.html', setHeaders: (res) => res.setHeader('Cache-Control', REVALIDATE) }));
  router.get(/^\/(?!api\/).*/, (_req, res) => res.sendFile(path.join(webRoot, 'index.html'), { headers: { 'Cache-Control': REVALIDATE } }));
  return Object.assign(router, { precompressed });
}
