import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Locator } from '@playwright/test';
import { defineFromTemplate, expect, openApp, test, uniqueName } from './fixtures.js';

/** How many lines an element's text takes: 1 when it did not wrap (texts of two sizes on one line share it). */
const textLines = (locator: Locator) =>
  locator.evaluate((element) => {
    const centres: number[] = [];
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      // A closed <details>' content is not shown, though Chromium still lays it out.
      if (!node.parentElement?.checkVisibility()) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const rect of range.getClientRects()) if (rect.width > 0) centres.push(rect.top + rect.height / 2);
    }
    centres.sort((x, y) => x - y);
    // A new line starts where a text's centre lies more than half a line below the last line's.
    let lines = 0;
    let last = -Infinity;
    for (const centre of centres) {
      if (centre - last <= 8) continue;
      lines++;
      last = centre;
    }
    return lines;
  });

// A failed start filled the dashboard's State column with QEMU's raw error, squeezing the rest
// of the row: memory wrapped to "512 / MiB" and the buttons to three rows; the guest page said
// it three times.
let name = '';
test.afterEach(async ({ api }) => {
  if (name) await api.delete(`/api/domains/${name}`);
});

for (const width of [1024, 1280]) {
  test(`a failed start is one line with details, and the row keeps its layout, at ${width} px`, async ({ page, server, api }) => {
    name = uniqueName('e2e-fails');
    const xml = await defineFromTemplate(api, 'minimal-tcg', name);
    // A file that is no kernel: QEMU refuses it once it has started.
    const broken = xml.replace(/<kernel>[^<]*<\/kernel>/, '<kernel>/etc/hostname</kernel>');
    expect(broken).not.toBe(xml);
    const put = await api.put(`/api/domains/${name}/xml`, { data: broken, headers: { 'Content-Type': 'application/xml' } });
    expect(put.ok(), await put.text()).toBe(true);
    await page.setViewportSize({ width, height: 800 });

    await openApp(page, server, `#/guest/${name}/console`);
    await page.getByTestId(`vm-${name}-start`).click();
    const line = page.getByTestId(`vm-${name}-last-error`);
    await expect(line).toContainText(`QEMU failed to start '${name}'`);
    await expect(page.getByText(`QEMU failed to start '${name}'`).filter({ visible: true })).toHaveCount(1);
    const qemuLog = await readFile(path.join(server.stateDir, 'run', name, 'qemu.log'), 'utf8');
    const lastWords = qemuLog.trim().split('\n').at(-1) ?? '';
    expect(lastWords).toMatch(/qemu/);

    await page.getByRole('link', { name: 'All guests' }).click();
    const row = page.getByTestId(`vm-${name}`);
    await expect(row).toBeVisible();
    await expect(page.getByTestId(`vm-${name}-state`)).toHaveText('shutoff');
    const rowLine = page.getByTestId(`vm-${name}-last-error`);
    await expect(rowLine).toBeVisible();
    // Said once on the dashboard too, in one line of its own under the row, not in the State column.
    await expect(page.getByText(`QEMU failed to start '${name}'`).filter({ visible: true })).toHaveCount(1);
    // One line, however long QEMU's message (it wrapped to six lines in the State column at 1024 px).
    expect(await textLines(rowLine)).toBe(1);
    await expect(rowLine.getByText('details')).toBeVisible();
    await expect(rowLine.getByTestId('error-detail')).toBeHidden();

    const memory = page.getByTestId(`vm-${name}-memory`);
    await expect(memory).toHaveText(/^\d+ MiB$/);
    expect(await textLines(memory)).toBe(1);
    // The guest's buttons on one line.
    const actions = row.locator('td').filter({ has: page.getByTestId(`vm-${name}-start`) });
    const buttons = await actions.getByRole('button').evaluateAll((elements) => elements.map((el) => ({ text: el.textContent, top: Math.round(el.getBoundingClientRect().top) })));
    expect(buttons.length).toBeGreaterThan(1);
    expect(new Set(buttons.map((b) => b.top)).size, JSON.stringify(buttons)).toBe(1);
    // Nothing in the table runs past the page.
    const table = await row.evaluate((el) => {
      const box = el.closest('table')!.getBoundingClientRect();
      return { right: box.right, viewport: document.documentElement.clientWidth };
    });
    expect(table.right).toBeLessThanOrEqual(table.viewport);

    await rowLine.getByText('details').click();
    await expect(rowLine.getByTestId('error-detail')).toContainText(lastWords);
  });
}
