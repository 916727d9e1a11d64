import nodeFs from 'node:fs/promises';
import { readFile, readlink, stat } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ErrorBody, GuestVolume, GuestSummary, HostUsageEvent, LifecycleEvent, TemplateInfo } from '../api.js';
import type { StoreFs } from '../guests/DefinitionStore.js';
import { SseClient } from '../testing/sseClient.js';
import { notProbed, startTestServer, type TestServer } from '../testing/testServer.js';

const xml = (name: string, extra = '') => `<domain type='qemu'>
  <name>${name}</name>
  <!-- kept as written -->
  <memory unit='MiB'>64</memory>
  <vcpu>2</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
  </os>
  <devices>
    <interface type='user'>
      <model type='virtio'/>
    </interface>
    <interface type='user'/>${extra}
  </devices>
</domain>
`;

describe('the HTTP API (no QEMU needed)', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer({ capabilities: notProbed });
  });
  afterEach(async () => {
    await server.dispose();
  });

  describe('access', () => {
    it('refuses every API request without the right token, saying where to find it', async () => {
      for (const [method, path] of [
        ['GET', '/api/domains'],
        ['POST', '/api/domains'],
        ['GET', '/api/events'],
        ['GET', '/api/host'],
        ['POST', '/api/validate'],
        ['GET', '/api/nothing-here'],
      ] as const) {
        for (const headers of [{}, { Authorization: 'Bearer wrong' }, { Cookie: 'virtdeck_token=wrong' }, { Authorization: server.token.value }] as Record<string, string>[]) {
          const response = await fetch(new URL(path, server.url), { method, headers });
          expect(response.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(401);
          const body = (await response.json()) as ErrorBody;
          expect(body.code).toBe('unauthorized');
          expect(body.message).toContain('token');
        }
      }
    });

    it('accepts the bearer header and the cookie', async () => {
      const bearer = await fetch(new URL('/api/domains', server.url), { headers: { Authorization: `Bearer ${server.token.value}` } });
      expect(bearer.status).toBe(200);
      const cookie = await fetch(new URL('/api/domains', server.url), { headers: { Cookie: `virtdeck_token=${server.token.value}` } });
      expect(cookie.status).toBe(200);
    });

    it('logs a browser in from the printed URL and drops the token from the address', async () => {
      const response = await fetch(new URL(`/guests/demo?token=${server.token.value}&tab=console`, server.url), { redirect: 'manual' });
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe('/guests/demo?tab=console');
      const cookie = response.headers.get('set-cookie') ?? '';
      expect(cookie).toContain(`virtdeck_token=${server.token.value}`);
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Strict/);
      const wrong = await fetch(new URL('/?token=guess', server.url), { redirect: 'manual' });
      expect(wrong.status).toBe(302);
      expect(wrong.headers.get('set-cookie')).toBeNull();
      // The sign-in page says that token was refused.
      expect(wrong.headers.get('location')).toBe('/?signin=refused');
    });

    it('listens on the loopback interface only', () => {
      expect(new URL(server.url).hostname).toBe('127.0.0.1');
    });
  });

  describe('definitions', () => {
    it('defines a guest, filling in its UUID and MACs with minimal edits, and serves it back', async () => {
      const created = await server.api.post<GuestSummary>('/api/domains', { xml: xml('alpha') });
      expect(created.status).toBe(201);
      expect(created.headers.get('location')).toBe('/api/domains/alpha');
      expect(created.body).toMatchObject({ name: 'alpha', state: 'shutoff', reason: 'defined', accelerator: 'qemu', vcpus: 2, memoryKiB: 65536, autostart: false, pendingChanges: false });

      const saved = await server.api.get<string>('/api/domains/alpha/xml');
      expect(saved.headers.get('content-type')).toMatch(/application\/xml/);
      const text = saved.body;
      const uuid = /<uuid>([0-9a-f-]{36})<\/uuid>/.exec(text)?.[1];
      expect(uuid).toBeDefined();
      const macs = [...text.matchAll(/<mac address='(52:54:00(?::[0-9a-f]{2}){3})'\/>/g)].map((m) => m[1]);
      expect(macs).toHaveLength(2);
      expect(new Set(macs).size).toBe(2);
      // Only what was missing was added; the rest, comment included, is as written.
      const expected = xml('alpha')
        .replace('<name>alpha</name>', `<name>alpha</name>\n  <uuid>${uuid}</uuid>`)
        .replace("<interface type='user'>", `<interface type='user'>\n      <mac address='${macs[0]}'/>`)
        .replace("<interface type='user'/>", `<interface type='user'>\n      <mac address='${macs[1]}'/>\n    </interface>`);
      expect(text).toBe(expected);
      expect(await readFile(path.join(server.stateDir, 'domains', 'alpha.xml'), 'utf8')).toBe(text);

      // A redefinition without <uuid> keeps the guest's identity.
      const redefined = await server.api.put<GuestSummary>('/api/domains/alpha/xml', { xml: xml('alpha').replace('<vcpu>2', '<vcpu>4') });
      expect(redefined.status).toBe(200);
      expect(redefined.body.vcpus).toBe(4);
      expect((await server.api.get<string>('/api/domains/alpha/xml')).body).toContain(`<uuid>${uuid}</uuid>`);
    });

    it('refuses what cannot be defined, with a code and where', async () => {
      const broken = await server.api.post<ErrorBody>('/api/domains', { xml: "<domain type='qemu'><name>x</name><vcpu>2</domain>" });
      expect(broken.status).toBe(422);
      expect(broken.body.code).toBe('invalid-xml');
      expect(broken.body.diagnostics?.[0]?.range.start.line).toBe(1);

      const escaping = await server.api.post<ErrorBody>('/api/domains', { xml: xml('../../etc/passwd') });
      expect(escaping.status).toBe(422);
      expect(escaping.body.diagnostics?.[0]).toMatchObject({ code: 'invalid-value', range: { start: { line: 2 } } });

      await server.api.post('/api/domains', { xml: xml('alpha') });
      expect((await server.api.post<ErrorBody>('/api/domains', { xml: xml('alpha') })).body.code).toBe('conflict');
      await server.api.post('/api/domains', { xml: xml('beta') });
      const renamedOntoAnother = await server.api.put<ErrorBody>('/api/domains/alpha/xml', { xml: xml('beta') });
      expect(renamedOntoAnother).toMatchObject({ status: 409, body: { message: "A guest named 'beta' already exists" } });
      const otherUuid = await server.api.put<ErrorBody>('/api/domains/alpha/xml', { xml: xml('alpha').replace('<memory', '<uuid>11111111-2222-3333-4444-555555555555</uuid>\n  <memory') });
      expect(otherUuid.status).toBe(409);
      expect(otherUuid.body.message).toMatch(/UUID/);
      expect((await server.api.put<ErrorBody>('/api/domains/nobody/xml', { xml: xml('nobody') })).status).toBe(404);
    });

    it('gives a UUID to one guest only, even to two defines racing each other', async () => {
      const uuid = '6f1e0a52-5b0c-4f7e-9d7b-0c1e2f3a4b5c';
      const withUuid = (name: string) => xml(name).replace('<memory', `<uuid>${uuid}</uuid>\n  <memory`);
      const results = await Promise.all(['first', 'second'].map((name) => server.api.post<ErrorBody>('/api/domains', { xml: withUuid(name) })));
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
      expect(results.find((r) => r.status === 409)?.body.message).toContain(uuid);
      expect((await server.api.get<GuestSummary[]>('/api/domains')).body).toHaveLength(1);
    });

    it('undefines, and forgets autostart with it', async () => {
      await server.api.post('/api/domains', { xml: xml('alpha') });
      const marked = await server.api.put<GuestSummary>('/api/domains/alpha/autostart', { json: { autostart: true } });
      expect(marked.body.autostart).toBe(true);
      expect(await readlink(path.join(server.stateDir, 'autostart', 'alpha.xml'))).toBe('../domains/alpha.xml');
      expect((await server.api.delete('/api/domains/alpha')).status).toBe(204);
      expect((await server.api.get<ErrorBody>('/api/domains/alpha')).body.code).toBe('not-found');
      await expect(stat(path.join(server.stateDir, 'autostart', 'alpha.xml'))).rejects.toThrow();
      expect((await server.api.delete<ErrorBody>('/api/domains/alpha')).status).toBe(404);
    });

    it('answers actions on a guest that is not running with a conflict', async () => {
      await server.api.post('/api/domains', { xml: xml('alpha') });
      for (const action of ['shutdown', 'destroy', 'reboot', 'reset', 'suspend', 'resume']) {
        const response = await server.api.post<ErrorBody>(`/api/domains/alpha/${action}`);
        expect(response.status, action).toBe(409);
        expect(response.body.message).toMatch(/not running/);
      }
      expect((await server.api.get<ErrorBody>('/api/domains/alpha/xml?running=1')).status).toBe(409);
      expect((await server.api.post<ErrorBody>('/api/domains/alpha/explode')).body).toMatchObject({ code: 'invalid-request' });
      expect((await server.api.get<LifecycleEvent[]>('/api/domains/alpha/events')).body.map((e) => e.event)).toEqual(['defined']);
    });
  });

  describe('bad input', () => {
    it('caps bodies', async () => {
      const huge = xml('big', `\n    <!-- ${'x'.repeat(1024 * 1024)} -->`);
      const response = await server.api.post<ErrorBody>('/api/domains', { xml: huge });
      expect(response.status).toBe(413);
      expect(response.body.code).toBe('payload-too-large');
      const json = await server.api.call<ErrorBody>('PUT', '/api/domains/x/autostart', { raw: JSON.stringify({ autostart: true, pad: 'y'.repeat(20_000) }), type: 'application/json' });
      expect(json.status).toBe(413);
    });

    it('says what is wrong with malformed or mistyped bodies', async () => {
      await server.api.post('/api/domains', { xml: xml('alpha') });
      const malformed = await server.api.call<ErrorBody>('PUT', '/api/domains/alpha/autostart', { raw: '{"autostart": tru', type: 'application/json' });
      expect(malformed).toMatchObject({ status: 400, body: { code: 'invalid-request' } });
      expect(malformed.body.message).toMatch(/not valid JSON/);
      const wrongShape = await server.api.put<ErrorBody>('/api/domains/alpha/autostart', { json: { autostart: 'yes' } });
      expect(wrongShape.status).toBe(400);
      expect(wrongShape.body.message).toMatch(/autostart/);
      const extra = await server.api.put<ErrorBody>('/api/domains/alpha/autostart', { json: { autostart: true, evil: 1 } });
      expect(extra.status).toBe(400);
      const notXml = await server.api.call<ErrorBody>('POST', '/api/domains', { raw: xml('gamma'), type: 'application/json' });
      expect(notXml.status).toBe(400);
      const noType = await fetch(new URL('/api/domains', server.url), { method: 'POST', body: xml('gamma'), headers: { Authorization: `Bearer ${server.token.value}`, 'Content-Type': '' } });
      // A body without a JSON or XML content type is what an HTML form sends: refused as such.
      expect(noType.status).toBe(415);
      const empty = await server.api.post<ErrorBody>('/api/domains', { xml: '   ' });
      expect(empty.body.message).toMatch(/empty/);
    });

    it('refuses names that could escape the state directory, wherever they appear', async () => {
      // Sent as raw paths: URL parsers (fetch, browsers) would resolve '..' themselves.
      const rawGet = (rawPath: string) =>
        new Promise<{ status: number; body: ErrorBody }>((resolve, reject) => {
          const request = http.get(new URL(server.url), { path: rawPath, headers: { Authorization: `Bearer ${server.token.value}` } }, (response) => {
            let text = '';
            response.on('data', (chunk: Buffer) => (text += chunk.toString()));
            response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as ErrorBody }));
          });
          request.on('error', reject);
        });
      for (const name of ['..', '%2E%2E', '..%2F..%2Fetc', '%00', '.hidden', 'a%5Cb']) {
        for (const suffix of ['', '/xml', '/argv', '/events']) {
          const response = await rawGet(`/api/domains/${name}${suffix}`);
          expect(response.status, name + suffix).toBe(400);
          expect(response.body.code).toBe('invalid-request');
        }
      }
      const template = await server.api.post<ErrorBody>('/api/templates/blank', { json: { name: '../x' } });
      expect(template.status).toBe(400);
    });

    it('reports a save that fails (full disk) and keeps the old definition', async () => {
      await server.dispose();
      const full: StoreFs = {
        ...nodeFs,
        open: (async (file: string, flags?: string, mode?: number) => {
          const handle = await nodeFs.open(file, flags, mode);
          if (flags !== 'wx' || !(await nodeFs.readdir(path.dirname(file))).some((f) => f === 'alpha.xml')) return handle;
          return Object.assign(Object.create(handle) as nodeFs.FileHandle, {
            writeFile: async (data: string) => {
              await handle.write(data.slice(0, 10));
              throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
            },
            close: () => handle.close(),
          });
        }) as StoreFs['open'],
      };
      server = await startTestServer({ capabilities: notProbed, guestOptions: { storeFs: full } });
      await server.api.post('/api/domains', { xml: xml('alpha') });
      const before = (await server.api.get<string>('/api/domains/alpha/xml')).body;
      const failed = await server.api.put<ErrorBody>('/api/domains/alpha/xml', { xml: xml('alpha').replace('<vcpu>2', '<vcpu>8') });
      expect(failed.status).toBe(507);
      expect(failed.body).toMatchObject({ code: 'storage-failed' });
      expect(failed.body.message).toMatch(/ENOSPC.*previous definition is unchanged/);
      expect((await server.api.get<string>('/api/domains/alpha/xml')).body).toBe(before);
      expect((await server.api.get<GuestSummary>('/api/domains/alpha')).body.vcpus).toBe(2);
      expect(await readFile(path.join(server.stateDir, 'domains', 'alpha.xml'), 'utf8')).toBe(before);
    });
  });

  describe('templates', () => {
    it('lists the three, and says why one is unavailable', async () => {
      const list = await server.api.get<TemplateInfo[]>('/api/templates');
      expect(list.body.map((t) => t.id)).toEqual(['minimal-tcg', 'q35-virtio-disk', 'blank']);
      expect(list.body[0]).toMatchObject({ available: false, reason: expect.stringMatching(/VIRTDECK_DEMO_GUEST/) as unknown });
      expect((await server.api.post<ErrorBody>('/api/templates/minimal-tcg', { json: { name: 'm' } })).status).toBe(503);
      expect((await server.api.post<ErrorBody>('/api/templates/nope', { json: { name: 'm' } })).status).toBe(404);
    });

    it('makes a blank definition that defines as it is', async () => {
      const blank = await server.api.post<{ xml: string }>('/api/templates/blank', { json: { name: 'fresh' } });
      expect(blank.body.xml).toContain('<name>fresh</name>');
      expect((await server.api.post('/api/domains', { xml: blank.body.xml })).status).toBe(201);
    });

    it('makes the q35 template disk with qemu-img when the guest is defined, not before, and never overwrites one', async () => {
      const image = path.join(server.stateDir, 'images', 'disky.qcow2');
      const cancelled = await server.api.post<{ xml: string }>('/api/templates/q35-virtio-disk', { json: { name: 'disky' } });
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.xml).toContain(`<source file='${image}'/>`);
      // Opened in the editor and left: nothing on disk.
      await expect(stat(image)).rejects.toMatchObject({ code: 'ENOENT' });
      // A define that fails leaves nothing either.
      const broken = await server.api.post<ErrorBody>('/api/domains', { xml: cancelled.body.xml.replace('<vcpu', '<vcpu-oops') });
      expect(broken.status).toBe(422);
      await expect(stat(image)).rejects.toMatchObject({ code: 'ENOENT' });

      const made = await server.api.post<{ xml: string }>('/api/templates/q35-virtio-disk', { json: { name: 'disky' } });
      expect((await server.api.post('/api/domains', { xml: made.body.xml })).status).toBe(201);
      expect((await readFile(image)).subarray(0, 4).toString('latin1')).toBe('QFI\xfb');
      const again = await server.api.post<ErrorBody>('/api/templates/q35-virtio-disk', { json: { name: 'disky' } });
      expect(again.status).toBe(409);
    });

    it('removes the template disk again when the define fails', async () => {
      const blank = await server.api.post<{ xml: string }>('/api/templates/blank', { json: { name: 'taken' } });
      const template = await server.api.post<{ xml: string }>('/api/templates/q35-virtio-disk', { json: { name: 'taken' } });
      expect((await server.api.post('/api/domains', { xml: blank.body.xml })).status).toBe(201);
      expect((await server.api.post('/api/domains', { xml: template.body.xml })).status).toBe(409);
      await expect(stat(path.join(server.stateDir, 'images', 'taken.qcow2'))).rejects.toMatchObject({ code: 'ENOENT' });
    });

    it('makes no template disk the saved definition no longer names', async () => {
      const made = await server.api.post<{ xml: string }>('/api/templates/q35-virtio-disk', { json: { name: 'diskless' } });
      const image = path.join(server.stateDir, 'images', 'diskless.qcow2');
      const other = made.body.xml.replace(image, path.join(server.stateDir, 'elsewhere.qcow2'));
      expect((await server.api.post('/api/domains', { xml: other })).status).toBe(201);
      await expect(stat(image)).rejects.toMatchObject({ code: 'ENOENT' });
    });
  });

  describe('deleting a guest with its volumes', () => {
    const volume = async (name: string) => {
      const made = await server.api.post<{ path: string }>('/api/pools/default/volumes', { xml: `<volume><name>${name}</name><capacity unit='MiB'>1</capacity><target><format type='qcow2'/></target></volume>` });
      expect(made.status).toBe(201);
      return made.body.path;
    };
    const withDisks = (name: string, disks: Array<[string, string]>) =>
      xml(name).replace('</devices>', `${disks.map(([dev, file]) => `<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${file}'/><target dev='${dev}' bus='virtio'/></disk>`).join('')}</devices>`);

    it('lists the pool volumes a guest uses, deletes the ones asked for, and refuses one another guest uses', async () => {
      const own = await volume('own.qcow2');
      const shared = await volume('shared.qcow2');
      const outside = path.join(server.stateDir, 'outside.qcow2');
      await nodeFs.writeFile(outside, 'not a pool volume');
      expect((await server.api.post('/api/domains', { xml: withDisks('owner', [['vda', own], ['vdb', shared], ['vdc', outside]]) })).status).toBe(201);
      expect((await server.api.post('/api/domains', { xml: withDisks('sharer', [['vda', shared]]) })).status).toBe(201);

      const listed = await server.api.get<GuestVolume[]>('/api/domains/owner/volumes');
      expect(listed.body).toEqual([
        { target: 'vda', path: own, pool: 'default', volume: 'own.qcow2', usedBy: [] },
        { target: 'vdb', path: shared, pool: 'default', volume: 'shared.qcow2', usedBy: ['sharer'] },
      ]);
      const refused = await server.api.delete<ErrorBody>('/api/domains/owner?volumes=1');
      expect(refused.status).toBe(409);
      expect(refused.body.message).toContain('shared.qcow2 (vdb) is used by sharer');
      expect((await server.api.get('/api/domains/owner')).status).toBe(200);
      expect((await server.api.delete<ErrorBody>('/api/domains/owner?volumes=vdc')).status).toBe(409);
      expect((await server.api.delete<ErrorBody>('/api/domains/owner?volumes=../x')).status).toBe(400);

      expect((await server.api.delete('/api/domains/owner?volumes=vda')).status).toBe(204);
      expect((await server.api.get('/api/domains/owner')).status).toBe(404);
      await expect(stat(own)).rejects.toMatchObject({ code: 'ENOENT' });
      expect((await stat(shared)).isFile()).toBe(true);
      expect((await stat(outside)).isFile()).toBe(true);
      expect((await server.api.delete('/api/domains/sharer?volumes=1')).status).toBe(204);
      await expect(stat(shared)).rejects.toMatchObject({ code: 'ENOENT' });
    });
  });

  describe('live status', () => {
    it('starts every stream with the snapshot, then sends each change as the new truth', async () => {
      await server.api.post('/api/domains', { xml: xml('alpha') });
      const sse = await SseClient.connect(server.url, server.token.value);
      try {
        const snapshot = await sse.next<GuestSummary[]>('snapshot');
        expect(snapshot.data.map((g) => g.name)).toEqual(['alpha']);
        await server.api.post('/api/domains', { xml: xml('beta') });
        expect((await sse.next<GuestSummary>('guest')).data).toMatchObject({ name: 'beta', state: 'shutoff' });
        expect((await sse.next<LifecycleEvent>('lifecycle')).data).toMatchObject({ name: 'beta', event: 'defined' });
        await server.api.delete('/api/domains/alpha');
        expect((await sse.next('removed')).data).toEqual({ host: 'local', name: 'alpha' });
      } finally {
        sse.close();
      }
    });

    it('sends the host summary every few seconds, and the latest one to a client that connects in between', async () => {
      const fast = await startTestServer({ capabilities: notProbed, hostUsageIntervalMs: 100 });
      const first = await SseClient.connect(fast.url, fast.token.value);
      try {
        const a = await first.next<HostUsageEvent>('hostUsage');
        const b = await first.next<HostUsageEvent>('hostUsage');
        expect(b.data.timestamp).toBeGreaterThan(a.data.timestamp);
        expect(b.data.disk.path).toBe(fast.stateDir);
        expect(b.data.memory.totalKiB).toBeGreaterThan(b.data.memory.usedKiB);
        expect(b.data.disk.totalBytes).toBeGreaterThanOrEqual(b.data.disk.freeBytes);
        const connectedAt = Date.now();
        const late = await SseClient.connect(fast.url, fast.token.value);
        try {
          // The first one it gets was sampled before it connected: it came with the greeting.
          const greeting = await late.next<HostUsageEvent>('hostUsage');
          expect(greeting.data.timestamp).toBeLessThanOrEqual(connectedAt);
          expect(greeting.data.cpu.cores).toBe(b.data.cpu.cores);
        } finally {
          late.close();
        }
      } finally {
        first.close();
        await fast.dispose();
      }
    });
  });

  describe('the console WebSocket', () => {
    const open = (url: string, headers: Record<string, string>) =>
      new Promise<{ status?: number; closeCode?: number; received: Buffer[] }>((resolve) => {
        const received: Buffer[] = [];
        const ws = new WebSocket(url, { headers });
        ws.on('message', (data: Buffer) => received.push(data));
        ws.on('unexpected-response', (_req, res: http.IncomingMessage) => {
          resolve({ status: res.statusCode, received });
          res.resume();
        });
        ws.on('close', (code) => resolve({ closeCode: code, received }));
        ws.on('error', () => undefined);
      });
    const wsUrl = (name: string) => `${server.url.replace('http', 'ws')}api/domains/${name}/console`;

    it('checks the token and the Origin before anything else', async () => {
      await server.api.post('/api/domains', { xml: xml('alpha') });
      const host = new URL(server.url).host;
      expect((await open(wsUrl('alpha'), {})).status).toBe(401);
      expect((await open(wsUrl('alpha'), { Cookie: 'virtdeck_token=nope', Origin: `http://${host}` })).status).toBe(401);
      expect((await open(wsUrl('alpha'), { Cookie: `virtdeck_token=${server.token.value}`, Origin: 'http://evil.example' })).status).toBe(403);
      // A cookie without an Origin is not a browser we can trust; a bearer token is fine.
      expect((await open(wsUrl('alpha'), { Cookie: `virtdeck_token=${server.token.value}` })).status).toBe(403);
      expect((await open(wsUrl('alpha'), { Cookie: `virtdeck_token=${server.token.value}`, Origin: `http://${host}` })).closeCode).toBe(4409);
    });

    it('closes with 4404 for an unknown guest and 4409 after the scrollback for a stopped one', async () => {
      await server.api.post('/api/domains', { xml: xml('alpha') });
      const auth = { Authorization: `Bearer ${server.token.value}` };
      expect((await open(wsUrl('ghost'), auth)).closeCode).toBe(4404);
      expect((await open(wsUrl('..%2F..%2Fetc'), auth)).closeCode).toBe(4404);
      expect((await open(wsUrl('%00'), auth)).closeCode).toBe(4404);
      await nodeFs.mkdir(path.join(server.stateDir, 'run', 'alpha'), { recursive: true });
      await nodeFs.writeFile(path.join(server.stateDir, 'run', 'alpha', 'serial.log'), 'last boot\n');
      const stopped = await open(wsUrl('alpha'), auth);
      expect(stopped.closeCode).toBe(4409);
      expect(Buffer.concat(stopped.received).toString()).toBe('last boot\n');
    });
  });
});
