import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import express from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { notProbed, startTestServer, type TestServer } from '../testing/testServer.js';
import { webApp } from './webApp.js';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A raw GET: the bytes as sent, not decompressed. */
function get(url: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

describe('the built web app as served', () => {
  let webRoot: string;
  let server: TestServer;
  const script = `export const editor = ${JSON.stringify('monaco '.repeat(20_000))};\n`;
  beforeEach(async () => {
    webRoot = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-web-'));
    await mkdir(path.join(webRoot, 'assets'));
    await writeFile(path.join(webRoot, 'index.html'), '<!doctype html><script type="module" src="/assets/index-AbC123.js"></script>');
    await writeFile(path.join(webRoot, 'assets', 'index-AbC123.js'), script);
    await writeFile(path.join(webRoot, 'assets', 'logo-Zz9.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    server = await startTestServer({ capabilities: notProbed, webRoot });
  });
  afterEach(async () => {
    await server.dispose();
    await rm(webRoot, { recursive: true, force: true });
  });

  it('sends hashed scripts compressed, brotli first, cached for a year', async () => {
    const url = `${server.url}assets/index-AbC123.js`;
    const br = await get(url, { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(br.headers.vary).toBe('Accept-Encoding');
    expect(zlib.brotliDecompressSync(br.body).toString()).toBe(script);
    expect(br.body.length).toBeLessThan(script.length / 20);

    const gzip = await get(url, { 'Accept-Encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gzip.body).toString()).toBe(script);

    const plain = await get(url);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(script);
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it("sends the web build's own compressed copies as they are", async () => {
    // Made with settings of their own, so their bytes tell them from what the server would make.
    const br = zlib.brotliCompressSync(script, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 2 } });
    const gz = zlib.gzipSync(script, { level: 1 });
    await writeFile(path.join(webRoot, 'assets', 'index-AbC123.js.br'), br);
    await writeFile(path.join(webRoot, 'assets', 'index-AbC123.js.gz'), gz);
    const router = webApp(webRoot);
    await router.precompressed;
    const listener = express().use(router).listen(0, '127.0.0.1');
    await new Promise((resolve) => listener.once('listening', resolve));
    try {
      const { port } = listener.address() as AddressInfo;
      const url = `http://127.0.0.1:${port}/assets/index-AbC123.js`;
      const sentBr = await get(url, { 'Accept-Encoding': 'br' });
      expect(sentBr.headers['content-encoding']).toBe('br');
      expect(sentBr.headers['content-type']).toMatch(/javascript/);
      expect(sentBr.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(sentBr.body.equals(br)).toBe(true);
      const sentGz = await get(url, { 'Accept-Encoding': 'gzip' });
      expect(sentGz.headers['content-encoding']).toBe('gzip');
      expect(sentGz.body.equals(gz)).toBe(true);
      expect((await get(url)).body.toString()).toBe(script);
    } finally {
      await new Promise((resolve) => listener.close(resolve));
    }
  });

  it('sends images as they are, a missing asset as 404, and the shell for revalidation on every route', async () => {
    const image = await get(`${server.url}assets/logo-Zz9.png`, { 'Accept-Encoding': 'br' });
    expect(image.headers['content-encoding']).toBeUndefined();
    expect(image.headers['cache-control']).toBe('public, max-age=31536000, immutable');

    expect((await get(`${server.url}assets/gone-123.js`, { 'Accept-Encoding': 'br' })).status).toBe(404);
    expect((await get(`${server.url}assets/..%2Findex.html`, { 'Accept-Encoding': 'br' })).status).toBe(404);

    for (const route of ['', 'index.html', 'guest/demo/xml']) {
      const shell = await get(`${server.url}${route}`);
      expect(shell.status).toBe(200);
      expect(shell.headers['cache-control']).toBe('no-cache');
      expect(shell.body.toString()).toContain('/assets/index-AbC123.js');
    }
  });

  it('has every asset in brotli before the first request asks for it', async () => {
    const router = webApp(webRoot);
    await router.precompressed;
    // Gone from the disk: only a copy made ahead can answer.
    await rm(path.join(webRoot, 'assets', 'index-AbC123.js'));
    const listener = express().use(router).listen(0, '127.0.0.1');
    await new Promise((resolve) => listener.once('listening', resolve));
    try {
      const { port } = listener.address() as AddressInfo;
      const br = await get(`http://127.0.0.1:${port}/assets/index-AbC123.js`, { 'Accept-Encoding': 'br' });
      expect(br.status).toBe(200);
      expect(br.headers['content-encoding']).toBe('br');
      expect(zlib.brotliDecompressSync(br.body).toString()).toBe(script);
    } finally {
      await new Promise((resolve) => listener.close(resolve));
    }
  });

  it('compresses ahead in a thread of its own at the lowest CPU priority, so a guest starting meanwhile gets the CPUs first', async () => {
    // Enough text that brotli works for a while (varied, so it cannot shortcut).
    const lines = Array.from({ length: 60_000 }, (_, i) => `export const v${i} = ${JSON.stringify((i * 2654435761).toString(36).repeat(3))};`);
    await writeFile(path.join(webRoot, 'assets', 'editor-Big1.js'), lines.join('\n'));
    /** The nice values of this process's threads (field 19 of /proc/self/task/TID/stat). */
    const niceValues = async () => {
      const values: number[] = [];
      for (const tid of await readdir('/proc/self/task')) {
        const stat = await readFile(`/proc/self/task/${tid}/stat`, 'utf8').catch(() => '');
        const nice = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16];
        if (nice !== undefined) values.push(Number(nice));
      }
      return values;
    };
    const seen = new Set<number>();
    let done = false;
    const router = webApp(webRoot);
    void router.precompressed.then(() => (done = true));
    while (!done) {
      for (const nice of await niceValues()) seen.add(nice);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect([...seen]).toContain(19);
    // The thread is gone with the work; what it made is served.
    expect(await niceValues()).not.toContain(19);
    const listener = express().use(router).listen(0, '127.0.0.1');
    await new Promise((resolve) => listener.once('listening', resolve));
    try {
      const { port } = listener.address() as AddressInfo;
      const br = await get(`http://127.0.0.1:${port}/assets/editor-Big1.js`, { 'Accept-Encoding': 'br' });
      expect(br.headers['content-encoding']).toBe('br');
      expect(zlib.brotliDecompressSync(br.body).toString()).toBe(lines.join('\n'));
    } finally {
      await new Promise((resolve) => listener.close(resolve));
    }
  });
});
