import { access, copyFile, mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { APIRequestContext, Page } from '@playwright/test';
import { expect, openApp, test, type VirtdeckServer } from './fixtures.js';
import { editorOf, viewLine, waitForColours } from './monaco.js';
import { screenshotPath } from './screenshots.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');
/**
 * Where the pictures show the demo guest's kernel and initrd: in a checkout at /tmp/virtdeck,
 * not in the worktree or CI directory of whoever refreshes them.
 */
const NEUTRAL_CHECKOUT = path.join(os.tmpdir(), 'virtdeck');

/** Runs `shoot` with the demo guest's files copied to the neutral checkout, then puts its definition back. */
async function withNeutralDemo(api: APIRequestContext, shoot: () => Promise<void>): Promise<void> {
  const xmlHeaders = { 'Content-Type': 'application/xml' };
  const original = await (await api.get('/api/domains/demo/xml')).text();
  await expect(access(NEUTRAL_CHECKOUT), `${NEUTRAL_CHECKOUT} is someone else's: not touching it`).rejects.toThrow();
  const dir = path.join(NEUTRAL_CHECKOUT, '.cache', 'guest');
  await mkdir(dir, { recursive: true });
  try {
    let xml = original;
    for (const element of ['kernel', 'initrd']) {
      const file = new RegExp(`<${element}>([^<]+)</${element}>`).exec(original)?.[1];
      if (!file) throw new Error(`the demo guest has no <${element}>`);
      const copy = path.join(dir, path.basename(file));
      await copyFile(file, copy);
      xml = xml.replace(`<${element}>${file}</${element}>`, `<${element}>${copy}</${element}>`);
    }
    expect((await api.put('/api/domains/demo/xml', { data: xml, headers: xmlHeaders })).ok()).toBe(true);
    await shoot();
  } finally {
    await api.post('/api/domains/demo/destroy');
    expect((await api.put('/api/domains/demo/xml', { data: original, headers: xmlHeaders })).ok()).toBe(true);
    await rm(NEUTRAL_CHECKOUT, { recursive: true, force: true });
  }
}

/** The picture shows nothing of this machine's directories: neither the checkout nor the server's state directory. */
async function expectNoMachinePaths(page: Page, server: VirtdeckServer): Promise<void> {
  const text = await page.locator('body').innerText();
  expect(text).not.toContain(repoRoot);
  expect(text).not.toContain(server.stateDir);
}

/** A fleet as someone with many guests has it: named by role, tagged, a few running. */
const FLEET = [
  ...Array.from({ length: 12 }, (_, i) => ({ name: `build-${String(i + 1).padStart(2, '0')}`, tags: ['ci'] })),
  ...Array.from({ length: 24 }, (_, i) => ({ name: `db-${String(i + 1).padStart(2, '0')}`, tags: ['db', i % 2 ? 'staging' : 'prod'] })),
  ...Array.from({ length: 40 }, (_, i) => ({ name: `web-${String(i + 1).padStart(2, '0')}`, tags: ['web', i % 2 ? 'staging' : 'prod'] })),
  ...Array.from({ length: 23 }, (_, i) => ({ name: `test-${String(i + 1).padStart(2, '0')}`, tags: [] as string[] })),
];
const RUNNING = ['build-01', 'build-02', 'build-04', 'build-05'];

test('screenshot of the dashboard with 100 guests for the README', async ({ page, server, api }) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1280, height: 720 });
  const created = await api.post('/api/templates/minimal-tcg', { data: { name: 'x' } });
  const { xml } = (await created.json()) as { xml: string };
  try {
    for (const { name, tags } of FLEET) {
      const defined = await api.post('/api/domains', { data: xml.replace('<name>x</name>', `<name>${name}</name>`), headers: { 'Content-Type': 'application/xml' } });
      expect(defined.status(), await defined.text()).toBe(201);
      if (tags.length > 0) expect((await api.put(`/api/domains/${name}/tags`, { data: { tags } })).ok()).toBe(true);
    }
    for (const name of RUNNING) expect((await api.post(`/api/domains/${name}/start`)).ok()).toBe(true);
    await openApp(page, server);
    await expect(page.getByTestId('vm-web-40')).toBeAttached();
    const listed = (await (await api.get('/api/domains')).json()) as { state: string }[];
    expect(listed.length).toBeGreaterThanOrEqual(100);
    await expect(page.getByTestId('host-guests')).toHaveText(`${listed.filter((g) => g.state === 'running').length} running of ${listed.length} defined`);
    await expect(page.getByTestId('host-cpu')).toBeVisible();
    // A few seconds of stats, so the CPU sparklines have a shape.
    await page.waitForFunction(() => (document.querySelector('[data-testid="vm-build-01-cpu"] polyline')?.getAttribute('points')?.split(' ').length ?? 0) >= 8);
    await expectNoMachinePaths(page, server);
    await page.screenshot({ path: screenshotPath('dashboard') });
  } finally {
    for (const { name } of FLEET) {
      await api.post(`/api/domains/${name}/destroy`);
      await api.delete(`/api/domains/${name}`);
    }
  }
});

test('screenshot of the editor for the README', async ({ page, server, api }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await withNeutralDemo(api, async () => {
    expect((await api.post('/api/domains/demo/start')).ok()).toBe(true);
    await openApp(page, server);
    await expect(page.getByTestId('vm-demo-state')).toHaveText('running');

    await page.getByTestId('vm-demo-link').click();
    await page.getByTestId('tab-xml').click();
    await expect(viewLine(page, '<vcpu')).toBeVisible();
    await expect(page.getByTestId('command-preview-line')).toContainText(`-kernel ${NEUTRAL_CHECKOUT}/`);
    // Show a live problem: a value the schema refuses, with its message.
    await viewLine(page, '<vcpu').getByText('1', { exact: true }).dblclick();
    await page.keyboard.type('many');
    await expect(page.getByTestId('problem-counts')).toContainText('1 error');
    await viewLine(page, '<vcpu').getByText('many', { exact: true }).hover();
    await expect(page.locator('.monaco-hover').first()).toBeVisible();
    await expectNoMachinePaths(page, server);
    await page.screenshot({ path: screenshotPath('editor') });
  });
});

test('screenshot of the dark theme for the README', async ({ page, server, api }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.emulateMedia({ colorScheme: 'dark' });
  await withNeutralDemo(api, async () => {
    expect((await api.post('/api/domains/demo/start')).ok()).toBe(true);
    await openApp(page, server, '#/guest/demo/xml');
    await expect(page.getByTestId('vm-demo-state')).toHaveText('running');
    await expect(viewLine(page, '<vcpu')).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId('command-preview-line')).toContainText(`-kernel ${NEUTRAL_CHECKOUT}/`);
    await expect(page.getByTestId('xml-editor').locator('.monaco-editor')).toHaveClass(/\bvs-dark\b/);
    await waitForColours(editorOf(page));
    await expectNoMachinePaths(page, server);
    await page.screenshot({ path: screenshotPath('dark') });
  });
});
