import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDemoGuest } from '../../../scripts/lib/demo-guest.mjs';
import { demoGuestXml } from '../../server/src/demoGuest.js';
import { adminConsole, type AdminConsole } from '../../server/src/testing/adminConsole.js';
import { startPrivateLibvirtd, type PrivateLibvirtd } from '../../server/src/testing/privateLibvirtd.js';
import { expect, openApp, test, uniqueName } from './fixtures.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * A libvirt guest's console while an admin's `virsh console` holds it: the page says so in
 * words, what virtdeck saw stays on screen, and Take over gives the console back to virtdeck
 * (ending the admin's session) only when clicked. On a libvirtd of the test's own
 * (privateLibvirtd.ts), numbered apart from the others'.
 */
test.describe('a libvirt guest console held by another client', () => {
  let libvirtd: PrivateLibvirtd;
  let admin: AdminConsole | undefined;
  const host = uniqueName('lvshare');
  const name = uniqueName('e2e-share');

  test.beforeAll(async () => {
    libvirtd = await startPrivateLibvirtd(9);
  });
  test.afterEach(async ({ api }) => {
    await admin?.leave();
    await api.delete(`/api/hosts/${host}`);
  });
  test.afterAll(async () => {
    await libvirtd?.close();
  });

  test('says another client holds the console and takes it over on request', async ({ page, server, api }) => {
    test.setTimeout(240_000);
    expect((await api.post('/api/hosts', { data: { id: host, uri: libvirtd.uri } })).status()).toBe(201);
    const files = await ensureDemoGuest({ cacheDir: path.join(repoRoot, '.cache', 'guest'), log: () => undefined });
    expect((await api.post(`/api/hosts/${host}/domains`, { data: demoGuestXml(name, files), headers: { 'Content-Type': 'application/xml' } })).status()).toBe(201);
    await openApp(page, server, `#/hosts/${host}/guest/${name}/console`);
    await page.getByTestId(`vm-${host}/${name}-start`).click();
    const console = page.getByTestId('console');
    await expect(console).toContainText(files.readyMarker, { timeout: 120_000 });
    await expect(page.getByTestId('console-status')).toHaveText('connected');

    // An admin takes the console with virsh console --force: the page says so, and the boot virtdeck saw stays.
    admin = adminConsole(libvirtd.uri, name, { force: true });
    await admin.waitFor('Escape character is');
    const held = page.getByTestId('console-held');
    await expect(held).toBeVisible({ timeout: 60_000 });
    await expect(held).toContainText('Another client (virsh console, virt-manager, another virtdeck…) holds this guest\'s serial console');
    await expect(held).toContainText("what the guest prints meanwhile is not in virtdeck's log");
    await expect(page.getByTestId('console-status')).toHaveText('another client holds the serial console');
    await expect(console).toContainText(files.readyMarker);
    admin.type('echo admin-$((6*7))\r');
    await admin.waitFor('admin-42');
    expect(admin.running).toBe(true);

    // Take over: the admin's virsh is ended, the console is virtdeck's and typing reaches the shell.
    await page.getByTestId('console-take-over').click();
    await admin.ended;
    await expect(held).toBeHidden({ timeout: 60_000 });
    await expect(page.getByTestId('console-status')).toHaveText('connected', { timeout: 60_000 });
    await console.locator('textarea').focus();
    await expect(async () => {
      await page.keyboard.type('echo taken-$((6*7))\n');
      await expect(console).toContainText('taken-42', { timeout: 5000 });
    }).toPass({ timeout: 60_000 });
  });
});
