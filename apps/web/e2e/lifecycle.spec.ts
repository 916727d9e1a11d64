import { expect, openApp, test, uniqueName } from './fixtures.js';

test('a guest from the minimal template boots, answers on its console and powers off by ACPI', async ({ page, server }) => {
  const name = uniqueName('e2e-min');
  await openApp(page, server);
  await page.getByTestId('new-guest').click();
  await page.getByTestId('template-minimal-tcg').locator('input').check();
  await page.getByTestId('template-name').fill(name);
  await page.getByTestId('use-template').click();

  await expect(page.getByTestId('workbench')).toBeVisible();
  await expect(page.getByTestId('command-preview-line')).toContainText('qemu-system-x86_64');
  await page.getByTestId('save').click();

  // Defined: the app opens the new guest's console.
  await expect(page.getByTestId(`guest-page-${name}`)).toBeVisible();
  const badge = page.getByTestId(`vm-${name}-state`);
  await expect(badge).toHaveText('shutoff');
  await page.getByTestId(`vm-${name}-start`).click();
  await expect(badge).toHaveText('running');

  const console = page.getByTestId('console');
  await expect(console).toContainText('VIRTDECK-GUEST-READY', { timeout: 60_000 });
  await console.click();
  await page.keyboard.type('echo hello-$RANDOM\n');
  // The echo prints digits where the command line shows `$RANDOM`.
  await expect(console).toContainText(/hello-\d+/);

  // Copy takes the whole screen when nothing is selected; Paste types the clipboard into the guest.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
  await page.getByTestId('console-copy').click();
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toMatch(/hello-\d+/);
  await page.evaluate(() => navigator.clipboard.writeText('echo pasted-$((6*7))\n'));
  await page.getByTestId('console-paste').click();
  await expect(console).toContainText('pasted-42');

  await page.getByTestId('tab-graphs').click();
  await expect(page.getByTestId('chart-cpu')).toContainText('%');
  await expect(page.getByTestId('chart-memory')).toContainText(/MiB/);
  await page.getByTestId('tab-console').click();
  await expect(console).toContainText(/hello-\d+/);

  await page.getByTestId(`vm-${name}-shutdown`).click();
  await expect(badge).toHaveText('shutoff', { timeout: 60_000 });
  await expect(page.getByTestId('console-status')).toContainText('not running');

  await page.getByTestId('tab-events').click();
  await expect(page.getByTestId('event-log')).toContainText('started');

  await page.getByTestId(`vm-${name}-delete`).click();
  await page.getByTestId('confirm-delete').getByTestId('confirm').click();
  await expect(page.getByTestId('notice')).toContainText(`Deleted ${name}`);
  await expect(page.getByTestId('dashboard')).toBeVisible();
  await expect(page.getByTestId(`vm-${name}`)).toHaveCount(0);
});
