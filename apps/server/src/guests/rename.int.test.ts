import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody, GuestSummary } from '../api.js';
import { demoGuestXml } from '../demoGuest.js';
import { probeCapabilities } from '../host/probeCapabilities.js';
import { openConsole } from '../testing/consoleClient.js';
import { demoGuest } from '../testing/demoGuest.js';
import { killProcessesMentioning } from '../testing/processes.js';
import { startTestServer, type TestServer } from '../testing/testServer.js';

const guest = demoGuest();

describe('renaming a guest that has run', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ demoGuest: guest, capabilities: probeCapabilities });
  });
  afterAll(async () => {
    killProcessesMentioning(server.stateDir);
    await server.dispose();
  });

  it('is refused while it runs, and once it is off its console log and QEMU log follow it to the new name', async () => {
    const xml = demoGuestXml('first-name', guest);
    expect((await server.api.post('/api/domains', { xml })).status).toBe(201);
    expect((await server.api.post<GuestSummary>('/api/domains/first-name/start')).body.state).toBe('running');
    const console = await openConsole(server.url, server.token.value, 'first-name');
    await console.waitFor(guest.readyMarker);
    console.close();

    const saved = (await server.api.get<string>('/api/domains/first-name/xml')).body;
    const renamedXml = saved.replace('<name>first-name</name>', '<name>second-name</name>');
    const refused = await server.api.put<ErrorBody>('/api/domains/first-name/xml', { xml: renamedXml });
    expect(refused).toMatchObject({ status: 409, body: { code: 'conflict' } });
    expect(refused.body.message).toContain('renamed when it is shut off');

    await server.api.post('/api/domains/first-name/destroy');
    expect((await server.api.put<GuestSummary>('/api/domains/first-name/xml', { xml: renamedXml })).body).toMatchObject({ name: 'second-name', state: 'shutoff' });
    expect((await server.api.get<string>('/api/domains/second-name/qemu-log')).status).toBe(200);
    const scrollback = await openConsole(server.url, server.token.value, 'second-name');
    await scrollback.waitFor(guest.readyMarker);
    scrollback.close();
    expect((await server.api.post<GuestSummary>('/api/domains/second-name/start')).body.state).toBe('running');
    await server.api.post('/api/domains/second-name/destroy');
  });
});
