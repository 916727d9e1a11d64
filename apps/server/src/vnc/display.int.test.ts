import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuestSummary } from '../api.js';
import { openConsole } from '../testing/consoleClient.js';
import { demoGuest } from '../testing/demoGuest.js';
import { installerIso, isoGuestXml } from '../testing/installerIso.js';
import { killProcessesMentioning } from '../testing/processes.js';
import { rfbHandshake } from '../testing/rfbClient.js';
import { startTestServer, type TestServer } from '../testing/testServer.js';
import { parsePpm } from './png.js';

const { iso } = installerIso();
const { readyMarker } = demoGuest();
/** The browser the tickets are issued to: one credential, one User-Agent, from 127.0.0.1. */
const BROWSER_UA = 'display-test-browser';

describe('the graphical console of a guest booted from the installer ISO', () => {
  let server: TestServer;
  let headers: Record<string, string>;

  beforeAll(async () => {
    server = await startTestServer();
    headers = { Authorization: `Bearer ${server.token.value}`, 'User-Agent': BROWSER_UA, Origin: new URL(server.url).origin };
    for (const [name, password] of [['screen', undefined], ['locked', 's3cret']] as const) {
      expect((await server.api.post('/api/domains', { xml: isoGuestXml(name, iso, { password }) })).status).toBe(201);
      expect((await server.api.post<GuestSummary>(`/api/domains/${name}/start`)).body).toMatchObject({ state: 'running' });
    }
    const console = await openConsole(server.url, server.token.value, 'screen');
    await console.waitFor(readyMarker, { timeoutMs: 90_000 });
    console.close();
  });
  afterAll(async () => {
    await Promise.allSettled(['screen', 'locked'].map((name) => server.guests.destroy(name)));
    killProcessesMentioning(server.stateDir);
    await server.dispose();
  });

  const ticketFor = async (name: string, as: Record<string, string> = headers) => {
    const response = await fetch(new URL(`/api/domains/${name}/display-ticket`, server.url), { method: 'POST', headers: as });
    return { status: response.status, body: (await response.json()) as { ticket: string; password: boolean; code?: string; message?: string } };
  };
  const displayUrl = (name: string, ticket: string) => `${server.url.replace(/^http/, 'ws')}api/domains/${name}/display?ticket=${encodeURIComponent(ticket)}`;

  it('reaches the guest VNC server with a ticket, once', async () => {
    const { body } = await ticketFor('screen');
    expect(body.password).toBe(false);
    const first = await rfbHandshake(displayUrl('screen', body.ticket), headers);
    expect(first).toMatchObject({ version: 'RFB 003.008', securityTypes: [1], securityResult: 0, width: 720, height: 400 });
    expect((await rfbHandshake(displayUrl('screen', body.ticket), headers)).status).toBe(403);
  });

  it('refuses no ticket, a ticket for another guest, another session and another origin', async () => {
    expect((await rfbHandshake(displayUrl('screen', ''), headers)).status).toBe(403);
    const forLocked = (await ticketFor('locked')).body.ticket;
    expect((await rfbHandshake(displayUrl('screen', forLocked), headers)).status).toBe(403);
    const ticket = (await ticketFor('screen')).body.ticket;
    expect((await rfbHandshake(displayUrl('screen', ticket), { ...headers, 'User-Agent': 'another-browser' })).status).toBe(403);
    // A browser page elsewhere would carry the cookie, not the bearer token.
    const browser = { Cookie: `virtdeck_token=${server.token.value}`, 'User-Agent': BROWSER_UA, Origin: headers.Origin as string };
    const other = (await ticketFor('screen', browser)).body.ticket;
    expect((await rfbHandshake(displayUrl('screen', other), { ...browser, Origin: 'http://evil.example' })).status).toBe(403);
    const mine = (await ticketFor('screen', browser)).body.ticket;
    expect((await rfbHandshake(displayUrl('screen', mine), browser)).securityResult).toBe(0);
    const noToken = (await ticketFor('screen')).body.ticket;
    expect((await rfbHandshake(displayUrl('screen', noToken), { 'User-Agent': BROWSER_UA, Origin: headers.Origin as string })).status).toBe(401);
  });

  it('refuses a ticket for a guest that does not run or has no screen', async () => {
    expect((await ticketFor('nobody')).status).toBe(404);
    expect((await server.api.post('/api/domains', { xml: isoGuestXml('off', iso) })).status).toBe(201);
    expect(await ticketFor('off')).toMatchObject({ status: 409, body: { code: 'conflict' } });
  });

  it('lets QEMU ask for the definition password, and refuses a wrong one', async () => {
    const { body } = await ticketFor('locked');
    expect(body.password).toBe(true);
    expect(await rfbHandshake(displayUrl('locked', body.ticket), headers, 's3cret')).toMatchObject({ securityTypes: [2], securityResult: 0 });
    const again = (await ticketFor('locked')).body.ticket;
    expect(await rfbHandshake(displayUrl('locked', again), headers, 'guessed')).toMatchObject({ securityTypes: [2], securityResult: 1 });
  });

  it('serves several viewers connecting at the same moment (QEMU accepts one at a time)', async () => {
    const viewers = 8;
    const tickets = await Promise.all(Array.from({ length: viewers }, () => ticketFor('screen')));
    const outcomes = await Promise.all(tickets.map(({ body }) => rfbHandshake(displayUrl('screen', body.ticket), headers)));
    expect(outcomes).toEqual(Array(viewers).fill(expect.objectContaining({ securityResult: 0, width: 720 })));
  });

  it('shows a screenshot of what the screen shows, as PNG, shrunk on request', async () => {
    const response = await fetch(new URL('/api/domains/screen/screenshot?width=360', server.url), { headers });
    expect(response.headers.get('content-type')).toBe('image/png');
    const png = Buffer.from(await response.arrayBuffer());
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([360, 200]);
    // The boot banner is on the screen: the full-size dump has lit pixels.
    const dump = await (await server.guests.graphicsConsole('screen')).screendump();
    const lit = [...parsePpm(dump).pixels].filter((v) => v > 64).length;
    expect(lit).toBeGreaterThan(1000);
  });

  it('types a text on the guest keyboard, which its screen shell runs', async () => {
    const console = await openConsole(server.url, server.token.value, 'screen');
    const from = console.text().length;
    const typed = await server.api.post('/api/domains/screen/type-text', { json: { text: 'echo "Typed-$((6*7))!" > /dev/ttyS0\n' } });
    expect(typed.status).toBe(204);
    await console.waitFor('Typed-42!', { from });
    console.close();
    const refused = await server.api.post<{ message: string }>('/api/domains/screen/type-text', { json: { text: 'naïve' } });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/Character 3 .*U\+00EF/);
  });
});
