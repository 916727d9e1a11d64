import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ErrorBody, GuestSummary, HostSummary, ValidateResult } from '../api.js';
import { SseClient } from '../testing/sseClient.js';
import { notProbed, startTestServer, type TestServer } from '../testing/testServer.js';
import { waitFor } from '../testing/waitFor.js';

const xml = (name: string) =>
  `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><os><type arch='x86_64' machine='q35'>hvm</type></os><devices/></domain>`;
/** A libvirt URI whose daemon socket does not exist: a host that cannot be reached. */
const UNREACHABLE = 'qemu+unix:///system?socket=/nonexistent/virtdeck-test/libvirt-sock';

describe('hosts (no libvirt needed)', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer({ capabilities: notProbed });
  });
  afterEach(async () => {
    await server.dispose();
  });

  it('lists the local host always, with its guest count, and serves its guests under /api/hosts/local too', async () => {
    await server.api.post('/api/domains', { xml: xml('alpha') });
    const hosts = (await server.api.get<HostSummary[]>('/api/hosts')).body;
    expect(hosts).toEqual([{ id: 'local', uri: 'virtdeck:///embedded', driver: 'embedded', state: 'connected', guests: 1 }]);
    expect((await server.api.get<GuestSummary[]>('/api/domains')).body).toMatchObject([{ host: 'local', name: 'alpha' }]);
    expect((await server.api.get<GuestSummary>('/api/hosts/local/domains/alpha')).body).toMatchObject({ host: 'local', name: 'alpha', state: 'shutoff' });
    const defined = await server.api.post<GuestSummary>('/api/hosts/local/domains', { xml: xml('beta') });
    expect(defined.status).toBe(201);
    expect(defined.headers.get('location')).toBe('/api/domains/beta');
    expect((await server.api.get<string>('/api/domains/beta/xml')).body).toContain('<name>beta</name>');
  });

  it('checks definitions for the local host under /api/hosts/local as /api/validate and /api/argv do', async () => {
    // Host capabilities are not probed here: documents that fail before any host check (hostRoutes.int.test.ts has the rest).
    for (const text of ['<domain><name>x', xml('gamma').replace('<memory', '<memory unit="parsecs"')]) {
      const here = await server.api.post<ValidateResult>('/api/hosts/local/validate', { xml: text });
      expect(here.status).toBe(200);
      expect(here.body.valid).toBe(false);
      expect(here.body).toEqual((await server.api.post<ValidateResult>('/api/validate', { xml: text })).body);
    }
    const invalid = await server.api.post<ErrorBody>('/api/hosts/local/argv', { xml: '<domain>' });
    expect(invalid.status).toBe(422);
    expect(invalid.body.diagnostics?.length).toBeGreaterThan(0);
    expect((await server.api.post<ErrorBody>('/api/hosts/nowhere/argv', { xml: xml('gamma') })).status).toBe(404);
    expect((await server.api.post<ErrorBody>('/api/hosts/nowhere/validate', { xml: xml('gamma') })).status).toBe(404);
  });

  it('refuses what is not a host: a bad id, the local id, a URI that is no libvirt QEMU URI, parameters that would run programs or skip the host key check', async () => {
    const refused = async (body: unknown) => {
      const response = await server.api.post<ErrorBody>('/api/hosts', { json: body });
      expect(response.status).toBe(400);
      return response.body.message;
    };
    expect(await refused({ id: 'Rack 1', uri: 'qemu:///system' })).toMatch(/host id/);
    expect(await refused({ id: 'local', uri: 'qemu:///system' })).toMatch(/virtdeck's own host/);
    expect(await refused({ id: 'rack1', uri: 'xen:///system' })).toMatch(/not a libvirt URI/);
    expect(await refused({ id: 'rack1', uri: 'qemu+ssh://root@rack1/system?no_verify=1' })).toMatch(/'no_verify' is not accepted/);
    expect(await refused({ id: 'rack1', uri: 'qemu+ssh://root@rack1/system?command=/tmp/evil' })).toMatch(/'command' is not accepted/);
    expect((await server.api.delete<ErrorBody>('/api/hosts/local')).status).toBe(409);
    expect((await server.api.get<ErrorBody>('/api/hosts/nowhere/domains')).status).toBe(404);
  });

  it('adds a host that cannot be reached: it shows as lost with the reason, is kept in hosts.json, and goes again on DELETE', async () => {
    const sse = await SseClient.connect(server.url, server.token.value);
    try {
      await sse.next<HostSummary[]>('hosts');
      const added = await server.api.post<HostSummary>('/api/hosts', { json: { id: 'rack1', uri: UNREACHABLE } });
      expect(added.status).toBe(201);
      expect(added.body).toMatchObject({ id: 'rack1', uri: UNREACHABLE, driver: 'libvirt', guests: 0 });
      const lost = await sse.next<HostSummary[]>('hosts', (list) => list.some((h) => h.id === 'rack1' && h.state === 'lost'));
      expect(lost.data.find((h) => h.id === 'rack1')?.error).toMatch(/cannot be reached|not installed/);
      const saved = JSON.parse(await readFile(path.join(server.stateDir, 'hosts.json'), 'utf8')) as unknown;
      expect(saved).toEqual({ hosts: [{ id: 'rack1', uri: UNREACHABLE }] });
      expect((await server.api.post<ErrorBody>('/api/hosts', { json: { id: 'rack1', uri: 'qemu:///system' } })).status).toBe(409);

      expect((await server.api.delete('/api/hosts/rack1')).status).toBe(204);
      await sse.next<HostSummary[]>('hosts', (list) => list.every((h) => h.id !== 'rack1'));
      expect(JSON.parse(await readFile(path.join(server.stateDir, 'hosts.json'), 'utf8'))).toEqual({ hosts: [] });
      expect((await server.api.get('/api/hosts/rack1')).status).toBe(404);
    } finally {
      sse.close();
    }
  });

  it('connects again to the hosts of hosts.json after a restart', async () => {
    await server.api.post('/api/hosts', { json: { id: 'rack1', uri: UNREACHABLE } });
    const stateDir = server.stateDir;
    await server.close();
    server = await startTestServer({ stateDir, capabilities: notProbed });
    const rack1 = await waitFor('rack1 to be tried', async () => {
      const host = (await server.api.get<HostSummary>('/api/hosts/rack1')).body;
      return host.state === 'lost' ? host : undefined;
    });
    expect(rack1).toMatchObject({ id: 'rack1', uri: UNREACHABLE, driver: 'libvirt' });
  });
});
