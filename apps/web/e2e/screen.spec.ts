import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { APIRequestContext } from '@playwright/test';
import { expect, openApp, test, uniqueName, type VirtdeckServer } from './fixtures.js';
import { installerIso, isoGuestXml, screenPixels } from './isoGuest.js';

const BANNER_GUEST_READY = 'VIRTDECK-GUEST-READY';

async function defineAndStart(api: APIRequestContext, xml: string, name: string): Promise<void> {
  const defined = await api.post('/api/domains', { data: xml, headers: { 'Content-Type': 'application/xml' } });
  expect(defined.status(), await defined.text()).toBe(201);
  const started = await api.post(`/api/domains/${name}/start`);
  expect(started.ok(), await started.text()).toBe(true);
}

const serialLog = (server: VirtdeckServer, name: string) => readFile(path.join(server.stateDir, 'run', name, 'serial.log'), 'utf8').catch(() => '');

test('the Screen tab shows the booted ISO, types into its shell, sends Ctrl+Alt+Del, serves two viewers and lets the focus go', async ({ page, server, api }) => {
  test.setTimeout(180_000);
  const name = uniqueName('e2e-screen');
  await defineAndStart(api, isoGuestXml(name, await installerIso()), name);
  await expect.poll(() => serialLog(server, name), { timeout: 90_000 }).toContain(BANNER_GUEST_READY);

  await openApp(page, server, `#/guest/${name}/screen`);
  await expect(page.getByTestId('screen-status')).toHaveText('connected');
  await expect(page.getByTestId('screen-leave-hint')).toContainText('Ctrl+Alt+Shift');
  // The banner is on the canvas: not blank, and as bright on average as the server's screendump of it.
  await expect
    .poll(async () => {
      const { canvas, screenshot } = await screenPixels(page, name);
      return canvas !== null && canvas.levels > 1 && screenshot.levels > 1 && Math.abs(canvas.mean - screenshot.mean) < 2 && canvas.width === screenshot.width;
    })
    .toBe(true);

  // A second viewer (another tab) sees the same screen while the first stays connected.
  const second = await page.context().newPage();
  await openApp(second, server, `#/guest/${name}/screen`);
  await expect(second.getByTestId('screen-status')).toHaveText('connected');
  await expect.poll(async () => (await screenPixels(second, name)).canvas?.levels ?? 0).toBeGreaterThan(1);
  await second.close();
  await expect(page.getByTestId('screen-status')).toHaveText('connected');

  // "Type this text" reaches the screen's shell, which writes to the serial port.
  await page.getByTestId('screen-type-open').click();
  await page.getByTestId('screen-type-text').fill('echo "typed-$((6*7))-ok" > /dev/ttyS0\n');
  await page.getByTestId('screen-type-submit').click();
  await expect(page.getByTestId('screen-type-outcome')).toContainText('Typed');
  await expect.poll(() => serialLog(server, name), { timeout: 30_000 }).toContain('typed-42-ok');

  // The keyboard: Tab belongs to the guest inside the canvas; the announced chord leaves it.
  const canvas = page.getByTestId('screen').locator('canvas');
  await canvas.click();
  await expect(canvas).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(canvas).toBeFocused();
  await page.keyboard.down('Control');
  await page.keyboard.down('Alt');
  await page.keyboard.down('Shift');
  await page.keyboard.up('Shift');
  await page.keyboard.up('Alt');
  await page.keyboard.up('Control');
  await expect(canvas).not.toBeFocused();
  await expect(page.getByTestId('screen-scale')).toBeFocused();

  // Ctrl+Alt+Del from the menu: the guest's kernel reboots at once; the viewer stays with it.
  const marks = (await serialLog(server, name)).split(BANNER_GUEST_READY).length;
  await page.getByTestId('screen-keys').locator('summary').click();
  await page.getByTestId('screen-key-ctrl-alt-del').click();
  await expect
    .poll(async () => ((await (await api.get(`/api/domains/${name}/events`)).json()) as { event: string }[]).map((e) => e.event), { timeout: 60_000 })
    .toContain('reset');
  await expect.poll(async () => (await serialLog(server, name)).split(BANNER_GUEST_READY).length, { timeout: 90_000 }).toBeGreaterThan(marks);
  await expect(page.getByTestId('screen-status')).toHaveText('connected');
  await expect.poll(async () => (await screenPixels(page, name)).canvas?.levels ?? 0).toBeGreaterThan(1);

  // The dashboard shows a small live screenshot of it, refreshed while it is in view.
  await page.goto(`${server.origin}/#/`);
  const thumbnail = page.getByTestId(`vm-${name}-thumbnail`).locator('img');
  await expect(thumbnail).toBeVisible();
  await expect.poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(160);
  const first = await thumbnail.getAttribute('src');
  await expect.poll(() => thumbnail.getAttribute('src')).not.toBe(first);
});

test('a display with a password asks for it on each connection and connects with the right one', async ({ page, server, api }) => {
  test.setTimeout(120_000);
  const name = uniqueName('e2e-locked');
  await defineAndStart(api, isoGuestXml(name, await installerIso(), 's3cret'), name);
  await openApp(page, server, `#/guest/${name}/screen`);
  await expect(page.getByTestId('screen-status')).toHaveText('the display asks for its password');
  await page.getByTestId('screen-password').fill('guessed');
  await page.getByTestId('screen-password-submit').click();
  await expect(page.getByTestId('screen-status')).toHaveText('the password was refused: enter it again');
  await expect(page.getByTestId('screen-password')).toHaveValue('');
  await page.getByTestId('screen-password').fill('s3cret');
  await page.getByTestId('screen-password-submit').click();
  await expect(page.getByTestId('screen-status')).toHaveText('connected');
  await expect(page.getByTestId('screen-password-form')).toHaveCount(0);
});

test('a guest without a display says where its console is', async ({ page, server }) => {
  await openApp(page, server, '#/guest/demo/screen');
  await expect(page.getByTestId('screen-none')).toContainText('This guest has no display; its serial console is on the Console tab');
});
