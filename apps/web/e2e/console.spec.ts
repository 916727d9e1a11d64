import { defineFromTemplate, expect, openApp, test, uniqueName } from './fixtures.js';

test('the replayed console log types nothing into the guest, however often it restarts', async ({ page, server, api }) => {
  // Four TCG boots: at a load of 100 on two cores the first alone took over a minute.
  test.setTimeout(360_000);
  const name = uniqueName('e2e-replay');
  await defineFromTemplate(api, 'minimal-tcg', name);
  await openApp(page, server, `#/guest/${name}/console`);
  const console = page.getByTestId('console');
  const badge = page.getByTestId(`vm-${name}-state`);

  for (let run = 1; run <= 4; run++) {
    expect((await api.post(`/api/domains/${name}/start`)).ok()).toBe(true);
    await expect(badge).toHaveText('running', { timeout: 60_000 });
    await expect(page.getByTestId('console-status')).toHaveText('connected', { timeout: 60_000 });
    // Each boot's shell asks for the cursor position: the replay of the earlier boots holds those queries.
    await expect(console.getByText('VIRTDECK-GUEST-READY')).toHaveCount(run, { timeout: 60_000 });
    if (run === 4) break;
    await page.keyboard.type(`echo run-${run}-$((6*7))\n`);
    await expect(console).toContainText(`run-${run}-42`);
    expect((await api.post(`/api/domains/${name}/destroy`)).ok()).toBe(true);
    await expect(badge).toHaveText('shutoff');
  }
  // The terminal has the keyboard as soon as the page opens; the first command after three restarts works.
  await page.keyboard.type('echo ok-$((6*7))\n');
  await expect(console).toContainText('ok-42');
  await expect(console).not.toContainText('not found');
  expect((await api.post(`/api/domains/${name}/destroy`)).ok()).toBe(true);
  expect((await api.delete(`/api/domains/${name}`)).status()).toBe(204);
});

test('Tab leaves the console after the announced key, and the page is reachable by keyboard', async ({ page, server }) => {
  await openApp(page, server, '#/guest/demo/console');
  const terminal = page.getByTestId('console').locator('textarea');
  await expect(terminal).toBeFocused();
  // Inside the terminal Tab belongs to the guest (shell completion).
  await page.keyboard.press('Tab');
  await expect(terminal).toBeFocused();
  await expect(page.getByTestId('console-escape-hint')).toContainText('Ctrl+M');
  await page.keyboard.press('Control+m');
  await expect(page.getByTestId('console-escape-hint')).toContainText('Tab moves focus');
  await page.keyboard.press('Tab');
  await expect(terminal).not.toBeFocused();
  // From the terminal (the page's last stop) Shift+Tab walks the whole page back to the terminal: its toolbar, the tabs, the guest's actions, the way back.
  await terminal.focus();
  const reached: string[] = [];
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Shift+Tab');
    if (await terminal.evaluate((el) => el === document.activeElement)) break;
    reached.push(await page.evaluate(() => {
      const el = document.activeElement;
      return el?.getAttribute('data-testid') ?? el?.getAttribute('aria-label') ?? el?.textContent ?? '';
    }));
  }
  await expect(terminal).toBeFocused();
  for (const stop of ['console-copy', 'tab-console', 'vm-demo-start', 'All guests']) expect(reached, reached.join(' < ')).toContain(stop);
  // The tab list is one stop, the open tab's (the arrows move among the tabs).
  expect(reached.filter((stop) => stop.startsWith('tab-')), reached.join(' < ')).toEqual(['tab-console']);
  // Ctrl+M again gives Tab back to the guest.
  await page.keyboard.press('Control+m');
  await expect(page.getByTestId('console-escape-hint')).toContainText('Tab goes to the guest');
  await page.keyboard.press('Tab');
  await expect(terminal).toBeFocused();
});

test('a second tab opened on a running guest\'s console replays it without typing into what waits for input; both tabs type', async ({ page, context, server, api }) => {
  test.setTimeout(180_000);
  const name = uniqueName('e2e-twotabs');
  await defineFromTemplate(api, 'minimal-tcg', name);
  await openApp(page, server, `#/guest/${name}/console`);
  expect((await api.post(`/api/domains/${name}/start`)).ok()).toBe(true);
  const first = page.getByTestId('console');
  await expect(first).toContainText('VIRTDECK-GUEST-READY', { timeout: 60_000 });
  await first.click();
  await page.keyboard.type('echo tab-0-$((6*7))\n');
  await expect(first).toContainText('tab-0-42');

  // A program waits for a line (the shell's prompt would swallow a stray cursor report; read does not).
  await page.keyboard.type('read x; echo "read ${#x} characters"\n');

  // The second tab's replay holds the boot's and each prompt's cursor queries (ESC[6n).
  const other = await context.newPage();
  await other.goto(`${server.origin}/#/guest/${name}/console`);
  const second = other.getByTestId('console');
  await expect(second).toContainText('tab-0-42');
  await second.click();
  await other.keyboard.type('hello\n');
  for (const console of [first, second]) await expect(console).toContainText('read 5 characters');
  await other.keyboard.type('echo tab-1-$((6*7))\n');
  for (const console of [first, second]) await expect(console).toContainText('tab-1-42');
  await first.click();
  await page.keyboard.type('echo tab-2-$((6*7))\n');
  for (const console of [first, second]) {
    await expect(console).toContainText('tab-2-42');
    await expect(console).not.toContainText('not found');
    await expect(console).not.toContainText(/\d+;\d+R/);
  }
  await other.close();
  expect((await api.post(`/api/domains/${name}/destroy`)).ok()).toBe(true);
  expect((await api.delete(`/api/domains/${name}`)).status()).toBe(204);
});
