import { defineFromTemplate, expect, openApp, test, uniqueName } from './fixtures.js';

test('the replayed console log types nothing into the guest, however often it restarts', async ({ page, server, api }) => {
  const name = uniqueName('e2e-replay');
  await defineFromTemplate(api, 'minimal-tcg', name);
  await openApp(page, server, `#/guest/${name}/console`);
  const console = page.getByTestId('console');
  const badge = page.getByTestId(`vm-${name}-state`);

  for (let run = 1; run <= 4; run++) {
    expect((await api.post(`/api/domains/${name}/start`)).ok()).toBe(true);
    await expect(badge).toHaveText('running');
    await expect(page.getByTestId('console-status')).toHaveText('connected');
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
  // Shift+Tab from the terminal's neighbourhood reaches the tabs and the guest's actions.
  for (let i = 0; i < 30; i++) {
    if (await page.getByTestId('vm-demo-start').evaluate((el) => el === document.activeElement)) break;
    await page.keyboard.press('Shift+Tab');
  }
  await expect(page.getByTestId('vm-demo-start')).toBeFocused();
});
