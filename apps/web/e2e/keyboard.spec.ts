import type { Page } from '@playwright/test';
import { defineFromTemplate, expect, openApp, test, uniqueName } from './fixtures.js';

interface Stop {
  /** The nearest test id at or around the focused element, else its accessible text. */
  id: string;
  /** Is the focus ring drawn (a solid outline of 2 px or more)? */
  ring: boolean;
}

/** Where the focus is, and whether a keyboard user can see it. */
const focused = (page: Page): Promise<Stop> =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { id: 'body', ring: false };
    const style = getComputedStyle(el);
    const id = el.closest('[data-testid]')?.getAttribute('data-testid') ?? el.getAttribute('aria-label') ?? el.textContent ?? '';
    return { id, ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 };
  });

/** Presses `key` until the focus is on `id`; returns every stop on the way, `id`'s last. */
async function pressUntil(page: Page, key: 'Tab' | 'Shift+Tab', id: string): Promise<Stop[]> {
  const stops: Stop[] = [];
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press(key);
    const stop = await focused(page);
    stops.push(stop);
    if (stop.id === id) return stops;
  }
  throw new Error(`${key} never reached ${id}: ${stops.map((s) => s.id).join(' > ')}`);
}

const ids = (stops: Stop[]) => stops.map((s) => s.id);

test('the dashboard is worked by keyboard alone: search, filters, sort headers, a row’s checkbox, tags and buttons, the bulk actions, with the focus in sight', async ({ page, server, api }) => {
  test.setTimeout(180_000);
  const prefix = uniqueName('e2e-keys');
  const [first, second] = ['a', 'b'].map((suffix) => `${prefix}-${suffix}`) as [string, string];
  for (const name of [first, second]) await defineFromTemplate(api, 'minimal-tcg', name);
  await openApp(page, server);
  await expect(page.getByTestId(`vm-${first}`)).toBeVisible();

  const toSearch = await pressUntil(page, 'Tab', 'guest-search');
  expect(ids(toSearch)).toEqual(expect.arrayContaining(['nav-guests', 'nav-storage', 'new-guest']));
  await page.keyboard.type(prefix);
  await expect(page.locator(`tbody tr[data-testid^="vm-${prefix}"]`)).toHaveCount(2);

  // The filters, then the table: nothing in between is out of reach or skipped.
  const toSort = await pressUntil(page, 'Tab', 'sort-by-vcpus');
  expect(ids(toSort)).toEqual(['state-filter', 'tag-filter', 'select-all', 'sort-by-name', 'sort-by-tags', 'sort-by-host', 'sort-by-state', 'sort-by-accelerator', 'sort-by-vcpus']);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('sort-vcpus')).toHaveAttribute('aria-sort', 'ascending');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('sort-vcpus')).toHaveAttribute('aria-sort', 'descending');

  // The first row: its checkbox, its link, its tags and its buttons.
  const toRow = await pressUntil(page, 'Tab', `vm-${first}-select`);
  expect(ids(toRow)).toEqual(['sort-by-memory', 'sort-by-cpu', `vm-${first}-select`]);
  await page.keyboard.press('Space');
  await expect(page.getByTestId(`vm-${first}-select`)).toBeChecked();
  await expect(page.getByTestId('bulk-count')).toHaveText('1 selected');
  const inRow = await pressUntil(page, 'Tab', `vm-${first}-start`);
  expect(ids(inRow)).toEqual([`vm-${first}-link`, `vm-${first}-add-tag`, `vm-${first}-start`]);

  await page.keyboard.press('Shift+Tab');
  await expect(page.getByTestId(`vm-${first}-add-tag`)).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId(`vm-${first}-tag-input`)).toBeFocused();
  await page.keyboard.type('keys');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId(`vm-${first}-tag-keys`)).toBeVisible();
  // The field is gone: the focus is back on "+ tag", ready for the next one, not lost to the page.
  await expect(page.getByTestId(`vm-${first}-add-tag`)).toBeFocused();
  await page.keyboard.press('Enter');
  await page.keyboard.type('gone');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId(`vm-${first}-tag-gone`)).toBeVisible();
  await expect(page.getByTestId(`vm-${first}-add-tag`)).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await expect(page.getByRole('button', { name: `Remove tag gone from ${first}` })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId(`vm-${first}-tag-gone`)).toHaveCount(0);
  await expect(page.getByTestId(`vm-${first}-add-tag`)).toBeFocused();
  // Escape leaves the field without a tag, and the focus where it was.
  await page.keyboard.press('Enter');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId(`vm-${first}-tag-input`)).toHaveCount(0);
  await expect(page.getByTestId(`vm-${first}-add-tag`)).toBeFocused();

  // Back up to the bulk actions, which the selection enabled, and start the selected guest from there.
  await page.getByTestId(`vm-${first}-select`).focus();
  const toBulk = await pressUntil(page, 'Shift+Tab', 'bulk-start');
  expect(ids(toBulk)).toEqual(['sort-by-cpu', 'sort-by-memory', 'sort-by-vcpus', 'sort-by-accelerator', 'sort-by-state', 'sort-by-host', 'sort-by-tags', 'sort-by-name', 'select-all', 'bulk-start']);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('bulk-summary')).toContainText('Start: 1 started');
  await expect(page.getByTestId(`vm-${first}-state`)).toHaveText('running');

  // The row's own Force off, by keyboard.
  await page.getByTestId(`vm-${first}-select`).focus();
  await pressUntil(page, 'Tab', `vm-${first}-destroy`);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId(`vm-${first}-state`)).toHaveText('shutoff');

  // Every stop on the way showed where the focus was.
  const all = [...toSearch, ...toSort, ...toRow, ...inRow, ...toBulk];
  expect(all.filter((s) => !s.ring).map((s) => s.id)).toEqual([]);
  const definition = await (await api.get(`/api/domains/${first}/xml`)).text();
  expect(definition).toContain('<virtdeck:tag>keys</virtdeck:tag>');
  expect(definition).not.toContain('gone');
  for (const name of [first, second]) expect((await api.delete(`/api/domains/${name}`)).status()).toBe(204);
});

test('the guest page’s tabs are one tab list: one Tab stop, arrows, Home and End move among them, Enter and Space open one', async ({ page, server }) => {
  await openApp(page, server, '#/guest/demo/command-line');
  const tabs = page.getByRole('tablist', { name: 'demo views' }).getByRole('tab');
  await expect(tabs).toHaveCount(10);
  // Only the open tab is in the Tab order.
  await expect(page.locator('[role="tab"][tabindex="0"]')).toHaveCount(1);
  await expect(page.getByTestId('tab-command-line')).toHaveAttribute('tabindex', '0');

  const toTabs = await pressUntil(page, 'Tab', 'tab-command-line');
  expect(toTabs.at(-1)?.ring).toBe(true);
  expect(ids(toTabs).filter((id) => id.startsWith('tab-'))).toEqual(['tab-command-line']);
  // Tab goes on into the open tab's panel, past the other nine tabs.
  await page.keyboard.press('Tab');
  expect((await focused(page)).id).not.toMatch(/^tab-/);
  await page.keyboard.press('Shift+Tab');
  await expect(page.getByTestId('tab-command-line')).toBeFocused();

  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('tab-events')).toBeFocused();
  // Moving the focus opens nothing.
  await expect(page.getByTestId('tab-command-line')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('End');
  await expect(page.getByTestId('tab-qemu-log')).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('tab-console')).toBeFocused();
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('tab-qemu-log')).toBeFocused();
  await page.keyboard.press('Home');
  await expect(page.getByTestId('tab-console')).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('tab-devices')).toBeFocused();
  expect((await focused(page)).ring).toBe(true);

  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#\/guest\/demo\/devices$/);
  await expect(page.getByTestId('tab-devices')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('tab-devices')).toHaveAttribute('tabindex', '0');
  await expect(page.getByTestId('tab-command-line')).toHaveAttribute('tabindex', '-1');
  await expect(page.getByRole('tabpanel', { name: 'Devices' })).toBeVisible();

  await page.getByTestId('tab-devices').focus();
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('tab-graphs')).toBeFocused();
  await page.keyboard.press('Space');
  await expect(page).toHaveURL(/#\/guest\/demo\/graphs$/);
  await expect(page.getByRole('tabpanel', { name: 'Graphs' })).toBeVisible();
});
