import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { defineFromTemplate, expect, openApp, test, uniqueName } from './fixtures.js';

test('a failed start is shown once, as one line whose details hold QEMU output, on the guest page and the dashboard', async ({ page, server, api }) => {
  const name = uniqueName('e2e-fails');
  const xml = await defineFromTemplate(api, 'minimal-tcg', name);
  // A file that is no kernel: QEMU refuses it after it has started.
  const broken = xml.replace(/<kernel>[^<]*<\/kernel>/, '<kernel>/etc/hostname</kernel>');
  expect(broken).not.toBe(xml);
  const put = await api.put(`/api/domains/${name}/xml`, { data: broken, headers: { 'Content-Type': 'application/xml' } });
  expect(put.ok(), await put.text()).toBe(true);

  await openApp(page, server, `#/guest/${name}/console`);
  await page.getByTestId(`vm-${name}-start`).click();
  const shown = page.getByText(/QEMU failed to start/).filter({ visible: true });
  await expect(shown).toHaveCount(1);
  const line = page.getByTestId(`vm-${name}-last-error`);
  await expect(line).toContainText(`QEMU failed to start '${name}'`);
  await expect(page.getByTestId(`vm-${name}-state`)).toHaveText('shutoff');
  // What QEMU said last, as its log on disk has it.
  const qemuLog = await readFile(path.join(server.stateDir, 'run', name, 'qemu.log'), 'utf8');
  const lastWords = qemuLog.trim().split('\n').at(-1) ?? '';
  expect(lastWords).toMatch(/qemu/);
  await expect(line.getByTestId('error-detail')).toBeHidden();
  await line.getByText('details').click();
  await expect(line.getByTestId('error-detail')).toContainText(lastWords);

  await page.getByRole('link', { name: 'All guests' }).click();
  const row = page.getByTestId(`vm-${name}`);
  await expect(row).toBeVisible();
  await expect(shown).toHaveCount(1);
  // The error does not squeeze the columns: memory and the buttons stay on one line.
  const memory = page.getByTestId(`vm-${name}-memory`);
  await expect(memory).toHaveText(/^\d+ MiB$/);
  // One line box for the whole text: "512 MiB" did not wrap.
  const lineBoxes = await memory.evaluate((cell) => {
    const range = document.createRange();
    range.selectNodeContents(cell);
    return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
  });
  expect(lineBoxes).toBe(1);
  const start = await page.getByTestId(`vm-${name}-start`).boundingBox();
  const remove = await page.getByTestId(`vm-${name}-delete`).boundingBox();
  expect(start && remove && Math.abs(start.y - remove.y) < 2).toBe(true);
  await page.getByTestId(`vm-${name}-last-error`).getByText('details').click();
  await expect(page.getByTestId(`vm-${name}-last-error`).getByTestId('error-detail')).toContainText(lastWords);
});
