import { defineFromTemplate, expect, openApp, test, uniqueName } from './fixtures.js';

test('every save keeps the definition it replaced; the History tab shows it against the current one and restores it through the save dialog', async ({ page, server, api }) => {
  const name = uniqueName('e2e-history');
  await defineFromTemplate(api, 'blank', name);
  const original = await (await api.get(`/api/domains/${name}/xml`)).text();
  const memory = /<memory unit='MiB'>\d+<\/memory>/;
  expect(original).toMatch(memory);
  const edited = original.replace(memory, "<memory unit='MiB'>777</memory>");
  const put = await api.put(`/api/domains/${name}/xml`, { data: edited, headers: { 'Content-Type': 'application/xml' } });
  expect(put.ok(), await put.text()).toBe(true);

  await openApp(page, server, `#/guest/${name}/history`);
  const history = page.getByTestId('history');
  await expect(history.getByRole('button', { name: /^Saved / })).toHaveCount(1);
  // The diff view shows the old value on the left and the current one on the right.
  const diff = page.getByTestId('history-diff');
  await expect(diff.locator('.original .view-lines')).toContainText(original.match(memory)?.[0] ?? '');
  await expect(diff.locator('.modified .view-lines')).toContainText("<memory unit='MiB'>777</memory>");

  await page.getByTestId('restore-version').click();
  await expect(page.getByTestId('save-diff')).toBeVisible();
  await page.getByTestId('confirm-save').click();
  await expect(page.getByTestId('history-message')).toContainText('Restored the definition saved');
  expect(await (await api.get(`/api/domains/${name}/xml`)).text()).toBe(original);
  // The restore was a save like any other: what it replaced is kept too.
  await expect(history.getByRole('button', { name: /^Saved / })).toHaveCount(2);
  expect((await api.delete(`/api/domains/${name}`)).status()).toBe(204);
});
