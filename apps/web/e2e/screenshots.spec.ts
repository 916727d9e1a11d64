import { expect, openApp, test } from './fixtures.js';
import { editorOf, viewLine, waitForColours } from './monaco.js';
import { screenshotPath } from './screenshots.js';

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
  expect((await api.post('/api/domains/demo/start')).ok()).toBe(true);
  await openApp(page, server);
  await expect(page.getByTestId('vm-demo-state')).toHaveText('running');

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
