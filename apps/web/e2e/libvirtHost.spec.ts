import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDemoGuest } from '../../../scripts/lib/demo-guest.mjs';
import { demoGuestXml } from '../../server/src/demoGuest.js';
import { startLibvirtHost, type LibvirtHost } from '../../server/src/testing/libvirtHost.js';
import { expect, openApp, test, uniqueName } from './fixtures.js';
import { installerIso, isoGuestXml, screenPixels } from './isoGuest.js';
import { clearLine, viewLine } from './monaco.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * How long a page may take to follow a move to the libvirt host: the guest is defined there
 * through virsh (its writable disks copied), undefined here, and the page follows once the
 * libvirt host has reported the new guest. Under load that is more than expect's default 20 s.
 */
const MOVE_TIMEOUT_MS = 60_000;

/**
 * A libvirt host (`qemu:///system`) added in the browser, and one of its guests handled from
 * its page while someone works beside virtdeck with virsh: defined from outside, started
 * here, its serial console, its definition changed in the editor, forced off from outside.
 */
test.describe('a guest of a libvirt host', () => {
  let libvirt: LibvirtHost;
  const host = uniqueName('lv');
  const name = uniqueName('e2e-libvirt');
  const id = `${host}/${name}`;

  test.beforeAll(async () => {
    libvirt = await startLibvirtHost();
  });
  test.afterEach(async ({ api }) => {
    await libvirt?.virsh('destroy', name).catch(() => undefined);
    await libvirt?.virsh('undefine', name).catch(() => undefined);
    await api.delete(`/api/hosts/${host}`);
  });
  test.afterAll(async () => {
    await libvirt?.close();
  });

  test('is followed, started, shown on its console, edited and seen forced off, all on its own host', async ({ page, server, api }) => {
    test.setTimeout(120_000);
    await openApp(page, server);
    await page.getByTestId('add-host-id').fill(host);
    await page.getByTestId('add-host-uri').fill('qemu:///system');
    await page.getByTestId('add-host-submit').click();
    await expect(page.getByTestId(`host-${host}-state`)).toHaveText('connected', { timeout: 30_000 });

    // Defined with virsh from outside: its row appears without a reload.
    const files = await ensureDemoGuest({ cacheDir: path.join(repoRoot, '.cache', 'guest'), log: () => undefined });
    const xml = demoGuestXml(name, files);
    await defineOutside(libvirt, xml);
    await expect(page.getByTestId(`vm-${id}`)).toBeVisible({ timeout: 15_000 });
    await page.getByTestId(`vm-${id}-link`).click();
    await expect(page).toHaveURL(new RegExp(`#/hosts/${host}/guest/${name}$`));
    await expect(page.getByTestId('guest-host')).toContainText(host);

    // Started from its page; the serial console is libvirt's, both ways.
    await page.getByTestId(`vm-${id}-start`).click();
    await expect(page.getByTestId(`vm-${name}-state`)).toHaveText('running');
    const console = page.getByTestId('console');
    await expect(console).toContainText(files.readyMarker, { timeout: 60_000 });
    await expect(page.getByTestId('console-status')).toHaveText('connected');
    await page.getByTestId('console').locator('textarea').focus();
    await page.keyboard.type('echo libvirt-$((6*7))\n');
    await expect(console).toContainText('libvirt-42');

    // Its graphs get points from that host's domstats: a CPU line, a time axis, the memory libvirt reports.
    await page.getByTestId('tab-graphs').click();
    await expect
      .poll(async () => ((await page.getByTestId('chart-cpu').locator('polyline').getAttribute('points').catch(() => null)) ?? '').trim().split(' ').filter(Boolean).length, { timeout: 20_000 })
      .toBeGreaterThanOrEqual(3);
    await expect(page.getByTestId('chart-cpu-time-axis').locator('time')).toHaveCount(3);
    await expect(page.getByTestId('chart-memory')).toContainText('256 MiB');
    await expect(page.getByTestId('graphs')).toContainText('user-mode networking');

    // The editor checks against that host and previews libvirt's own command line; the save reaches libvirt.
    await page.getByTestId('tab-xml').click();
    await expect(page.getByTestId('command-preview-source')).toContainText("libvirt's own command line", { timeout: 20_000 });
    await expect(page.getByTestId('command-preview-line')).toContainText(`guest=${name}`);
    // The form offers what THAT host offers: its accelerators as `virsh capabilities` has them, its CPU models as `virsh domcapabilities`.
    const kvm = (await libvirt.virsh('capabilities')).includes("<domain type='kvm'");
    await expect(page.getByTestId('accel-qemu').locator('input')).toBeChecked();
    await expect(page.getByTestId('accel-kvm').locator('input')).toBeEnabled({ enabled: kvm });
    const custom = /<mode name='custom'[^>]*>([\s\S]*?)<\/mode>/.exec(await libvirt.virsh('domcapabilities'))?.[1] ?? '';
    const libvirtModels = [...custom.matchAll(/<model(?![^>]*deprecated='yes')[^>]*>([^<]+)<\/model>/g)].map((m) => m[1]);
    await page.getByTestId('form-cpu-mode').selectOption('custom');
    await expect(page.getByTestId('form-cpu-model').locator('option')).toHaveCount(libvirtModels.length);
    expect(await page.getByTestId('form-cpu-model').locator('option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value))).toEqual(libvirtModels);
    await page.getByTestId('form-cpu-model').selectOption('Skylake-Client');
    await expect(viewLine(page, 'Skylake-Client</model>')).toBeVisible();
    await clearLine(page, '<title>');
    await page.keyboard.type('<title>changed in the browser</title>');
    await expect(viewLine(page, 'changed in the browser')).toBeVisible();
    await page.getByTestId('save').click();
    await page.getByTestId('confirm-save').click();
    await expect(page.getByTestId('save-message')).toContainText('Saved');
    const saved = await libvirt.virsh('dumpxml', name, '--inactive');
    expect(saved).toContain('<title>changed in the browser</title>');
    expect(saved).toMatch(/<cpu mode='custom'[^>]*>\s*<model[^>]*>Skylake-Client<\/model>/);

    // Its saved command line and QEMU's log, as that host gives them.
    await page.getByTestId('tab-command-line').click();
    await expect(page.getByTestId('command-line-source')).toContainText(`virsh domxml-to-native on ${host}`);

    // Forced off from outside: the badge follows.
    await libvirt.virsh('destroy', name);
    await expect(page.getByTestId(`vm-${name}-state`)).toHaveText('shutoff', { timeout: 15_000 });
    await page.getByTestId('tab-events').click();
    await expect(page.getByTestId('event-row').first()).toContainText('stopped');
    expect((await api.get(`/api/hosts/${host}/domains/${name}`)).ok()).toBe(true);
  });
});

test.describe('moving a guest to a libvirt host', () => {
  let libvirt: LibvirtHost;
  const host = uniqueName('lvmove');
  const name = uniqueName('e2e-move');

  test.beforeAll(async () => {
    libvirt = await startLibvirtHost();
  });
  test.afterEach(async ({ api }) => {
    await libvirt?.virsh('undefine', name).catch(() => undefined);
    await api.delete(`/api/domains/${name}`);
    await api.delete(`/api/hosts/${host}`);
  });
  test.afterAll(async () => {
    await libvirt?.close();
  });

  test('moves a shut-off guest from its page after a confirmation, and its page follows it', async ({ page, server, api }) => {
    expect((await api.post('/api/hosts', { data: { id: host, uri: 'qemu:///system' } })).status()).toBe(201);
    const files = await ensureDemoGuest({ cacheDir: path.join(repoRoot, '.cache', 'guest'), log: () => undefined });
    expect((await api.post('/api/domains', { data: demoGuestXml(name, files), headers: { 'Content-Type': 'application/xml' } })).status()).toBe(201);
    await openApp(page, server, `#/guest/${name}/console`);
    // The button is there once the other host is connected.
    await expect(page.getByTestId(`vm-${name}-move`)).toBeVisible({ timeout: 30_000 });
    await page.getByTestId(`vm-${name}-move`).click();
    await page.getByTestId('move-target').selectOption(host);
    await page.getByTestId('confirm-move').getByTestId('confirm').click();
    await expect(page).toHaveURL(new RegExp(`#/hosts/${host}/guest/${name}(/console)?$`), { timeout: MOVE_TIMEOUT_MS });
    await expect(page.getByTestId('guest-host')).toContainText(host);
    expect(await libvirt.virsh('dumpxml', name, '--inactive')).toContain(`<name>${name}</name>`);
    expect((await api.get(`/api/domains/${name}`)).status()).toBe(404);
  });

  test('a page open on a guest moved elsewhere follows it to the other host and says so, where a deleted one would close', async ({ page, server, api }) => {
    expect((await api.post('/api/hosts', { data: { id: host, uri: 'qemu:///system' } })).status()).toBe(201);
    const files = await ensureDemoGuest({ cacheDir: path.join(repoRoot, '.cache', 'guest'), log: () => undefined });
    expect((await api.post('/api/domains', { data: demoGuestXml(name, files), headers: { 'Content-Type': 'application/xml' } })).status()).toBe(201);
    await openApp(page, server, `#/guest/${name}/events`);
    await expect(page.getByTestId(`vm-${name}-move`)).toBeVisible({ timeout: 30_000 });

    // Another browser (here the API) moves it.
    const moved = await api.post(`/api/domains/${name}/move`, { data: { to: host } });
    expect(moved.ok(), await moved.text()).toBe(true);

    // The page learns of the move once the libvirt host has reported the guest (see MOVE_TIMEOUT_MS).
    await expect(page.getByTestId('notice')).toContainText(`${name} was moved to ${host} elsewhere`, { timeout: MOVE_TIMEOUT_MS });
    await expect(page.getByTestId('notice')).not.toContainText('deleted');
    await expect(page).toHaveURL(new RegExp(`#/hosts/${host}/guest/${name}/events$`), { timeout: MOVE_TIMEOUT_MS });
    await expect(page.getByTestId('guest-host')).toContainText(host);
  });
});

test.describe('the screen of a guest of a libvirt host', () => {
  let libvirt: LibvirtHost;
  const host = uniqueName('lvscreen');
  const name = uniqueName('e2e-libvirt-screen');

  test.beforeAll(async () => {
    libvirt = await startLibvirtHost();
  });
  test.afterEach(async ({ api }) => {
    await libvirt?.virsh('destroy', name).catch(() => undefined);
    await libvirt?.virsh('undefine', name).catch(() => undefined);
    await api.delete(`/api/hosts/${host}`);
  });
  test.afterAll(async () => {
    await libvirt?.close();
  });

  test("shows the VNC display libvirt gave the guest on its Screen tab, through qemu:///system", async ({ page, server, api }) => {
    test.setTimeout(120_000);
    expect((await api.post('/api/hosts', { data: { id: host, uri: 'qemu:///system' } })).status()).toBe(201);
    await defineOutside(libvirt, isoGuestXml(name, await installerIso()));
    await libvirt.virsh('start', name);
    await openApp(page, server, `#/hosts/${host}/guest/${name}/screen`);
    await expect(page.getByTestId('screen-status')).toHaveText('connected', { timeout: 30_000 });
    // The ISO's banner is on the noVNC canvas: not blank, and as bright on average as libvirt's screenshot of it.
    await expect
      .poll(
        async () => {
          const { canvas, screenshot } = await screenPixels(page, name, host);
          return canvas !== null && canvas.levels > 1 && screenshot.levels > 1 && Math.abs(canvas.mean - screenshot.mean) < 2 && canvas.width === screenshot.width;
        },
        { timeout: 60_000 },
      )
      .toBe(true);
  });
});

/** `virsh define` of a text, as a person would from a file. */
async function defineOutside(libvirt: LibvirtHost, xml: string): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-e2e-define-'));
  try {
    await writeFile(path.join(dir, 'guest.xml'), xml);
    await libvirt.virsh('define', path.join(dir, 'guest.xml'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
