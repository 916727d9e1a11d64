import { readFile } from 'node:fs/promises';
import { AxeBuilder } from '@axe-core/playwright';
import type { APIRequestContext, Page, TestInfo } from '@playwright/test';
import { GUEST_TABS, type GuestTab } from '../src/router.js';
import { defineFromTemplate, expect, openApp, test, uniqueName } from './fixtures.js';
import { installerIso, isoGuestXml, screenPixels } from './isoGuest.js';
import { editorOf, viewLine, waitForColours } from './monaco.js';

type AxeResults = Awaited<ReturnType<AxeBuilder['analyze']>>;
type Violation = AxeResults['violations'][number];

const BLOCKING = new Set(['serious', 'critical']);

const describe = (v: Violation): string =>
  `${v.impact ?? '?'} ${v.id}: ${v.help}\n${v.nodes
    .slice(0, 5)
    .map((n) => `    ${n.target.join(' ')}: ${n.failureSummary?.replace(/\n\s*/g, ' ') ?? ''}`)
    .join('\n')}`;

/**
 * Runs axe-core (WCAG 2.0–2.2 A and AA rules, and its best practices) on what the page
 * shows now. Serious and critical violations fail the test (softly, so that one run lists
 * every page's); the rest are printed and attached, to be seen and weighed.
 */
async function check(page: Page, testInfo: TestInfo, where: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']).analyze();
  const blocking = results.violations.filter((v) => BLOCKING.has(v.impact ?? ''));
  const minor = results.violations.filter((v) => !BLOCKING.has(v.impact ?? ''));
  if (minor.length > 0) {
    const text = minor.map(describe).join('\n');
    console.log(`[${testInfo.project.name || 'chromium'} ${where}] minor accessibility findings:\n${text}`);
    await testInfo.attach(`axe minor ${where}`, { body: text, contentType: 'text/plain' });
  }
  expect.soft(blocking.map(describe), `serious or critical axe violations on ${where}`).toEqual([]);
  // axe saw the page, not an empty shell: every check ran on some element.
  expect(results.passes.length, where).toBeGreaterThan(10);
}

/** A guest whose start failed (QEMU refuses its kernel), so that its error lines are shown. */
async function defineFailedGuest(api: APIRequestContext): Promise<string> {
  const name = uniqueName('e2e-a11y-fails');
  const xml = await defineFromTemplate(api, 'minimal-tcg', name);
  const broken = xml.replace(/<kernel>[^<]*<\/kernel>/, '<kernel>/etc/hostname</kernel>');
  expect((await api.put(`/api/domains/${name}/xml`, { data: broken, headers: { 'Content-Type': 'application/xml' } })).ok()).toBe(true);
  expect((await api.post(`/api/domains/${name}/start`)).ok()).toBe(false);
  return name;
}

for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`in the ${colorScheme} theme`, () => {
    test.use({ colorScheme });

    test('the sign-in page has no serious accessibility violations', async ({ browser, server }, testInfo) => {
      // A browser that never opened the printed address: no session cookie.
      const context = await browser.newContext({ colorScheme });
      const page = await context.newPage();
      await page.goto(server.origin);
      await expect(page.getByTestId('sign-in')).toBeVisible();
      await check(page, testInfo, 'sign-in');
      // A wrong token: the page says it was refused.
      await page.getByTestId('token-input').fill('not-the-token');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(page.getByTestId('sign-in-refused')).toBeVisible();
      await check(page, testInfo, 'sign-in, a wrong token refused');
      await context.close();
    });

    test('the dashboard, with a running guest, a failed one and the delete dialog, has no serious accessibility violations', async ({ page, server, api }, testInfo) => {
      expect((await api.post('/api/domains/demo/start')).ok()).toBe(true);
      const failing = await defineFailedGuest(api);
      await openApp(page, server);
      await expect(page.getByTestId('vm-demo-state')).toHaveText('running');
      await expect(page.getByTestId(`vm-${failing}-last-error`)).toBeVisible();
      await check(page, testInfo, 'dashboard');
      // A row's buttons say which guest they act on, as a screen reader reads them.
      await expect(page.getByTestId('vm-demo').getByRole('button', { name: 'Force off demo' })).toBeVisible();
      await expect(page.getByTestId(`vm-${failing}`).getByRole('button', { name: `Start ${failing}` })).toBeVisible();
      await expect(page.locator('.guest-table').getByRole('button', { name: 'Start', exact: true })).toHaveCount(0);

      await page.getByTestId(`vm-${failing}-delete`).click();
      await expect(page.getByTestId('confirm-delete')).toBeVisible();
      await check(page, testInfo, 'dashboard, delete dialog');
      await page.keyboard.press('Escape');
      await expect(page.getByTestId('confirm-delete')).toBeHidden();
      expect((await api.delete(`/api/domains/${failing}`)).status()).toBe(204);
    });

    test('every tab of a running guest\'s page has no serious accessibility violations', async ({ page, server, api }, testInfo) => {
      test.setTimeout(180_000);
      expect((await api.post('/api/domains/demo/start')).ok()).toBe(true);
      await openApp(page, server);
      for (const tab of Object.keys(GUEST_TABS) as GuestTab[]) {
        await page.goto(`${server.origin}/#/guest/demo${tab === 'console' ? '' : `/${tab}`}`);
        await expect(page.getByTestId(`tab-${tab}`)).toHaveAttribute('aria-selected', 'true');
        if (tab === 'console') await expect(page.getByTestId('console-status')).toHaveText('connected');
        // Monaco's chunk is the app's largest: under a loaded machine it takes longer than the usual wait.
        if (tab === 'xml') {
          await expect(viewLine(page, '<vcpu')).toBeVisible({ timeout: 60_000 });
          // The contrast of the syntax colours is checked, not of the plain text shown first.
          await waitForColours(editorOf(page));
        }
        await check(page, testInfo, `guest page, ${GUEST_TABS[tab]} tab`);
      }
    });

    test('the save dialog and the history of a guest whose start failed have no serious accessibility violations', async ({ page, server, api }, testInfo) => {
      const failing = await defineFailedGuest(api);
      await openApp(page, server, `#/guest/${failing}/xml`);
      await viewLine(page, '<memory').first().click();
      await page.keyboard.press('End');
      await page.keyboard.type('<!-- a11y -->');
      await page.getByTestId('save').click();
      await expect(page.getByTestId('save-diff')).toBeVisible();
      await expect(page.getByTestId('save-diff').locator('.modified .view-lines')).toContainText('a11y');
      await waitForColours(page.getByTestId('save-diff').locator('.original'));
      await waitForColours(page.getByTestId('save-diff').locator('.modified'));
      await check(page, testInfo, 'save dialog');
      await page.getByTestId('confirm-save').click();
      await expect(page.getByTestId('save-diff')).toBeHidden();

      // Its page with the error line, and the versions kept.
      await page.goto(`${server.origin}/#/guest/${failing}/history`);
      // The API's redefinition and the dialog's save each kept the definition they replaced.
      await expect(page.getByTestId('history').getByRole('button', { name: /^Saved / })).toHaveCount(2);
      await expect(page.getByTestId('history-diff').locator('.modified .view-lines')).toContainText('a11y');
      await waitForColours(page.getByTestId('history-diff').locator('.original'));
      await waitForColours(page.getByTestId('history-diff').locator('.modified'));
      await check(page, testInfo, 'guest page with an error, History tab with a version');
      expect((await api.delete(`/api/domains/${failing}`)).status()).toBe(204);
    });

    test('a guest with a screen, storage with volumes, the ISO install card with an ISO and a dashboard search that finds nothing have no serious accessibility violations', async ({ page, server, api }, testInfo) => {
      test.setTimeout(180_000);
      const name = uniqueName('e2e-a11y-screen');
      const iso = await installerIso();
      const volume = `${name}.iso`;
      const uploaded = await api.put(`/api/pools/default/volumes/${volume}`, { data: await readFile(iso), headers: { 'Content-Type': 'application/octet-stream' } });
      expect(uploaded.ok(), await uploaded.text()).toBe(true);
      const defined = await api.post('/api/domains', { data: isoGuestXml(name, iso), headers: { 'Content-Type': 'application/xml' } });
      expect(defined.status(), await defined.text()).toBe(201);
      expect((await api.post(`/api/domains/${name}/start`)).ok()).toBe(true);

      // The demo guest has no display: this one's Screen tab is noVNC's canvas with the installer's banner.
      await openApp(page, server, `#/guest/${name}/screen`);
      await expect(page.getByTestId('screen-status')).toHaveText('connected');
      await expect.poll(async () => (await screenPixels(page, name)).canvas?.levels ?? 0, { timeout: 60_000 }).toBeGreaterThan(1);
      await check(page, testInfo, 'guest page, Screen tab with a display');

      await page.goto(`${server.origin}/#/storage`);
      await page.getByTestId('pool-default').getByRole('button', { name: 'default', exact: true }).click();
      await expect(page.getByTestId(`volume-${volume}`)).toBeVisible();
      await check(page, testInfo, 'storage, a pool with volumes');

      await page.goto(`${server.origin}/#/new`);
      const card = page.getByTestId('iso-install');
      await card.getByTestId('iso-volume').selectOption(volume);
      await card.getByTestId('iso-name').fill(name);
      // The name is taken: the card says so where the name is given.
      await expect(card.getByText(`A guest named ${name} exists already.`)).toBeVisible();
      await check(page, testInfo, 'new guest, the ISO install card with an ISO chosen');

      await page.goto(`${server.origin}/#/`);
      await page.getByTestId('guest-search').fill('no guest is called this');
      await expect(page.getByTestId('no-match')).toBeVisible();
      await check(page, testInfo, 'dashboard, a search that finds nothing');

      expect((await api.post(`/api/domains/${name}/destroy`)).ok()).toBe(true);
      expect((await api.delete(`/api/domains/${name}`)).status()).toBe(204);
      expect((await api.delete(`/api/pools/default/volumes/${volume}`)).status()).toBe(204);
    });

    test('storage, the pages that do not exist and the new guest editor have no serious accessibility violations', async ({ page, server }, testInfo) => {
      await openApp(page, server, '#/storage');
      await expect(page.getByTestId('storage-page')).toBeVisible();
      await check(page, testInfo, 'storage');

      await page.goto(`${server.origin}/#/no/such/page`);
      await expect(page.getByText('There is no page at')).toBeVisible();
      await check(page, testInfo, 'page not found');

      await page.goto(`${server.origin}/#/guest/no-such-guest`);
      await expect(page.getByTestId('guest-missing')).toBeVisible();
      await check(page, testInfo, 'guest not found');

      await page.goto(`${server.origin}/#/new`);
      await expect(page.getByTestId('template-minimal-tcg')).toBeVisible();
      await check(page, testInfo, 'new guest');
      await page.getByTestId('template-minimal-tcg').click();
      await page.getByTestId('template-name').fill(uniqueName('e2e-a11y-new'));
      await page.getByTestId('use-template').click();
      await expect(viewLine(page, '<vcpu')).toBeVisible();
      await waitForColours(editorOf(page));
      await check(page, testInfo, 'new guest, editor');
    });
  });
}

test('every page has one h1 that names it, and no heading level is skipped below it', async ({ page, server }) => {
  const headings = () => page.locator('h1, h2, h3, h4').evaluateAll((els) => els.map((el) => ({ level: Number(el.tagName[1]), text: el.textContent?.trim() ?? '' })));
  const pages: [string, string, () => Promise<void>][] = [
    ['#/', 'Guests', () => expect(page.getByTestId('vm-demo')).toBeVisible()],
    ['#/new', 'New guest', () => expect(page.getByTestId('template-minimal-tcg')).toBeVisible()],
    ['#/guest/demo/devices', 'demo', () => expect(page.getByTestId('tab-devices')).toHaveAttribute('aria-selected', 'true')],
    ['#/storage', 'Storage', () => expect(page.getByTestId('storage-page')).toBeVisible()],
    ['#/guest/no-such-guest', 'no-such-guest', () => expect(page.getByTestId('guest-missing')).toBeVisible()],
    ['#/no/such/page', 'Page not found', () => expect(page.getByText('There is no page at')).toBeVisible()],
  ];
  await openApp(page, server);
  for (const [hash, title, shown] of pages) {
    await page.goto(`${server.origin}/${hash}`);
    await shown();
    // The devices pane's lists are headed too once they are read.
    if (hash.endsWith('/devices')) await expect(page.getByRole('heading', { level: 2 }).first()).toBeVisible();
    const found = await headings();
    expect(found.filter((h) => h.level === 1), hash).toEqual([{ level: 1, text: title }]);
    expect(found[0], hash).toEqual({ level: 1, text: title });
    for (let i = 1; i < found.length; i++) expect(found[i]!.level - found[i - 1]!.level, `${hash}: ${JSON.stringify(found)}`).toBeLessThanOrEqual(1);
  }
});
