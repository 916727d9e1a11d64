import { defineFromTemplate, expect, openApp, test, uniqueName } from './fixtures.js';

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

  await expect(page.getByTestId('guest-meta')).toContainText('1 vCPU ·');

  await page.getByTestId('tab-graphs').click();
  await expect(page.getByTestId('chart-cpu')).toContainText('%');
  // A time axis: the clock times of the chart's left edge, middle and newest sample.
  await expect(page.getByTestId('chart-cpu-time-axis').locator('time')).toHaveCount(3);
  await expect(page.getByTestId('chart-cpu-time-axis').locator('time').last()).toHaveText(/^\d\d:\d\d:\d\d$/);
  await expect(page.getByTestId('chart-memory')).toContainText(/MiB/);
  await page.getByTestId('tab-console').click();
  await expect(console).toContainText(/hello-\d+/);

  await page.getByTestId(`vm-${name}-shutdown`).click();
  await expect(badge).toHaveText('shutoff', { timeout: 60_000 });
  await expect(page.getByTestId('console-status')).toContainText('not running');

  await page.getByTestId('tab-events').click();
  await expect(page.getByTestId('event-log')).toContainText('started');
  // Each event with its date, today's too.
  await expect(page.getByTestId('event-row').first().locator('time')).toHaveText(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);

  await page.getByTestId(`vm-${name}-delete`).click();
  await page.getByTestId('confirm-delete').getByTestId('confirm').click();
  await expect(page.getByTestId('notice')).toContainText(`Deleted ${name}`);
  await expect(page.getByTestId('dashboard')).toBeVisible();
  await expect(page.getByTestId(`vm-${name}`)).toHaveCount(0);
});

test('one Reboot logs one event row, and another tab never sees the guest paused on the way', async ({ page, context, server, api }) => {
  const name = uniqueName('e2e-reboot');
  await defineFromTemplate(api, 'minimal-tcg', name);
  expect((await api.post(`/api/domains/${name}/start`)).ok()).toBe(true);
  await openApp(page, server, `#/guest/${name}/console`);
  const console = page.getByTestId('console');
  await expect(console).toContainText('VIRTDECK-GUEST-READY', { timeout: 60_000 });

  // Another tab on the dashboard writes down every state the guest's row shows.
  const other = await context.newPage();
  await other.goto(`${server.origin}/#/`);
  await expect(other.getByTestId(`vm-${name}-state`)).toHaveText('running');
  await other.evaluate((name) => {
    const seen: string[] = [];
    (window as unknown as { __seen: string[] }).__seen = seen;
    const row = document.querySelector(`[data-testid="vm-${name}"]`)!;
    new MutationObserver(() => seen.push(row.querySelector(`[data-testid="vm-${name}-state"]`)?.textContent ?? '')).observe(row, { subtree: true, childList: true, characterData: true });
  }, name);

  type Row = { event: string; detail?: string };
  const events = async () => (await (await api.get(`/api/domains/${name}/events`)).json()) as Row[];
  const before = (await events()).length;
  await page.getByTestId(`vm-${name}-reboot`).click();
  // It booted again: a second ready marker on the live console.
  await expect.poll(async () => ((await console.textContent()) ?? '').split('VIRTDECK-GUEST-READY').length - 1, { timeout: 90_000 }).toBeGreaterThanOrEqual(2);
  await expect(page.getByTestId(`vm-${name}-state`)).toHaveText('running');
  const added = (await events()).slice(before);
  expect(added.map((e) => e.event), JSON.stringify(added)).toEqual(['reboot-requested']);
  expect(await other.evaluate(() => (window as unknown as { __seen: string[] }).__seen)).not.toContain('paused');

  await page.getByTestId('tab-events').click();
  await expect(page.getByTestId('event-row').filter({ hasText: 'reboot' })).toHaveCount(1);
  await other.close();
  expect((await api.post(`/api/domains/${name}/destroy`)).ok()).toBe(true);
  expect((await api.delete(`/api/domains/${name}`)).status()).toBe(204);
});
