import type http from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ErrorBody, GuestSummary } from '../api.js';
import { rawRequest } from '../testing/rawRequest.js';
import { notProbed, startTestServer, type TestServer } from '../testing/testServer.js';

const xml = (name: string) => `<domain type='qemu'>
  <name>${name}</name>
  <memory unit='MiB'>64</memory>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
  </os>
</domain>
`;

const rawGet = (server: TestServer, path: string) => rawRequest(server.url, { path, headers: { Authorization: `Bearer ${server.token.value}` } });

/** Opens the console WebSocket with the bearer token; resolves with how it ended. */
function consoleOutcome(server: TestServer, name: string): Promise<{ status?: number; code?: number; reason?: string }> {
  const url = `${server.url.replace('http', 'ws')}api/domains/${encodeURIComponent(name)}/console`;
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers: { Authorization: `Bearer ${server.token.value}` } });
    ws.on('unexpected-response', (_req, res: http.IncomingMessage) => {
      resolve({ status: res.statusCode });
      res.resume();
    });
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    ws.on('error', () => undefined);
  });
}

describe('no single request takes the server down', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer({ capabilities: notProbed });
  });
  afterEach(async () => {
    await server.dispose();
  });

  it('closes the console of a guest with a long name with a reason that fits the WebSocket frame', async () => {
    // 36 CJK characters: 108 bytes of UTF-8, so "'NAME' is not running" is over the 123 bytes a close frame holds.
    const name = '漢'.repeat(36);
    expect((await server.api.post('/api/domains', { xml: xml(name) })).status).toBe(201);
    const stopped = await consoleOutcome(server, name);
    expect(stopped.code).toBe(4409);
    expect(Buffer.byteLength(stopped.reason ?? '')).toBeLessThanOrEqual(123);
    expect(stopped.reason).toBe(`'${name}' is not ru…`);
    const unknown = await consoleOutcome(server, '字'.repeat(60));
    expect(unknown.code).toBe(4404);
    expect(Buffer.byteLength(unknown.reason ?? '')).toBeLessThanOrEqual(123);
    // Still serving.
    expect((await server.api.get<GuestSummary[]>('/api/domains')).status).toBe(200);
  });

  it('answers bad percent-encoding in any route parameter with 400 invalid-request', async () => {
    await server.api.post('/api/domains', { xml: xml('alpha') });
    for (const bad of ['%ZZ', '%', '%E0%A4%A']) {
      for (const route of [`/api/domains/${bad}`, `/api/domains/${bad}/xml`, `/api/domains/alpha/${bad}`, `/api/domains/${bad}/start`]) {
        const method = route.endsWith('start') ? 'POST' : 'GET';
        const response =
          method === 'GET' ? await rawGet(server, route) : await server.api.call<ErrorBody>('POST', route).then((r) => ({ status: r.status, body: JSON.stringify(r.body) }));
        expect(response.status, route).toBe(400);
        expect(JSON.parse(response.body) as ErrorBody, route).toMatchObject({ code: 'invalid-request', message: expect.stringMatching(/percent-encoding/) as unknown });
      }
    }
  });

  it('limits guest names in bytes, to what the file names made from them allow, with a 4xx that says so', async () => {
    // 200 CJK characters: 600 bytes, more than a file name can hold.
    const long = '名'.repeat(200);
    const defined = await server.api.post<ErrorBody>('/api/domains', { xml: xml(long) });
    expect(defined.status).toBe(422);
    expect(defined.body.code).toBe('invalid-xml');
    expect(defined.body.message).toMatch(/600 bytes.*at most 225/);
    expect(defined.body.diagnostics?.[0]).toMatchObject({ code: 'invalid-value', range: { start: { line: 2 } } });
    const fetched = await server.api.get<ErrorBody>(`/api/domains/${encodeURIComponent(long)}`);
    expect(fetched.status).toBe(400);
    expect(fetched.body.message).toMatch(/bytes/);
    const template = await server.api.post<ErrorBody>('/api/templates/blank', { json: { name: long } });
    expect(template.status).toBe(400);

    // The longest name that fits can be defined, redefined, marked autostart and deleted.
    const longest = '名'.repeat(75);
    expect(Buffer.byteLength(longest)).toBe(225);
    expect((await server.api.post('/api/domains', { xml: xml(longest) })).status).toBe(201);
    expect((await server.api.put(`/api/domains/${encodeURIComponent(longest)}/xml`, { xml: xml(longest) })).status).toBe(200);
    expect((await server.api.put(`/api/domains/${encodeURIComponent(longest)}/autostart`, { json: { autostart: true } })).status).toBe(200);
    expect((await server.api.delete(`/api/domains/${encodeURIComponent(longest)}`)).status).toBe(204);
    expect((await server.api.post<ErrorBody>('/api/domains', { xml: xml(`${longest}x`) })).status).toBe(422);
  });

  it('refuses C1 control characters and broken UTF-16 in names', async () => {
    for (const name of ['a\u0085b', 'a\u009bb', 'x\u0080']) {
      const defined = await server.api.post<ErrorBody>('/api/domains', { xml: xml(name) });
      expect(defined.status, JSON.stringify(name)).toBe(422);
      expect(defined.body.message).toMatch(/control character/);
      expect((await server.api.get<ErrorBody>(`/api/domains/${encodeURIComponent(name)}`)).status).toBe(400);
    }
    expect((await rawGet(server, '/api/domains/%ED%A0%80')).status).toBe(400);
  });
});
