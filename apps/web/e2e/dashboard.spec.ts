import { readFile, statfs } from 'node:fs/promises';
import os from 'node:os';
import type { APIRequestContext, Page } from '@playwright/test';
import { defineFromTemplate, expect, openApp, test, uniqueName } from './fixtures.js';

const xmlHeaders = { 'Content-Type': 'application/xml' };

async function redefine(api: APIRequestContext, name: string, xml: string): Promise<void> {
  const put = await api.put(`/api/domains/${name}/xml`, { data: xml, headers: xmlHeaders });
  expect(put.ok(), await put.text()).toBe(true);
}

/** The names of the rows shown, top to bottom (error rows have no test id). */
const shownNames = (page: Page, prefix: string) =>
  page.locator(`tbody tr[data-testid^="vm-${prefix}"]`).evaluateAll((rows) => rows.map((row) => row.getAttribute('data-testid')?.slice(3)));

test('search by name and description, filter by tag and state, sort by a column, and tag a guest into its definition', async ({ page, server, api }) => {
  const prefix = uniqueName('e2e-dash');
  const [alpha, beta, gamma] = ['a', 'b', 'c'].map((suffix) => `${prefix}-${suffix}`) as [string, string, string];
  for (const name of [alpha, beta, gamma]) await defineFromTemplate(api, 'minimal-tcg', name);
  const gammaXml = await (await api.get(`/api/domains/${gamma}/xml`)).text();
  await redefine(api, gamma, gammaXml.replace(/<description>[\s\S]*?<\/description>/, '<description>Postgres primary of the shop</description>'));
  const tagged = await api.put(`/api/domains/${beta}/tags`, { data: { tags: ['db'] } });
  expect(tagged.ok(), await tagged.text()).toBe(true);

  await openApp(page, server);
  await page.getByTestId('guest-search').fill(prefix);
  await expect.poll(() => shownNames(page, prefix)).toEqual([alpha, beta, gamma]);
  await page.getByTestId('guest-search').fill('postgres SHOP');
  await expect.poll(() => shownNames(page, prefix)).toEqual([gamma]);

  // Tag alpha from its row: the definition carries it in virtdeck's namespace.
  await page.getByTestId('guest-search').fill(prefix);
  await page.getByTestId(`vm-${alpha}-add-tag`).click();
  await page.getByTestId(`vm-${alpha}-tag-input`).fill('web');
  await page.getByTestId(`vm-${alpha}-tag-input`).press('Enter');
  await expect(page.getByTestId(`vm-${alpha}-tag-web`)).toBeVisible();
  const definition = await (await api.get(`/api/domains/${alpha}/xml`)).text();
  expect(definition).toMatch(/<metadata>\s*<virtdeck:tags xmlns:virtdeck="https:\/\/virtdeck\.dev\/xmlns\/tags\/1">\s*<virtdeck:tag>web<\/virtdeck:tag>\s*<\/virtdeck:tags>\s*<\/metadata>/);

  await page.getByTestId('tag-filter').selectOption('web');
  await expect.poll(() => shownNames(page, prefix)).toEqual([alpha]);
  await page.getByTestId('tag-filter').selectOption('db');
  await expect.poll(() => shownNames(page, prefix)).toEqual([beta]);
  await page.getByTestId('tag-filter').selectOption('');
  await page.getByTestId('state-filter').selectOption('running');
  await expect(page.getByTestId('no-match')).toBeVisible();
  await page.getByTestId('state-filter').selectOption('shutoff');
  await expect.poll(() => shownNames(page, prefix)).toEqual([alpha, beta, gamma]);

  const nameHeader = page.getByTestId('sort-name');
  await expect(nameHeader).toHaveAttribute('aria-sort', 'ascending');
  await page.getByTestId('sort-by-name').click();
  await expect(nameHeader).toHaveAttribute('aria-sort', 'descending');
  await expect.poll(() => shownNames(page, prefix)).toEqual([gamma, beta, alpha]);

  // Removing the tag from the chip takes it out of the definition again; the query outlives a visit to a guest page.
  await page.getByRole('button', { name: `Remove tag web from ${alpha}` }).click();
  await expect(page.getByTestId(`vm-${alpha}-tag-web`)).toHaveCount(0);
  expect(await (await api.get(`/api/domains/${alpha}/xml`)).text()).not.toContain('virtdeck:tag');
  await page.getByTestId(`vm-${alpha}-link`).click();
  await page.goBack();
  await expect(page.getByTestId('guest-search')).toHaveValue(prefix);
  await expect(nameHeader).toHaveAttribute('aria-sort', 'descending');
  for (const name of [alpha, beta, gamma]) expect((await api.delete(`/api/domains/${name}`)).status()).toBe(204);
});

test('a bulk start of three guests, one of which fails, gives one summary naming it, and the columns keep their widths', async ({ page, server, api }) => {
  const prefix = uniqueName('e2e-bulk');
  const [first, second, broken] = ['a', 'b', 'c'].map((suffix) => `${prefix}-${suffix}`) as [string, string, string];
  for (const name of [first, second]) await defineFromTemplate(api, 'minimal-tcg', name);
  const xml = await defineFromTemplate(api, 'minimal-tcg', broken);
  // A file that is no kernel: QEMU refuses it after it has started.
  await redefine(api, broken, xml.replace(/<kernel>[^<]*<\/kernel>/, '<kernel>/etc/hostname</kernel>'));

  await openApp(page, server);
  await page.getByTestId('guest-search').fill(prefix);
  await expect.poll(() => shownNames(page, prefix)).toEqual([first, second, broken]);
  const headerWidths = () => page.locator('thead th').evaluateAll((cells) => cells.map((cell) => Math.round(cell.getBoundingClientRect().width)));
  const before = await headerWidths();
  const stateCell = async () => (await page.getByTestId(`vm-${first}-state`).locator('xpath=..').boundingBox())?.width;
  const stateBefore = await stateCell();

  await page.getByTestId('select-all').check();
  await expect(page.getByTestId('bulk-count')).toHaveText('3 selected');
  await page.getByTestId('bulk-start').click();
  const summary = page.getByTestId('bulk-summary');
  await expect(summary).toContainText('Start: 2 started, 1 failed');
  await expect(summary.getByRole('listitem')).toHaveCount(1);
  await expect(summary.getByTestId(`bulk-failed-${broken}`)).toContainText(`QEMU failed to start '${broken}'`);
  await expect(page.getByTestId('bulk-summary')).toHaveCount(1);
  await expect(page.getByTestId(`vm-${first}-state`)).toHaveText('running');
  await expect(page.getByTestId(`vm-${second}-state`)).toHaveText('running');
  await expect(page.getByTestId(`vm-${broken}-state`)).toHaveText('shutoff');

  // Running guests, an error row: not one column moved.
  expect(await headerWidths()).toEqual(before);
  expect(await stateCell()).toBe(stateBefore);

  // Force off of all three: the one that is off already is left alone and said so, not a failure.
  await expect(page.getByTestId('bulk-count')).toHaveText('3 selected');
  await page.getByTestId('bulk-destroy').click();
  await expect(summary).toHaveText(/^Force off: 2 forced off; 1 off already, left as it was/);
  await expect(summary.getByRole('listitem')).toHaveCount(0);
  await expect(page.getByTestId(`vm-${first}-state`)).toHaveText('shutoff');
  await expect(page.getByTestId(`vm-${second}-state`)).toHaveText('shutoff');
  // None of the selection is running now: Shut down and Force off have nothing to do.
  await expect(page.getByTestId('bulk-shutdown')).toBeDisabled();
  await expect(page.getByTestId('bulk-destroy')).toBeDisabled();
  await page.getByTestId('state-filter').selectOption('running');
  await expect(page.getByTestId('no-match')).toBeVisible();
  // Other specs count the errors on the dashboard: leave none behind.
  for (const name of [first, second, broken]) expect((await api.delete(`/api/domains/${name}`)).status()).toBe(204);
});

test('at 1024 px a guest that starts keeps its row’s height and every column where it was, and its CPU figure is in sight, not under the buttons', async ({ page, server, api }) => {
  const prefix = uniqueName('e2e-rows');
  const [first, second] = ['a', 'b'].map((suffix) => `${prefix}-${suffix}`) as [string, string];
  for (const name of [first, second]) await defineFromTemplate(api, 'minimal-tcg', name);
  await page.setViewportSize({ width: 1024, height: 768 });
  await openApp(page, server);
  await page.getByTestId('guest-search').fill(prefix);
  await expect.poll(() => shownNames(page, prefix)).toEqual([first, second]);
  const layout = () =>
    page.evaluate(
      ([first, second]: [string, string]) => {
        const row = (name: string) => document.querySelector(`tr[data-testid="vm-${name}"]`)!.getBoundingClientRect();
        const cells = [...document.querySelector(`tr[data-testid="vm-${first}"]`)!.children].map((cell) => Math.round(cell.getBoundingClientRect().x));
        return { height: Math.round(row(first).height), next: Math.round(row(second).y - row(first).y), cells };
      },
      [first, second] as [string, string],
    );
  const before = await layout();

  await page.getByTestId(`vm-${first}-start`).click();
  await expect(page.getByTestId(`vm-${first}-state`)).toHaveText('running');
  const figure = page.getByTestId(`vm-${first}-cpu`).locator('.cpu-value');
  await expect(figure).toHaveText(/^[\d.]+%$/);
  expect(await layout()).toEqual(before);
  // What is drawn at the middle of the figure is the figure, not a button of the next column.
  const atFigure = await figure.evaluate((element) => {
    const box = element.getBoundingClientRect();
    const cell = element.closest('td')!.getBoundingClientRect();
    const top = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
    return { shown: top === element || element.contains(top), inCell: box.right <= cell.right };
  });
  expect(atFigure).toEqual({ shown: true, inCell: true });

  await page.getByTestId(`vm-${first}-suspend`).click();
  await expect(page.getByTestId(`vm-${first}-state`)).toHaveText('paused');
  expect(await layout()).toEqual(before);
  expect((await api.post(`/api/domains/${first}/destroy`)).ok()).toBe(true);
  for (const name of [first, second]) expect((await api.delete(`/api/domains/${name}`)).status()).toBe(204);
});

const UNITS = { B: 1, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, TiB: 2 ** 40 } as const;
/** "23.4 GiB" → bytes. */
function bytesOf(text: string): number {
  const match = /^([\d.]+) (B|KiB|MiB|GiB|TiB)$/.exec(text.trim());
  if (!match) throw new Error(`not a size: ${text}`);
  return Number(match[1]) * UNITS[match[2] as keyof typeof UNITS];
}

test('the host summary shows this machine’s cores, memory and the state directory’s disk, and counts a started guest', async ({ page, server, api }) => {
  const name = uniqueName('e2e-host');
  await defineFromTemplate(api, 'minimal-tcg', name);
  await openApp(page, server);
  const guests = page.getByTestId('host-guests');
  const counts = async () => {
    const match = /^(\d+) running(?:, \d+ paused)? of (\d+) defined$/.exec((await guests.textContent()) ?? '');
    return match ? { running: Number(match[1]), defined: Number(match[2]) } : undefined;
  };
  const listed = (await (await api.get('/api/domains')).json()) as { state: string }[];
  await expect.poll(counts).toEqual({ running: listed.filter((g) => g.state === 'running').length, defined: listed.length });
  const before = (await counts())!;

  // The server samples every 3 s; its figures are this machine's.
  await expect(page.getByTestId('host-cpu')).toHaveText(new RegExp(`^[\\d.]+% of ${os.cpus().length} cores$`));
  const [used, total] = ((await page.getByTestId('host-memory').textContent()) ?? '').split(' / ').map(bytesOf) as [number, number];
  expect(Math.abs(total - os.totalmem()) / os.totalmem()).toBeLessThan(0.01);
  // Used is what /proc/meminfo does not call available, as free(1) counts it; the page's sample is up to 3 s old.
  const meminfo = await readFile('/proc/meminfo', 'utf8');
  const meminfoBytes = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(meminfo)?.[1]) * 1024;
  expect(Math.abs(used - (meminfoBytes('MemTotal') - meminfoBytes('MemAvailable'))) / total).toBeLessThan(0.05);
  const disk = /^(.+) used, (.+) free$/.exec((await page.getByTestId('host-disk').textContent()) ?? '');
  const fs = await statfs(server.stateDir);
  expect(Math.abs(bytesOf(disk?.[2] ?? '') - fs.bavail * fs.bsize)).toBeLessThan(2 ** 30);
  expect(Math.abs(bytesOf(disk?.[1] ?? '') - (fs.blocks - fs.bfree) * fs.bsize)).toBeLessThan(2 ** 30);
  await expect(page.getByTestId('host-disk').locator('..')).toHaveAttribute('title', new RegExp(server.stateDir));

  expect((await api.post(`/api/domains/${name}/start`)).ok()).toBe(true);
  await expect.poll(counts).toEqual({ running: before.running + 1, defined: before.defined });
  expect((await api.post(`/api/domains/${name}/destroy`)).ok()).toBe(true);
  await expect.poll(counts).toEqual(before);
  expect((await api.delete(`/api/domains/${name}`)).status()).toBe(204);
});

test('every column sorts both ways, ties by name, with aria-sort on its header and the order said', async ({ page, server, api }) => {
  test.setTimeout(180_000);
  const prefix = uniqueName('e2e-sort');
  // vCPUs, MiB, tags; b runs.
  const specs = { a: [2, 128, ['web']], b: [1, 80, ['db']], c: [4, 96, []], d: [1, 192, ['db', 'web']] } as const;
  const name = (suffix: string) => `${prefix}-${suffix}`;
  for (const [suffix, [vcpus, mib, tags]] of Object.entries(specs)) {
    const xml = await defineFromTemplate(api, 'minimal-tcg', name(suffix));
    await redefine(api, name(suffix), xml.replace(/<memory[^>]*>\d+<\/memory>/, `<memory unit='MiB'>${mib}</memory>`).replace(/<vcpu([^>]*)>\d+<\/vcpu>/, `<vcpu$1>${vcpus}</vcpu>`));
    if (tags.length > 0) expect((await api.put(`/api/domains/${name(suffix)}/tags`, { data: { tags } })).ok()).toBe(true);
  }
  expect((await api.post(`/api/domains/${name('b')}/start`)).ok()).toBe(true);
  await openApp(page, server);
  await page.getByTestId('guest-search').fill(prefix);
  // A stats sample of b has arrived: the CPU sort has its figure.
  await expect(page.getByTestId(`vm-${name('b')}-cpu`).locator('.cpu-value')).toHaveText(/^[\d.]+%$/);

  const order = (suffixes: string) => [...suffixes].map(name);
  const expected: Record<string, [string, string]> = {
    name: ['abcd', 'dcba'],
    tags: ['bdac', 'cadb'],
    host: ['abcd', 'abcd'],
    state: ['bacd', 'acdb'],
    accelerator: ['abcd', 'abcd'],
    vcpus: ['bdac', 'cabd'],
    memory: ['bcad', 'dacb'],
    cpu: ['acdb', 'bacd'],
  };
  const labels: Record<string, string> = { name: 'Name', tags: 'Tags', host: 'Host', state: 'State', accelerator: 'Accelerator', vcpus: 'vCPUs', memory: 'Memory', cpu: 'CPU' };
  const header = (column: string) => page.getByTestId(`sort-${column === 'tags' ? 'name' : column}`);
  for (const [column, [ascending, descending]] of Object.entries(expected)) {
    const button = page.getByTestId(`sort-by-${column}`);
    // The name column sorts ascending already: its first choice turns it round.
    for (const [direction, suffixes] of (column === 'name' ? [['descending', descending], ['ascending', ascending]] : [['ascending', ascending], ['descending', descending]]) as [string, string][]) {
      await button.click();
      await expect(header(column)).toHaveAttribute('aria-sort', direction);
      await expect(page.locator('thead th[aria-sort]:not([aria-sort="none"])')).toHaveCount(1);
      await expect(page.getByTestId('sort-status')).toHaveText(new RegExp(`^Sorted by ${labels[column]}, ${direction}`));
      await expect.poll(() => shownNames(page, prefix), { message: `${column} ${direction}` }).toEqual(order(suffixes));
    }
  }
  await expect(page.getByTestId('sort-by-cpu')).toHaveAttribute('title', /when you sort/);
  await page.getByTestId('sort-by-name').click();
  expect((await api.post(`/api/domains/${name('b')}/destroy`)).ok()).toBe(true);
  for (const suffix of Object.keys(specs)) expect((await api.delete(`/api/domains/${name(suffix)}`)).status()).toBe(204);
});
