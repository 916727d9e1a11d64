import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { watchdogKernel } from '../../server/src/testing/haltingKernel.js';
import { defineFromTemplate, expect, openApp, test, uniqueName } from './fixtures.js';

// A guest QEMU paused by itself showed 'paused' and reason 'user', as if someone had pressed Pause.
const WATCHDOG_PAUSED = "The guest's watchdog expired and QEMU paused it: the guest stopped feeding it. Resume lets it run on, Reset restarts it.";

let name = '';
test.afterEach(async ({ api }) => {
  if (!name) return;
  await api.post(`/api/domains/${name}/destroy`).catch(() => undefined);
  await api.delete(`/api/domains/${name}`);
});

test('a guest its watchdog paused says so on the dashboard and its page, until Resume', async ({ page, server, api }) => {
  name = uniqueName('e2e-watchdog');
  // A kernel that arms the ib700 watchdog for 2 s and halts without feeding it.
  const kernel = path.join(server.stateDir, `${name}.bin`);
  await writeFile(kernel, watchdogKernel());
  const xml = (await defineFromTemplate(api, 'minimal-tcg', name))
    .replace(/<kernel>[^<]*<\/kernel>/, `<kernel>${kernel}</kernel>`)
    .replace(/\s*<initrd>[^<]*<\/initrd>/, '')
    .replace('</devices>', "  <watchdog model='ib700' action='pause'/>\n  </devices>");
  const put = await api.put(`/api/domains/${name}/xml`, { data: xml, headers: { 'Content-Type': 'application/xml' } });
  expect(put.ok(), await put.text()).toBe(true);

  await openApp(page, server);
  await page.getByTestId(`vm-${name}-start`).click();
  await expect(page.getByTestId(`vm-${name}-state`)).toHaveText('paused', { timeout: 60_000 });
  await expect(page.getByTestId(`vm-${name}-state`)).toHaveAttribute('title', "paused: the guest's watchdog expired");
  const rowLine = page.getByTestId(`vm-${name}-last-error`);
  await expect(rowLine).toContainText(WATCHDOG_PAUSED);
  await expect(page.getByText(WATCHDOG_PAUSED).filter({ visible: true })).toHaveCount(1);

  await page.getByTestId(`vm-${name}-link`).click();
  await expect(page.getByTestId('guest-meta')).toContainText("the guest's watchdog expired ·");
  await expect(page.getByTestId(`vm-${name}-last-error`)).toContainText(WATCHDOG_PAUSED);
  await expect(page.getByText(WATCHDOG_PAUSED).filter({ visible: true })).toHaveCount(1);
  await page.goto(`${server.origin}/#/guest/${name}/events`);
  await expect(page.getByText("the guest's watchdog expired and paused it")).toBeVisible();

  await page.getByTestId(`vm-${name}-resume`).click();
  await expect(page.getByTestId(`vm-${name}-state`)).toHaveText('running');
  await expect(page.getByTestId('guest-meta')).toContainText('on request ·');
  await expect(page.getByTestId(`vm-${name}-last-error`)).toHaveCount(0);
});
