import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DefinitionVersion } from '../api.js';
import { notProbed, startTestServer, type TestServer } from '../testing/testServer.js';

const xml = (memoryMiB: number) => `<domain type='qemu'>
  <name>kept</name>
  <uuid>6a1c1d5e-3c1f-4d0e-9c55-0c7b8a2f6e11</uuid>
  <memory unit='MiB'>${memoryMiB}</memory>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
  </os>
</domain>
`;

describe('definition history through the API', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer({ capabilities: notProbed });
  });
  afterEach(async () => {
    await server.dispose();
  });

  it('keeps what each save replaced, serves it as a download-only document, and a restore is one more save', async () => {
    expect((await server.api.post('/api/domains', { xml: xml(64) })).status).toBe(201);
    expect((await server.api.get<DefinitionVersion[]>('/api/domains/kept/history')).body).toEqual([]);
    expect((await server.api.put('/api/domains/kept/xml', { xml: xml(128) })).status).toBe(200);
    // Saving the same text again keeps no copy of it.
    expect((await server.api.put('/api/domains/kept/xml', { xml: xml(128) })).status).toBe(200);
    expect((await server.api.put('/api/domains/kept/xml', { xml: xml(256) })).status).toBe(200);

    const versions = (await server.api.get<DefinitionVersion[]>('/api/domains/kept/history')).body;
    expect(versions).toHaveLength(2);
    const [newest, oldest] = versions;
    const oldText = await server.api.get<string>(`/api/domains/kept/history/${oldest?.id}`);
    expect(oldText.headers.get('content-type')).toContain('application/xml');
    expect(oldText.headers.get('content-security-policy')).toContain('sandbox');
    expect(oldText.body).toBe(xml(64));
    expect((await server.api.get<string>(`/api/domains/kept/history/${newest?.id}`)).body).toBe(xml(128));

    expect((await server.api.put('/api/domains/kept/xml', { xml: oldText.body })).status).toBe(200);
    expect((await server.api.get<string>('/api/domains/kept/xml')).body).toBe(xml(64));
    expect((await server.api.get<DefinitionVersion[]>('/api/domains/kept/history')).body).toHaveLength(3);
  });

  it('answers 404 for an unknown guest or version, 400 for a malformed id, and forgets the versions of a deleted guest', async () => {
    expect((await server.api.get('/api/domains/nobody/history')).status).toBe(404);
    await server.api.post('/api/domains', { xml: xml(64) });
    await server.api.put('/api/domains/kept/xml', { xml: xml(96) });
    expect((await server.api.get('/api/domains/kept/history/1234')).status).toBe(400);
    expect((await server.api.get('/api/domains/kept/history/0000000000001-00000000')).status).toBe(404);
    expect((await server.api.delete('/api/domains/kept')).status).toBe(204);
    await server.api.post('/api/domains', { xml: xml(64) });
    expect((await server.api.get<DefinitionVersion[]>('/api/domains/kept/history')).body).toEqual([]);
  });
});
