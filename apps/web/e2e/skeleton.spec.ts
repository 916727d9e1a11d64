import { expect, test } from './fixtures';
import { screenshotPath } from './screenshots';

test('starts the demo guest from the list and forces it off', async ({ page, server }) => {
  await page.goto(server.url);
  const badge = page.getByTestId('vm-demo-state');
  await expect(badge).toHaveText('shutoff');

  await page.getByTestId('vm-demo-start').click();
  await expect(badge).toHaveText('running');

  await page.getByRole('button', { name: 'demo' }).click();
  await expect(page.getByTestId('xml-view').locator('.monaco-editor')).toBeVisible();
  await expect(page.getByTestId('xml-view')).toContainText("<domain type='qemu'>");
  await page.screenshot({ path: screenshotPath('app') });

  await page.getByTestId('vm-demo-destroy').click();
  await expect(badge).toHaveText('shutoff');
});
