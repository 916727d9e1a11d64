import type { Locator, Page } from '@playwright/test';
import { defineFromTemplate, expect, openApp, test, uniqueName } from './fixtures.js';

/** Every box the locator matches: its width and how far it reaches past its container. */
async function boxes(locator: Locator, containerSelector: string): Promise<{ label: string; width: number; overflow: number }[]> {
  return locator.evaluateAll(
    (elements, selector) =>
      elements.map((el) => {
        const box = el.getBoundingClientRect();
        const container = el.closest(selector)?.getBoundingClientRect();
        const label = el.getAttribute('data-testid') ?? el.getAttribute('value') ?? el.outerHTML.slice(0, 60);
        return { label, width: Math.round(box.width), overflow: container ? Math.round(box.right - container.right) : 0 };
      }),
    containerSelector,
  );
}

const visible = (page: Page, selector: string) => page.locator(`${selector}:visible`);

// "New guest" radios came in three widths (a radio in a flex row shrank with the length of its
// label) and the editor's settings panel let its selects run past its edge at 1024 px.
for (const width of [1024, 1280]) {
  test(`new-guest choices have radios of one size at ${width} px`, async ({ page, server }) => {
    await page.setViewportSize({ width, height: 800 });
    await openApp(page, server, '#/new');
    await expect(page.getByTestId('template-form').locator('input[type=radio]').first()).toBeVisible();
    const radios = await boxes(visible(page, 'input[type=radio]'), 'form');
    expect(radios.length).toBeGreaterThan(1);
    expect(new Set(radios.map((r) => r.width)), JSON.stringify(radios)).toEqual(new Set([radios[0]!.width]));
    expect(radios[0]!.width).toBeGreaterThanOrEqual(12);
  });

  test(`the editor's settings panel holds its fields at ${width} px`, async ({ page, server, api }) => {
    const name = uniqueName('layout');
    await defineFromTemplate(api, 'q35-virtio-disk', name);
    await page.setViewportSize({ width, height: 800 });
    await openApp(page, server, `#/guest/${encodeURIComponent(name)}`);
    await page.getByRole('tab', { name: 'Definition' }).click();
    const side = page.locator('.workbench-side');
    await expect(side.getByTestId('form-machine')).toBeVisible();
    const fields = await boxes(visible(page, '.workbench-side select, .workbench-side input:not([type=checkbox]):not([type=radio])'), '.workbench-side');
    expect(fields.length).toBeGreaterThan(5);
    const past = fields.filter((f) => f.overflow > 0);
    expect(past, 'fields reaching past the settings panel').toEqual([]);
    const panel = await side.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    expect(panel.scroll, 'the settings panel scrolls sideways').toBeLessThanOrEqual(panel.client);
    await api.delete(`/api/domains/${encodeURIComponent(name)}`);
  });
}
