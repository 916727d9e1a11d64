import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDemoGuest } from '../../../scripts/lib/demo-guest.mjs';
import { demoGuestXml } from '../../server/src/demoGuest.js';
import { startPrivateLibvirtd, type PrivateLibvirtd } from '../../server/src/testing/privateLibvirtd.js';
import { expect, openApp, test, uniqueName } from './fixtures.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * The Move… dialog's live migration, between two libvirtd daemons that libvirt takes for two
 * hosts (privateLibvirtd.ts): offered, and only enabled, for a running guest of a libvirt host
 * going to another; the page follows the guest, whose shell kept what was typed before.
 */
test.describe('live migration from the Move… dialog', () => {
  let first: PrivateLibvirtd;
  let second: PrivateLibvirtd;
  const from = uniqueName('lvfrom');
  const to = uniqueName('lvto');
  const name = uniqueName('e2e-live');

  test.beforeAll(async () => {
    // Numbered apart from the integration test's two, so both may run at once.
    first = await startPrivateLibvirtd(4);
    second = await startPrivateLibvirtd(5);
  });
  test.afterEach(async ({ api }) => {
    await api.delete(`/api/hosts/${from}`);
    await api.delete(`/api/hosts/${to}`);
  });
  test.afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  test('migrates a running guest live to the other libvirt host, and its page and console follow it', async ({ page, server, api }) => {
    test.setTimeout(180_000);
    for (const [id, uri] of [
      [from, first.uri],
      [to, second.uri],
    ]) {
      expect((await api.post('/api/hosts', { data: { id, uri } })).status()).toBe(201);
    }
    const files = await ensureDemoGuest({ cacheDir: path.join(repoRoot, '.cache', 'guest'), log: () => undefined });
    const defined = await api.post(`/api/hosts/${from}/domains`, { data: demoGuestXml(name, files), headers: { 'Content-Type': 'application/xml' } });
    expect(defined.status()).toBe(201);
    const id = `${from}/${name}`;
    await openApp(page, server, `#/hosts/${from}/guest/${name}/console`);

    // Shut off, the guest is moved by copy: the live option is there but off.
    await expect(page.getByTestId(`vm-${id}-move`)).toBeVisible({ timeout: 30_000 });
    await page.getByTestId(`vm-${id}-move`).click();
    await expect(page.getByTestId('move-live')).toBeDisabled();
    await expect(page.getByTestId('move-explanation')).toContainText('the files of its disks are copied');
    await page.getByTestId('confirm-move').getByRole('button', { name: 'Cancel' }).click();

    await page.getByTestId(`vm-${id}-start`).click();
    await expect(page.getByTestId(`vm-${name}-state`)).toHaveText('running');
    const console = page.getByTestId('console');
    await expect(console).toContainText(files.readyMarker, { timeout: 90_000 });
    const marker = `kept-${Date.now().toString(36)}`;
    await page.getByTestId('console').locator('textarea').focus();
    await page.keyboard.type(`MARK=${marker}; echo "set-$MARK"\n`);
    await expect(console).toContainText(`set-${marker}`);

    // Running: the dialog offers live migration only, to the other libvirt host.
    await page.getByTestId(`vm-${id}-move`).click();
    const dialog = page.getByTestId('confirm-move');
    await page.getByTestId('move-target').selectOption(to);
    await expect(page.getByTestId('move-live')).toBeEnabled();
    await expect(page.getByTestId('move-live')).toBeChecked();
    await expect(page.getByTestId('move-explanation')).toContainText(`keeps running while libvirt on ${from} copies its memory to ${to}`);
    await page.getByTestId('move-live').uncheck();
    await expect(dialog.getByTestId('confirm')).toBeDisabled();
    await expect(page.getByTestId('move-explanation')).toContainText('A running guest moves only live');
    await page.getByTestId('move-live').check();
    await dialog.getByTestId('confirm').click();

    // The page follows it to its new host, running, with the same shell on its console.
    await expect(page).toHaveURL(new RegExp(`#/hosts/${to}/guest/${name}(/console)?$`), { timeout: 60_000 });
    await expect(page.getByTestId('guest-host')).toContainText(to);
    await expect(page.getByTestId(`vm-${name}-state`)).toHaveText('running');
    expect((await second.virsh('domstate', name)).trim()).toBe('running');
    await expect(first.virsh('domstate', name)).rejects.toThrow(/failed to get domain|Domain not found/);
    await expect(page.getByTestId('console-status')).toHaveText('connected', { timeout: 30_000 });
    await page.getByTestId('console').locator('textarea').focus();
    await page.keyboard.type('echo "still-$MARK"\n');
    await expect(console).toContainText(`still-${marker}`, { timeout: 30_000 });
  });
});
