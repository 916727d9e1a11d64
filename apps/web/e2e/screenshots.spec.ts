import { expect, openApp, test } from './fixtures.js';
import { editorOf, viewLine, waitForColours } from './monaco.js';
import { screenshotPath } from './screenshots.js';

test('screenshots of the dashboard and the editor for the README', async ({ page, server, api }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  expect((await api.post('/api/domains/demo/start')).ok()).toBe(true);
  await openApp(page, server);
  await expect(page.getByTestId('vm-demo-state')).toHaveText('running');
  // A few seconds of stats, so the CPU sparkline has a shape.
  await expect(page.getByTestId('vm-demo-cpu').locator('polyline')).toBeVisible();
  await page.waitForFunction(() => (document.querySelector('[data-testid="vm-demo-cpu"] polyline')?.getAttribute('points')?.split(' ').length ?? 0) >= 5);
  await page.screenshot({ path: screenshotPath('dashboard') });

  await page.getByTestId('vm-demo-link').click();
  await page.getByTestId('tab-xml').click();
  await expect(viewLine(page, '<vcpu')).toBeVisible();
  await expect(page.getByTestId('command-preview-line')).toContainText('-accel tcg');
  // Show a live problem: a value the schema refuses, with its message.
  await viewLine(page, '<vcpu').getByText('1', { exact: true }).dblclick();
  await page.keyboard.type('many');
  await expect(page.getByTestId('problem-counts')).toContainText('1 error');
  await viewLine(page, '<vcpu').getByText('many', { exact: true }).hover();
  await expect(page.locator('.monaco-hover').first()).toBeVisible();
  await page.screenshot({ path: screenshotPath('editor') });
});

test('screenshot of the dark theme for the README', async ({ page, server, api }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.emulateMedia({ colorScheme: 'dark' });
  expect((await api.post('/api/domains/demo/start')).ok()).toBe(true);
  await openApp(page, server, '#/guest/demo/xml');
  await expect(page.getByTestId('vm-demo-state')).toHaveText('running');
  await expect(viewLine(page, '<vcpu')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('command-preview-line')).toContainText('-accel tcg');
  await expect(page.getByTestId('xml-editor').locator('.monaco-editor')).toHaveClass(/\bvs-dark\b/);
  await waitForColours(editorOf(page));
  await page.screenshot({ path: screenshotPath('dark') });
});
