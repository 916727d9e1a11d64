import { randomBytes } from 'node:crypto';
import nodeFs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ErrorBody, PoolSummary, VolumeSummary } from '../api.js';
import { definitionWithDisk } from '../testing/definitions.js';
import { rawRequest } from '../testing/rawRequest.js';
import { notProbed, startTestServer, type TestServer } from '../testing/testServer.js';

const MiB = 1024 * 1024;
const volumeXml = (name: string, format: string, capacity: string, extra = '') =>
  `<volume>\n  <name>${name}</name>\n  <capacity unit='MiB'>${capacity}</capacity>\n  <target>\n    <format type='${format}'/>\n  </target>${extra}\n</volume>\n`;
const guestXml = (name: string, disk: string) => definitionWithDisk(name, disk, { format: 'raw' });

describe('/api/pools (real files and qemu-img, no QEMU guest)', () => {
  let server: TestServer;
  let images: string;
  const auth = () => ({ Authorization: `Bearer ${server.token.value}` });
  const upload = async (pool: string, volume: string, body: Buffer) => {
    const response = await fetch(new URL(`/api/pools/${pool}/volumes/${volume}`, server.url), { method: 'PUT', headers: { ...auth(), 'Content-Type': 'application/octet-stream' }, body });
    return { status: response.status, body: (await response.json()) as VolumeSummary & ErrorBody };
  };

  beforeEach(async () => {
    server = await startTestServer({ capabilities: notProbed });
    images = path.join(server.stateDir, 'images');
  });
  afterEach(async () => {
    await server.dispose();
  });

  it("has the 'default' pool on the state directory's images/ from the first start, and defines and deletes others", async () => {
    const list = await server.api.get<PoolSummary[]>('/api/pools');
    expect(list.body).toEqual([{ name: 'default', uuid: expect.stringMatching(/^[0-9a-f-]{36}$/), path: images, capacity: expect.any(Number), available: expect.any(Number), volumes: 0 }]);
    expect(list.body[0]?.capacity).toBeGreaterThan(0);
    const xml = await server.api.get<string>('/api/pools/default');
    expect(xml.body).toContain(`<path>${images}</path>`);
    expect(await nodeFs.readFile(path.join(server.stateDir, 'pools', 'default.xml'), 'utf8')).toBe(xml.body);

    const isos = path.join(server.stateDir, 'isos');
    const pool = `<pool type='dir'>\n  <name>isos</name>\n  <target>\n    <path>${isos}</path>\n  </target>\n</pool>\n`;
    const created = await server.api.post<PoolSummary>('/api/pools', { xml: pool });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'isos', path: isos, volumes: 0 });
    expect((await nodeFs.stat(isos)).isDirectory()).toBe(true);
    expect((await server.api.post<ErrorBody>('/api/pools', { xml: pool })).status).toBe(409);
    const sameDir = await server.api.post<ErrorBody>('/api/pools', { xml: pool.replace('<name>isos', '<name>other') });
    expect(sameDir.body.message).toContain("The pool 'isos' already has the directory");
    const logical = await server.api.post<ErrorBody>('/api/pools', { xml: pool.replace("type='dir'", "type='logical'") });
    expect(logical.status).toBe(422);
    expect(logical.body.diagnostics?.[0]).toMatchObject({ code: 'invalid-value', range: { start: { line: 1, column: 13 } } });

    expect((await server.api.delete('/api/pools/isos')).status).toBe(204);
    expect((await nodeFs.stat(isos)).isDirectory()).toBe(true);
    expect((await server.api.delete<ErrorBody>('/api/pools/default')).status).toBe(409);
    expect((await server.api.get<PoolSummary[]>('/api/pools')).body.map((p) => p.name)).toEqual(['default']);
  });

  it('creates qcow2 and raw volumes, an overlay on a backing volume, lists them with sizes and chains, and grows but never shrinks them', async () => {
    const base = await server.api.post<VolumeSummary>('/api/pools/default/volumes', { xml: volumeXml('base.qcow2', 'qcow2', '64') });
    expect(base.status).toBe(201);
    expect(base.body).toMatchObject({ name: 'base.qcow2', path: path.join(images, 'base.qcow2'), format: 'qcow2', capacity: 64 * MiB, backingChain: [], usedBy: [] });
    const overlay = await server.api.post<VolumeSummary>('/api/pools/default/volumes', {
      xml: volumeXml('top.qcow2', 'qcow2', '64', `\n  <backingStore>\n    <path>${path.join(images, 'base.qcow2')}</path>\n  </backingStore>`),
    });
    expect(overlay.body.backingChain).toEqual([{ path: path.join(images, 'base.qcow2'), format: 'qcow2' }]);
    await server.api.post('/api/pools/default/volumes', { xml: volumeXml('disk.raw', 'raw', '2') });
    expect((await server.api.post<ErrorBody>('/api/pools/default/volumes', { xml: volumeXml('disk.raw', 'raw', '2') })).status).toBe(409);
    const outside = await server.api.post<ErrorBody>('/api/pools/default/volumes', { xml: volumeXml('x.qcow2', 'qcow2', '1', '\n  <backingStore>\n    <path>/etc/passwd</path>\n  </backingStore>') });
    expect(outside.body.message).toContain('is not a volume of the pool');
    const noCapacity = await server.api.post<ErrorBody>('/api/pools/default/volumes', { xml: '<volume><name>y</name><target/></volume>' });
    expect(noCapacity.status).toBe(422);

    const list = await server.api.get<VolumeSummary[]>('/api/pools/default/volumes');
    expect(list.body.map((v) => [v.name, v.format, v.capacity])).toEqual([
      ['base.qcow2', 'qcow2', 64 * MiB],
      ['disk.raw', 'raw', 2 * MiB],
      ['top.qcow2', 'qcow2', 64 * MiB],
    ]);
    expect(list.body[1]?.allocation).toBeLessThan(2 * MiB);

    const grown = await server.api.post<VolumeSummary>('/api/pools/default/volumes/disk.raw/resize', { json: { capacity: 4 * MiB } });
    expect(grown.body.capacity).toBe(4 * MiB);
    expect((await nodeFs.stat(path.join(images, 'disk.raw'))).size).toBe(4 * MiB);
    const shrink = await server.api.post<ErrorBody>('/api/pools/default/volumes/disk.raw/resize', { json: { capacity: MiB } });
    expect(shrink.status).toBe(409);
    expect((await nodeFs.stat(path.join(images, 'disk.raw'))).size).toBe(4 * MiB);
  });

  it('uploads a body streamed to the pool, and downloads it whole or by Range', async () => {
    const content = randomBytes(3 * MiB + 512);
    const put = await upload('default', 'blob.img', content);
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({ name: 'blob.img', format: 'raw', capacity: content.length });
    expect((await upload('default', 'blob.img', content.subarray(0, 100))).status).toBe(200);
    await upload('default', 'blob.img', content);
    expect((await nodeFs.readFile(path.join(images, 'blob.img'))).equals(content)).toBe(true);
    expect((await nodeFs.readdir(images)).filter((f) => f.startsWith('.'))).toEqual([]);

    const whole = await fetch(new URL('/api/pools/default/volumes/blob.img', server.url), { headers: auth() });
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-disposition')).toContain('attachment');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await whole.arrayBuffer()).equals(content)).toBe(true);
    const part = await fetch(new URL('/api/pools/default/volumes/blob.img', server.url), { headers: { ...auth(), Range: 'bytes=1000-1999' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 1000-1999/${content.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(content.subarray(1000, 2000))).toBe(true);
    const tail = await fetch(new URL('/api/pools/default/volumes/blob.img', server.url), { headers: { ...auth(), Range: 'bytes=-10' } });
    expect(Buffer.from(await tail.arrayBuffer()).equals(content.subarray(content.length - 10))).toBe(true);
    const past = await fetch(new URL('/api/pools/default/volumes/blob.img', server.url), { headers: { ...auth(), Range: `bytes=${content.length}-` } });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${content.length}`);
    await past.text();

    const form = await fetch(new URL('/api/pools/default/volumes/form.img', server.url), { method: 'PUT', headers: { ...auth(), 'Content-Type': 'text/plain' }, body: 'x' });
    expect(form.status).toBe(415);
    await form.text();
    const crossSite = await rawRequest(server.url, {
      method: 'PUT',
      path: '/api/pools/default/volumes/csrf.img',
      headers: { Cookie: `virtdeck_token=${server.token.value}`, Origin: 'http://evil.example', 'Content-Type': 'application/octet-stream' },
      body: 'x',
    });
    expect(crossSite.status).toBe(403);
    const anonymous = await rawRequest(server.url, { method: 'PUT', path: '/api/pools/default/volumes/anon.img', headers: { 'Content-Type': 'application/octet-stream' }, body: 'x' });
    expect(anonymous.status).toBe(401);
    expect((await nodeFs.readdir(images)).sort()).toEqual(['blob.img']);
  });

  it('removes an upload cut off midway', async () => {
    const { port } = new URL(server.url);
    const request = http.request({ host: '127.0.0.1', port, method: 'PUT', path: '/api/pools/default/volumes/cut.img', headers: { ...auth(), 'Content-Type': 'application/octet-stream', 'Content-Length': String(64 * MiB) } });
    request.on('error', () => undefined);
    request.write(randomBytes(4 * MiB));
    // the server has started the temporary file before the connection is cut
    for (;;) {
      const entries = await nodeFs.readdir(images);
      if (entries.some((e) => e.startsWith('.upload-cut.img-'))) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    request.destroy();
    for (;;) {
      if ((await nodeFs.readdir(images)).length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect((await server.api.get<VolumeSummary[]>('/api/pools/default/volumes')).body).toEqual([]);
  });

  it('keeps every name inside the pool: traversal, dot names and symlinks are refused', async () => {
    const secret = path.join(server.stateDir, 'secret.txt');
    await nodeFs.writeFile(secret, 'secret');
    for (const name of ['..%2fescape.img', '%2e%2e%2fescape.img', '..', '.hidden', 'a%2Fb']) {
      const put = await rawRequest(server.url, { method: 'PUT', path: `/api/pools/default/volumes/${name}`, headers: { ...auth(), 'Content-Type': 'application/octet-stream' }, body: 'x' });
      expect(put.status, name).toBeGreaterThanOrEqual(400);
      const get = await rawRequest(server.url, { path: `/api/pools/default/volumes/${name}/`.replace(/\/$/, ''), headers: auth() });
      expect(get.body, name).not.toContain('secret');
    }
    expect(await nodeFs.readdir(server.stateDir)).not.toContain('escape.img');
    const dotted = await rawRequest(server.url, { path: '/api/pools/default/volumes/..%2fsecret.txt', headers: auth() });
    expect(dotted.status).toBe(400);
    expect(JSON.parse(dotted.body).message).toContain("cannot contain '/'");

    await nodeFs.symlink(secret, path.join(images, 'link.img'));
    const viaLink = await rawRequest(server.url, { path: '/api/pools/default/volumes/link.img', headers: auth() });
    expect(viaLink.status).toBe(404);
    expect(viaLink.body).toContain('symbolic link');
    expect((await server.api.get<VolumeSummary[]>('/api/pools/default/volumes')).body).toEqual([]);
    expect((await upload('default', 'link.img', Buffer.from('overwritten'))).status).toBe(409);
    expect((await server.api.delete('/api/pools/default/volumes/link.img')).status).toBe(404);
    expect((await server.api.post('/api/pools/default/volumes/link.img/resize', { json: { capacity: MiB } })).status).toBe(404);
    expect(await nodeFs.readFile(secret, 'utf8')).toBe('secret');
  });

  it("refuses to delete or replace a volume a guest's definition uses, and names the guest", async () => {
    await upload('default', 'used.img', randomBytes(4096));
    expect((await server.api.post('/api/domains', { xml: guestXml('lab', path.join(images, 'used.img')) })).status).toBe(201);
    const list = await server.api.get<VolumeSummary[]>('/api/pools/default/volumes');
    expect(list.body[0]?.usedBy).toEqual(['lab']);
    const removed = await server.api.delete<ErrorBody>('/api/pools/default/volumes/used.img');
    expect(removed.status).toBe(409);
    expect(removed.body.message).toContain("used by the guest 'lab'");
    expect((await upload('default', 'used.img', Buffer.from('x'))).status).toBe(409);
    expect((await server.api.delete('/api/domains/lab')).status).toBe(204);
    expect((await server.api.delete('/api/pools/default/volumes/used.img')).status).toBe(204);
    expect(await nodeFs.readdir(images)).toEqual([]);
  });
});
