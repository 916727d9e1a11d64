import { expect, openApp, test } from './fixtures.js';

test('starts the demo guest from the dashboard and forces it off', async ({ page, server, api }) => {
  await openApp(page, server);
  const badge = page.getByTestId('vm-demo-state');
  await expect(badge).toHaveText('shutoff');

  await page.getByTestId('vm-demo-start').click();
  await expect(badge).toHaveText('running');
  await expect(page.getByTestId('vm-demo-cpu')).toContainText('%');

  await page.getByTestId('vm-demo-link').click();
  await page.getByTestId('tab-xml').click();
  await expect(page.getByTestId('xml-editor').locator('.monaco-editor')).toBeVisible();
  await expect(page.getByTestId('xml-editor')).toContainText("<domain type='qemu'>");
  await expect(page.getByTestId('applies-next-start')).toBeVisible();

  await page.getByTestId('vm-demo-destroy').click();
  await expect(badge).toHaveText('shutoff');

  const autostart = page.getByTestId('vm-demo-autostart');
  await autostart.check();
  await expect(autostart).toBeChecked();
  await expect.poll(async () => ((await (await api.get('/api/domains/demo')).json()) as { autostart: boolean }).autostart).toBe(true);
  await autostart.uncheck();
  await expect.poll(async () => ((await (await api.get('/api/domains/demo')).json()) as { autostart: boolean }).autostart).toBe(false);
  await expect(page.getByTestId('applies-next-start')).toHaveCount(0);
});
