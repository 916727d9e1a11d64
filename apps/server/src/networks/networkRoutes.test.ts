import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ErrorBody, NetworkSummary, NetworkValidateResult } from '../api.js';
import { notProbed, startTestServer, type TestServer } from '../testing/testServer.js';

const lab = (extra = '') => `<network>
  <name>lab</name>
  <forward mode='nat'/>
  <ip address='10.7.0.1' prefix='24'>
    <dhcp>
      <range start='10.7.0.100' end='10.7.0.199'/>
    </dhcp>
  </ip>${extra}
</network>
`;

describe('/api/networks (no QEMU needed)', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer({ capabilities: notProbed });
  });
  afterEach(async () => {
    await server.dispose();
  });

  it("has libvirt's default NAT network from the first start, kept as networks/default.xml with a UUID", async () => {
    const list = await server.api.get<NetworkSummary[]>('/api/networks');
    expect(list.status).toBe(200);
    expect(list.body).toEqual([
      { name: 'default', uuid: expect.stringMatching(/^[0-9a-f-]{36}$/), forward: 'nat', runsAs: 'user', bridge: 'virbr0', addresses: ['192.168.122.0/24'], usedBy: [] },
    ]);
    const xml = await server.api.get<string>('/api/networks/default');
    expect(xml.headers.get('content-type')).toMatch(/application\/xml/);
    expect(xml.body).toContain(`<uuid>${list.body[0]?.uuid}</uuid>`);
    expect(xml.body).toContain("<range start='192.168.122.2' end='192.168.122.254'/>");
    expect(await readFile(path.join(server.stateDir, 'networks', 'default.xml'), 'utf8')).toBe(xml.body);
  });

  it('defines, redefines and deletes a network as libvirt does', async () => {
    const created = await server.api.post<NetworkSummary>('/api/networks', { xml: lab() });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/api/networks/lab');
    expect(created.body).toMatchObject({ name: 'lab', forward: 'nat', runsAs: 'user', addresses: ['10.7.0.0/24'] });
    expect((await server.api.post<ErrorBody>('/api/networks', { xml: lab() })).body.code).toBe('conflict');

    const renamed = await server.api.put<ErrorBody>('/api/networks/other', { xml: lab() });
    expect(renamed.status).toBe(409);
    const updated = await server.api.put<NetworkSummary>('/api/networks/lab', { xml: lab('\n  <domain name="lab.example"/>') });
    expect(updated.status).toBe(200);
    // a redefinition without <uuid> keeps the one given on define
    expect(updated.body.uuid).toBe(created.body.uuid);
    expect((await server.api.get<string>('/api/networks/lab')).body).toContain('<domain name="lab.example"/>');

    expect((await server.api.delete('/api/networks/lab')).status).toBe(204);
    expect((await server.api.get<ErrorBody>('/api/networks/lab')).status).toBe(404);
    expect((await server.api.delete<ErrorBody>('/api/networks/lab')).body.code).toBe('not-found');
  });

  it('refuses an invalid network with its diagnostics at their line and column', async () => {
    const bad = lab().replace("end='10.7.0.199'", "end='10.9.0.199'");
    const refused = await server.api.post<ErrorBody>('/api/networks', { xml: bad });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('invalid-xml');
    expect(refused.body.diagnostics?.map((d) => [d.code, d.range.start.line, d.range.start.column])).toEqual([['invalid-combination', 6, 8]]);
    expect(refused.body.diagnostics?.[0]?.message).toBe('The DHCP range 10.7.0.100–10.9.0.199 is not inside the network 10.7.0.1/24.');

    const checked = await server.api.post<NetworkValidateResult>('/api/networks/validate', { xml: bad });
    expect(checked.body.valid).toBe(false);
    expect(checked.body.diagnostics).toHaveLength(1);
    expect((await server.api.post<NetworkValidateResult>('/api/networks/validate', { xml: lab() })).body).toEqual({ valid: true, diagnostics: [] });
    expect((await server.api.post<ErrorBody>('/api/networks', { xml: '<domain type="qemu"><name>x</name></domain>' })).body.diagnostics?.[0]?.code).toBe('wrong-root');
  });

  it('does not bring back a default network the user deleted', async () => {
    expect((await server.api.delete('/api/networks/default')).status).toBe(204);
    await server.close();
    const again = await startTestServer({ capabilities: notProbed, stateDir: server.stateDir });
    try {
      expect((await again.api.get<NetworkSummary[]>('/api/networks')).body).toEqual([]);
    } finally {
      await again.close();
    }
  });
});
