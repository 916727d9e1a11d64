import { chmod, lstat, mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ErrorBody } from '../api.js';
import { loadOrCreateToken } from '../auth/accessToken.js';
import { HostAllowList } from '../http/hostAllowList.js';
import { rawRequest } from '../testing/rawRequest.js';
import { notProbed, startTestServer, type TestServer } from '../testing/testServer.js';

// XHTML in <metadata> is valid libvirt XML; opened as a page, a browser would run the script.
const xss = `<domain type='qemu'>
  <name>xss</name>
  <memory unit='MiB'>64</memory>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
  </os>
  <metadata>
    <html:script xmlns:html='http://www.w3.org/1999/xhtml'>document.title = 'pwned'</html:script>
  </metadata>
</domain>
`;

describe('the browser cannot be turned against the API', () => {
  let webRoot: string;
  let server: TestServer;
  let host: string;
  const cookie = () => `virtdeck_token=${server.token.value}`;
  const bearer = () => `Bearer ${server.token.value}`;
  const send = (options: Parameters<typeof rawRequest>[1]) => rawRequest(server.url, options);

  beforeAll(async () => {
    webRoot = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-web-'));
    await writeFile(path.join(webRoot, 'index.html'), '<!doctype html><title>virtdeck</title>');
  });
  afterAll(async () => {
    await rm(webRoot, { recursive: true, force: true });
  });
  beforeEach(async () => {
    server = await startTestServer({ capabilities: notProbed, webRoot });
    host = new URL(server.url).host;
    expect((await server.api.post('/api/domains', { xml: xss })).status).toBe(201);
  });
  afterEach(async () => {
    await server.dispose();
  });

  it('refuses a state-changing request carried by the cookie unless it comes from the server’s own origin', async () => {
    const destroy = (headers: Record<string, string>) => send({ method: 'POST', path: '/api/domains/xss/destroy', headers: { Cookie: cookie(), ...headers } });
    // A page on another port of 127.0.0.1 is "same-site": SameSite=Strict still sends the cookie.
    for (const headers of [
      { Origin: 'http://127.0.0.1:1', 'Sec-Fetch-Site': 'same-site' },
      { Origin: 'http://evil.example', 'Sec-Fetch-Site': 'cross-site' },
      { Origin: 'null' },
      { 'Sec-Fetch-Site': 'same-site' },
      {},
    ] as Record<string, string>[]) {
      const response = await destroy(headers);
      expect(response.status, JSON.stringify(headers)).toBe(403);
      expect((JSON.parse(response.body) as ErrorBody).code).toBe('forbidden');
      expect(response.body).toMatch(/origin/i);
    }
    // The web app itself: its own origin. (409: the guest is not running; the request got through.)
    expect((await destroy({ Origin: `http://${host}`, 'Sec-Fetch-Site': 'same-origin' })).status).toBe(409);
    expect((await destroy({ 'Sec-Fetch-Site': 'same-origin' })).status).toBe(409);
    expect((await destroy({ Origin: `http://${host}`, 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
    // Reading is not checked (nothing changes), and API clients with the bearer token send no Origin.
    expect((await send({ path: '/api/domains', headers: { Cookie: cookie(), Origin: 'http://127.0.0.1:1' } })).status).toBe(200);
    expect((await send({ method: 'POST', path: '/api/domains/xss/destroy', headers: { Authorization: bearer() } })).status).toBe(409);
  });

  it('accepts request bodies only as JSON or XML with their content types: no form can post', async () => {
    for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain', '']) {
      const response = await send({ method: 'POST', path: '/api/domains/xss/start', headers: { Authorization: bearer(), 'Content-Type': type }, body: 'a=1' });
      expect(response.status, type).toBe(415);
      expect(JSON.parse(response.body) as ErrorBody).toMatchObject({ code: 'unsupported-media-type', message: expect.stringMatching(/application\/json.*application\/xml/) as unknown });
    }
    const json = await send({ method: 'PUT', path: '/api/domains/xss/autostart', headers: { Authorization: bearer(), 'Content-Type': 'application/json' }, body: '{"autostart":true}' });
    expect(json.status).toBe(200);
  });

  it('answers only to its own host names, against DNS rebinding, for HTTP and WebSocket alike', async () => {
    const port = new URL(server.url).port;
    for (const name of [`rebound.example:${port}`, 'rebound.example', `127.0.0.1:${Number(port) + 1}`, `localhost.evil.example:${port}`]) {
      for (const requestPath of ['/', '/api/domains']) {
        const response = await send({ path: requestPath, headers: { Host: name, Authorization: bearer() } });
        expect(response.status, `${name} ${requestPath}`).toBe(421);
        expect(response.body).toContain(name);
      }
    }
    for (const name of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`]) {
      expect((await send({ path: '/api/domains', headers: { Host: name, Authorization: bearer() } })).status, name).toBe(200);
    }
    const upgrade = await new Promise<number | undefined>((resolve) => {
      const ws = new WebSocket(`ws://${host}/api/domains/xss/console`, { headers: { Host: `rebound.example:${port}`, Origin: `http://rebound.example:${port}`, Cookie: cookie() } });
      ws.on('unexpected-response', (_req, res: http.IncomingMessage) => resolve(res.statusCode));
      ws.on('open', () => resolve(undefined));
      ws.on('error', () => undefined);
    });
    expect(upgrade).toBe(421);
  });

  it('serves a definition so that nothing in it can run, and as a download when a browser opens it', async () => {
    const fetched = await send({ path: '/api/domains/xss/xml', headers: { Cookie: cookie(), 'Sec-Fetch-Mode': 'cors', Accept: '*/*' } });
    expect(fetched.status).toBe(200);
    expect(fetched.body).toContain('<html:script');
    expect(fetched.headers['content-type']).toMatch(/^application\/xml/);
    expect(fetched.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(fetched.headers['content-security-policy']).toMatch(/sandbox/);
    expect(fetched.headers['x-content-type-options']).toBe('nosniff');
    expect(fetched.headers['content-disposition']).toBeUndefined();
    for (const headers of [{ 'Sec-Fetch-Mode': 'navigate' }, { Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' }] as Record<string, string>[]) {
      const opened = await send({ path: '/api/domains/xss/xml', headers: { Cookie: cookie(), ...headers } });
      expect(opened.headers['content-disposition'], JSON.stringify(headers)).toMatch(/^attachment; filename="?xss\.xml"?$/);
      expect(opened.headers['content-security-policy']).toMatch(/default-src 'none'/);
    }
  });

  it('sends security headers with the web app: a CSP without inline or eval scripts, no framing, no referrer', async () => {
    const page = await send({ path: '/' });
    expect(page.status).toBe(200);
    const csp = page.headers['content-security-policy'] ?? '';
    expect(csp).toMatch(/default-src 'self'/);
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/worker-src 'self' blob:/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).toMatch(/object-src 'none'/);
    expect(csp).not.toMatch(/upgrade-insecure-requests/);
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['strict-transport-security']).toBeUndefined();
  });
});

describe('the host allow-list', () => {
  it('takes extra names on the server’s port, and name:port for a proxy in front of it', () => {
    const hosts = new HostAllowList('127.0.0.1', ['virtdeck.example', 'proxy.example:8443', '::1']);
    hosts.listeningOn(8080);
    for (const ok of ['127.0.0.1:8080', 'localhost:8080', '[::1]:8080', 'virtdeck.example:8080', 'Proxy.Example:8443']) expect(hosts.problem(ok), ok).toBeUndefined();
    for (const bad of ['virtdeck.example:8443', 'proxy.example:8080', '127.0.0.1', 'evil.example:8080', '127.0.0.1:8080.evil', ':8080', '']) {
      expect(hosts.problem(bad), bad).toBeDefined();
    }
    const everywhere = new HostAllowList('0.0.0.0');
    everywhere.listeningOn(80);
    expect(everywhere.problem('localhost')).toBeUndefined();
    expect(everywhere.problem('rebound.example')).toMatch(/does not answer to the host 'rebound.example'/);
  });
});

describe('the token file', () => {
  let stateDir: string;
  beforeEach(async () => {
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-token-'));
  });
  afterEach(async () => {
    await rm(stateDir, { recursive: true, force: true });
  });

  it('is created 0600, and a readable one is made 0600 again on load', async () => {
    const token = await loadOrCreateToken(stateDir);
    const file = path.join(stateDir, 'token');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    await chmod(file, 0o644);
    expect((await loadOrCreateToken(stateDir)).value).toBe(token.value);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('is never read through a symlink or from something that is not a file', async () => {
    const elsewhere = path.join(stateDir, 'elsewhere');
    await writeFile(elsewhere, 'A'.repeat(43));
    await symlink(elsewhere, path.join(stateDir, 'token'));
    await expect(loadOrCreateToken(stateDir)).rejects.toThrow(/token.*not a regular file/);
    expect((await lstat(path.join(stateDir, 'token'))).isSymbolicLink()).toBe(true);
    await rm(path.join(stateDir, 'token'));
    await mkdir(path.join(stateDir, 'token'));
    await expect(loadOrCreateToken(stateDir)).rejects.toThrow(/not a regular file/);
  });
});
