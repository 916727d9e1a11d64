import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { test as base, expect, request as playwrightRequest, type APIRequestContext, type Page, type TestInfo } from '@playwright/test';

export interface VirtdeckServer {
  /** The URL the server printed (it logs the browser in). */
  url: string;
  origin: string;
  stateDir: string;
  /** The access token from the printed URL (empty when the server prints none). */
  token: string;
}

/**
 * `server`: the real virtdeck server started by globalSetup. When a test fails, the
 * definitions, QEMU's stderr and the serial logs of every guest are attached to the report.
 * `api`: the REST API as a third party uses it (bearer token), to change guests behind the
 * browser's back. Whatever a test left running is forced off afterwards.
 */
export const test = base.extend<{ server: VirtdeckServer; api: APIRequestContext; noGuestLeftRunning: void }>({
  // Playwright reads the fixtures a function needs from its first parameter's pattern: it must be an object pattern.
  // eslint-disable-next-line no-empty-pattern
  server: async ({}, use, testInfo) => {
    const url = process.env.VIRTDECK_E2E_URL;
    const stateDir = process.env.VIRTDECK_E2E_STATE_DIR;
    if (!url || !stateDir) throw new Error('globalSetup did not start the server');
    const parsed = new URL(url);
    await use({ url, origin: parsed.origin, stateDir, token: parsed.searchParams.get('token') ?? '' });
    if (testInfo.status !== testInfo.expectedStatus) await attachGuestFiles(testInfo, stateDir);
  },
  api: async ({ server }, use) => {
    const api = await playwrightRequest.newContext({
      baseURL: server.origin,
      extraHTTPHeaders: server.token ? { Authorization: `Bearer ${server.token}` } : {},
    });
    await use(api);
    await api.dispose();
  },
  // Every test, whether it uses the API or not, ends with no guest running.
  noGuestLeftRunning: [
    async ({ api }, use) => {
      await use();
      await forceOffEverything(api);
    },
    { auto: true },
  ],
});

/** Each test leaves no guest running. */
async function forceOffEverything(api: APIRequestContext): Promise<void> {
  const response = await api.get('/api/domains');
  if (!response.ok()) return;
  // The guests of every host: a libvirt host's are forced off through its own routes.
  for (const guest of (await response.json()) as { host: string; name: string; state: string }[]) {
    const base = guest.host === 'local' ? '/api' : `/api/hosts/${encodeURIComponent(guest.host)}`;
    if (guest.state !== 'shutoff' && guest.state !== 'crashed') await api.post(`${base}/domains/${encodeURIComponent(guest.name)}/destroy`);
  }
}

async function attachGuestFiles(testInfo: TestInfo, stateDir: string): Promise<void> {
  const domains = path.join(stateDir, 'domains');
  for (const file of await readdir(domains).catch(() => [] as string[])) {
    await testInfo.attach(`definition ${file}`, { path: path.join(domains, file), contentType: 'application/xml' });
  }
  const run = path.join(stateDir, 'run');
  for (const name of await readdir(run).catch(() => [] as string[])) {
    for (const [file, label] of [
      ['qemu.log', 'QEMU stderr'],
      ['serial.log', 'console log'],
    ] as const) {
      const body = await readFile(path.join(run, name, file)).catch(() => undefined);
      if (body) await testInfo.attach(`${label} ${name}`, { body, contentType: 'text/plain' });
    }
  }
}

/** A guest name no other test (or earlier run) uses. */
export const uniqueName = (prefix: string): string => `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;

/** Defines a guest through the API from one of the server's templates. */
export async function defineFromTemplate(api: APIRequestContext, template: string, name: string): Promise<string> {
  const created = await api.post(`/api/templates/${template}`, { data: { name } });
  expect(created.ok(), await created.text()).toBe(true);
  const { xml } = (await created.json()) as { xml: string };
  const defined = await api.post('/api/domains', { data: xml, headers: { 'Content-Type': 'application/xml' } });
  expect(defined.status(), await defined.text()).toBe(201);
  return xml;
}

/** Opens the app signed in (the printed URL sets the session cookie), then goes to `hash`. */
export async function openApp(page: Page, server: VirtdeckServer, hash = '#/'): Promise<void> {
  await page.goto(server.url);
  await expect(page.getByTestId('stream-status')).toHaveText('live');
  if (hash !== '#/') await page.goto(`${server.origin}/${hash}`);
}

export { expect };
