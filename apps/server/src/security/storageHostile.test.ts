import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import nodeFs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ErrorBody, VolumeSummary } from '../api.js';
import { rawRequest, type RawResponse } from '../testing/rawRequest.js';
import { notProbed, startTestServer, type TestServer } from '../testing/testServer.js';

/**
 * The storage routes as an attacker with the token (or a page with the cookie) would try them:
 * every bad name, size, format, Range and cut-off body answers a 4xx in the API's error shape,
 * and nothing outside the pool is read, written or opened.
 */
const volumeXml = (name: string, capacity: string, format = 'raw', extra = '') =>
  `<volume>\n  <name>${name}</name>\n  <capacity${capacity.startsWith('<') ? '' : " unit='bytes'"}>${capacity.replace(/^</, '')}</capacity>\n  <target>\n    <format type='${format}'/>\n  </target>${extra}\n</volume>\n`;

/** Names as they reach the server in the path (percent-encoded), each refused. */
const BAD_PATH_NAMES: Record<string, string> = {
  dotdot: '..',
  dot: '.',
  'encoded dotdot': '%2e%2e',
  'dotdot slash': '..%2Fsecret.txt',
  slash: 'a%2Fb',
  'leading dot': '.hidden',
  NUL: 'a%00b',
  'C0 control': 'a%0Ab',
  'C1 NEL': 'a%C2%85b',
  'C1 CSI': 'a%C2%9Bb',
  DEL: 'a%7Fb',
  '300 bytes': 'v'.repeat(300),
  '100 CJK (300 bytes)': encodeURIComponent('盘'.repeat(100)),
  'bad percent-encoding': '%ZZ',
  'cut UTF-8': '%E0%A4%A',
  'lone surrogate (CESU)': '%ED%A0%80',
};

describe('hostile input to the storage routes (real files and qemu-img, no QEMU guest)', () => {
  let server: TestServer;
  let images: string;
  let secret: string;
  const auth = () => ({ Authorization: `Bearer ${server.token.value}` });
  const send = (method: string, route: string, headers: Record<string, string> = {}, body?: string) => rawRequest(server.url, { method, path: route, headers: { ...auth(), ...headers }, body });
  const refused = (response: RawResponse, what: string, status?: number) => {
    expect(response.status, `${what}: ${response.body}`).toBeGreaterThanOrEqual(400);
    expect(response.status, `${what}: ${response.body}`).toBeLessThan(500);
    if (status !== undefined) expect(response.status, `${what}: ${response.body}`).toBe(status);
    expect((JSON.parse(response.body) as ErrorBody).code, what).toEqual(expect.any(String));
    return JSON.parse(response.body) as ErrorBody;
  };
  const stateEntries = () => nodeFs.readdir(server.stateDir);

  beforeEach(async () => {
    server = await startTestServer({ capabilities: notProbed });
    images = path.join(server.stateDir, 'images');
    secret = path.join(server.stateDir, 'secret.txt');
    await nodeFs.writeFile(secret, 'secret of the host');
  });
  afterEach(async () => {
    await server.dispose();
  });

  it('refuses every bad volume name on every route with a 4xx, and creates nothing anywhere', async () => {
    const before = await stateEntries();
    for (const [what, name] of Object.entries(BAD_PATH_NAMES)) {
      const route = `/api/pools/default/volumes/${name}`;
      refused(await send('PUT', route, { 'Content-Type': 'application/octet-stream' }, 'x'), `PUT ${what}`);
      const got = await send('GET', route);
      // '.' and '..' are resolved by the router before the name is seen: the pool's listing is not a volume.
      if (got.status < 400) expect(JSON.parse(got.body), `GET ${what}`).toEqual(expect.any(Array));
      else refused(got, `GET ${what}`);
      expect(got.body, `GET ${what}`).not.toContain('secret of the host');
      refused(await send('DELETE', route), `DELETE ${what}`);
      refused(await send('POST', `${route}/resize`, { 'Content-Type': 'application/json' }, '{"capacity":1048576}'), `resize ${what}`);
    }
    for (const name of ['../escape.img', 'a/b', 'x\u0085y', 'x\u009by', 'v'.repeat(300), '.hidden', '..']) {
      const created = refused(await send('POST', '/api/pools/default/volumes', { 'Content-Type': 'application/xml' }, volumeXml(name, '1048576')), `create '${name.slice(0, 20)}'`);
      expect(created.message.length, name).toBeLessThan(1000);
    }
    expect(await nodeFs.readdir(images)).toEqual([]);
    expect(await stateEntries()).toEqual(before);
    expect(await nodeFs.readFile(secret, 'utf8')).toBe('secret of the host');
  });

  it('never follows a symlink in the pool, whether to a file or a folder outside it, nor serves a FIFO', async () => {
    await nodeFs.symlink(secret, path.join(images, 'file-link.img'));
    await nodeFs.symlink(server.stateDir, path.join(images, 'dir-link.img'));
    expect(spawnSync('mkfifo', [path.join(images, 'fifo.img')]).status).toBe(0);
    for (const name of ['file-link.img', 'dir-link.img', 'fifo.img']) {
      const got = refused(await send('GET', `/api/pools/default/volumes/${name}`), `GET ${name}`, 404);
      expect(JSON.stringify(got)).not.toContain('secret of the host');
      refused(await send('PUT', `/api/pools/default/volumes/${name}`, { 'Content-Type': 'application/octet-stream' }, 'overwritten'), `PUT ${name}`, 409);
      refused(await send('POST', `/api/pools/default/volumes/${name}/resize`, { 'Content-Type': 'application/json' }, '{"capacity":1048576}'), `resize ${name}`, 404);
      refused(await send('DELETE', `/api/pools/default/volumes/${name}`), `DELETE ${name}`, 404);
      refused(await send('POST', '/api/pools/default/volumes', { 'Content-Type': 'application/xml' }, volumeXml('overlay.qcow2', '1048576', 'qcow2', `\n  <backingStore>\n    <path>${path.join(images, name)}</path>\n  </backingStore>`)), `backing ${name}`, 404);
    }
    expect(JSON.parse((await send('GET', '/api/pools/default/volumes')).body)).toEqual([]);
    expect(await nodeFs.readFile(secret, 'utf8')).toBe('secret of the host');
    expect((await nodeFs.lstat(path.join(images, 'file-link.img'))).isSymbolicLink()).toBe(true);
  });

  it('refuses a backing volume outside the pool, however its path is written', async () => {
    for (const backing of [secret, '/etc/passwd', `${images}/../secret.txt`, '../secret.txt', images, `${images}/`]) {
      const xml = volumeXml('overlay.qcow2', '1048576', 'qcow2', `\n  <backingStore>\n    <path>${backing}</path>\n    <format type='raw'/>\n  </backingStore>`);
      refused(await send('POST', '/api/pools/default/volumes', { 'Content-Type': 'application/xml' }, xml), `backing ${backing}`);
    }
    expect(await nodeFs.readdir(images)).toEqual([]);
  });

  it("lists an uploaded image whose header names a file outside the pool without opening that file (a FIFO there stalled the listing)", async () => {
    const fifo = path.join(server.stateDir, 'outside.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const crafted = path.join(server.stateDir, 'crafted.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-u', '-b', fifo, '-F', 'raw', crafted, '1M']);
    const uploaded = await fetch(new URL('/api/pools/default/volumes/crafted.qcow2', server.url), { method: 'PUT', headers: { ...auth(), 'Content-Type': 'application/octet-stream' }, body: await nodeFs.readFile(crafted) });
    expect(uploaded.status).toBe(201);
    const started = Date.now();
    const listed = await send('GET', '/api/pools/default/volumes');
    expect(listed.status, listed.body).toBe(200);
    expect(Date.now() - started).toBeLessThan(30_000);
    const [volume] = JSON.parse(listed.body) as VolumeSummary[];
    expect(volume).toMatchObject({ name: 'crafted.qcow2', format: 'qcow2', backingChain: [{ path: fifo }] });
    // An overlay on it is refused: its chain leaves the pool.
    const overlay = volumeXml('over.qcow2', '1048576', 'qcow2', `\n  <backingStore>\n    <path>${path.join(images, 'crafted.qcow2')}</path>\n    <format type='qcow2'/>\n  </backingStore>`);
    refused(await send('POST', '/api/pools/default/volumes', { 'Content-Type': 'application/xml' }, overlay), 'overlay over an image leaving the pool');
  }, 60_000);

  it('refuses absurd sizes and formats with a 4xx that says what is wrong', async () => {
    for (const capacity of ['-1', '1e30', '10XB', '18446744073709551616', '99999999999999999999999999', '', '0x10', '1.5']) {
      const body = refused(await send('POST', '/api/pools/default/volumes', { 'Content-Type': 'application/xml' }, volumeXml('sized.img', capacity)), `capacity '${capacity}'`);
      expect(body.code, capacity).toBe('invalid-xml');
    }
    refused(await send('POST', '/api/pools/default/volumes', { 'Content-Type': 'application/xml' }, volumeXml('sized.img', "<unit='XB'>10")), "unit 'XB'");
    for (const format of ['vmdk', 'iso', "qcow2' extra='x", 'qcow2,backing_file=/etc/passwd', 'raw -o size=1']) {
      refused(await send('POST', '/api/pools/default/volumes', { 'Content-Type': 'application/xml' }, volumeXml('fmt.img', '1048576', format)), `format '${format}'`);
    }
    expect((await send('POST', '/api/pools/default/volumes', { 'Content-Type': 'application/xml' }, volumeXml('ok.img', '1048576'))).status).toBe(201);
    for (const capacity of ['-1', '0', '1e30', '1.5', '"10"', 'null', '9007199254740993']) {
      refused(await send('POST', '/api/pools/default/volumes/ok.img/resize', { 'Content-Type': 'application/json' }, `{"capacity":${capacity}}`), `resize to ${capacity}`);
    }
    refused(await send('POST', '/api/pools/default/volumes/ok.img/resize', { 'Content-Type': 'application/json' }, '{"capacity":1048576,"format":"qcow2"}'), 'resize with an extra field');
    expect((await nodeFs.readdir(images)).sort()).toEqual(['ok.img']);
    expect((await nodeFs.stat(path.join(images, 'ok.img'))).size).toBe(1048576);
  });

  it('answers malformed and hostile Range headers with the whole file, a part or 416, never a 500', async () => {
    const content = randomBytes(1000);
    await nodeFs.writeFile(path.join(images, 'blob.img'), content);
    const get = (range: string) => send('GET', '/api/pools/default/volumes/blob.img', { Range: range });
    for (const range of ['bytes=abc', 'bytes=1-2,3-4', 'items=0-1', 'bytes=--1', 'bytes', 'bytes=', 'bytes=-', '=0-1', 'bytes=0x10-', 'bytes=1e3-']) {
      const response = await get(range);
      expect(response.status, range).toBe(200);
      expect(response.headers['content-length'], range).toBe('1000');
    }
    for (const range of ['bytes=-0', 'bytes=1000-', 'bytes=5-3', 'bytes=99999999999999999999-', 'bytes=1000-2000']) {
      const response = await get(range);
      expect(response.status, range).toBe(416);
      expect(response.headers['content-range'], range).toBe('bytes */1000');
    }
    const tail = await get('bytes=0-99999999999999999999');
    expect(tail.status).toBe(206);
    expect(tail.headers['content-range']).toBe('bytes 0-999/1000');
    const last = await get('bytes=-99999999999999999999');
    expect(last.headers['content-range']).toBe('bytes 0-999/1000');
  });

  it('keeps the volume it replaces when the upload is cut off midway, and leaves no partial file', async () => {
    const original = randomBytes(4096);
    await nodeFs.writeFile(path.join(images, 'kept.img'), original);
    const { port } = new URL(server.url);
    const request = http.request({ host: '127.0.0.1', port, method: 'PUT', path: '/api/pools/default/volumes/kept.img', headers: { ...auth(), 'Content-Type': 'application/octet-stream', 'Content-Length': String(32 * 1024 * 1024) } });
    request.on('error', () => undefined);
    request.write(randomBytes(1024 * 1024));
    for (let i = 0; !(await nodeFs.readdir(images)).some((e) => e.startsWith('.upload-kept.img-')); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    request.destroy();
    for (let i = 0; (await nodeFs.readdir(images)).length > 1; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await nodeFs.readdir(images)).toEqual(['kept.img']);
    expect((await nodeFs.readFile(path.join(images, 'kept.img'))).equals(original)).toBe(true);
  });

  it('refuses a cross-origin POST, PUT or DELETE carried by the cookie with 403, and changes nothing', async () => {
    await nodeFs.writeFile(path.join(images, 'target.img'), 'data');
    const browser = (method: string, route: string, headers: Record<string, string>, body?: string) =>
      rawRequest(server.url, { method, path: route, headers: { Cookie: `virtdeck_token=${server.token.value}`, Origin: 'http://127.0.0.1:1', 'Sec-Fetch-Site': 'same-site', ...headers }, body });
    const attempts: [string, string, Record<string, string>, string?][] = [
      ['POST', '/api/pools', { 'Content-Type': 'application/xml' }, "<pool type='dir'><name>evil</name><target><path>/etc</path></target></pool>"],
      ['POST', '/api/pools/default/volumes', { 'Content-Type': 'application/xml' }, volumeXml('evil.img', '1048576')],
      ['PUT', '/api/pools/default/volumes/target.img', { 'Content-Type': 'application/octet-stream' }, 'overwritten'],
      ['POST', '/api/pools/default/volumes/target.img/resize', { 'Content-Type': 'application/json' }, '{"capacity":1048576}'],
      ['DELETE', '/api/pools/default/volumes/target.img', {}],
      ['DELETE', '/api/pools/default', {}],
    ];
    for (const [method, route, headers, body] of attempts) {
      const answer = refused(await browser(method, route, headers, body), `${method} ${route}`, 403);
      expect(answer.code).toBe('forbidden');
    }
    expect(await nodeFs.readdir(images)).toEqual(['target.img']);
    expect(await nodeFs.readFile(path.join(images, 'target.img'), 'utf8')).toBe('data');
    expect(JSON.parse((await send('GET', '/api/pools')).body).map((p: { name: string }) => p.name)).toEqual(['default']);
  });
});
