/**
 * Writes a brotli (`.br`) and a gzip (`.gz`) copy next to each text asset of the build, so the
 * server sends them as they are (apps/server/src/http/webApp.ts) instead of compressing them
 * at its start, where that work shared the two cores with the first page load and the first
 * guest. Built once per build, they can take brotli's best quality, which no server could
 * afford per start. The extensions are those the server compresses.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Plugin } from 'vite';

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

export const COMPRESSIBLE = new Set(['.js', '.mjs', '.css', '.svg', '.json', '.map', '.ttf', '.wasm', '.txt', '.html']);

/** Writes `file.br` and `file.gz` beside `file`; the pairs of all files are made in parallel on libuv's threads. */
export async function precompressFiles(files: readonly string[]): Promise<void> {
  await Promise.all(
    files.map(async (file) => {
      const body = await readFile(file);
      const params = { [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length };
      const [br, gz] = await Promise.all([brotli(body, { params }), gzip(body, { level: 9 })]);
      await Promise.all([writeFile(`${file}.br`, br), writeFile(`${file}.gz`, gz)]);
    }),
  );
}

/** The Vite plugin: after the bundle is written, the compressed copies of what it put in `assets/`. */
export function precompress(): Plugin {
  return {
    name: 'virtdeck-precompress',
    apply: 'build',
    async writeBundle(options, bundle) {
      const dir = options.dir ?? 'dist';
      const files = Object.keys(bundle).filter((name) => name.startsWith('assets/') && COMPRESSIBLE.has(path.extname(name)));
      await precompressFiles(files.map((name) => path.join(dir, name)));
    },
  };
}
