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

test('restoring a version while the guest runs says, before and after, that it applies at the next start', async ({ page, server, api }) => {
  const name = uniqueName('e2e-history-running');
  const original = await defineFromTemplate(api, 'minimal-tcg', name);
  const stored = await (await api.get(`/api/domains/${name}/xml`)).text();
  const put = await api.put(`/api/domains/${name}/xml`, { data: stored.replace('</devices>', '  <!-- edited -->\n  </devices>'), headers: { 'Content-Type': 'application/xml' } });
  expect(put.ok(), await put.text()).toBe(true);
  expect(original).toContain(`<name>${name}</name>`);
  expect((await api.post(`/api/domains/${name}/start`)).ok()).toBe(true);

  await openApp(page, server, `#/guest/${name}/history`);
  await page.getByTestId('restore-version').click();
  await expect(page.getByTestId('save-diff')).toContainText(`${name} is running: the restored definition applies at its next start.`);
  await page.getByTestId('confirm-save').click();
  await expect(page.getByTestId('history-message')).toContainText(`Restored the definition saved`);
  await expect(page.getByTestId('history-message')).toContainText(`${name} is running: the restored definition applies at its next start.`);
  expect(await (await api.get(`/api/domains/${name}/xml`)).text()).toBe(stored);
  // The running guest keeps the definition it was started from.
  expect(await (await api.get(`/api/domains/${name}/xml?running=1`)).text()).toContain('<!-- edited -->');
  expect((await api.post(`/api/domains/${name}/destroy`)).ok()).toBe(true);
  expect((await api.delete(`/api/domains/${name}`)).status()).toBe(204);
});

test('a version kept before a rename is restored under the guest\'s name now, not renaming it back', async ({ page, server, api }) => {
  const name = uniqueName('e2e-history-renamed');
  const newName = `${name}-new`;
  await defineFromTemplate(api, 'blank', name);
  const stored = await (await api.get(`/api/domains/${name}/xml`)).text();
  const renamed = await api.put(`/api/domains/${name}/xml`, { data: stored.replace(`<name>${name}</name>`, `<name>${newName}</name>`).replace('</devices>', '  <!-- after -->\n  </devices>'), headers: { 'Content-Type': 'application/xml' } });
  expect(renamed.ok(), await renamed.text()).toBe(true);

  await openApp(page, server, `#/guest/${newName}/history`);
  await expect(page.getByTestId('history-diff').locator('.original .view-lines')).toContainText(`<name>${name}</name>`);
  await page.getByTestId('restore-version').click();
  const dialog = page.getByTestId('save-diff');
  await expect(dialog).toContainText(`This version was saved when the guest was called ${name}: it is restored under its name now, ${newName}.`);
  await expect(dialog.locator('.modified .view-lines')).toContainText(`<name>${newName}</name>`);
  await page.getByTestId('confirm-save').click();
  await expect(page.getByTestId('history-message')).toContainText('Restored the definition saved');
  await expect(page).toHaveURL(new RegExp(`#/guest/${newName}/history$`));
  expect(await (await api.get(`/api/domains/${newName}/xml`)).text()).toBe(stored.replace(`<name>${name}</name>`, `<name>${newName}</name>`));
  expect((await api.get(`/api/domains/${name}`)).status()).toBe(404);
  expect((await api.delete(`/api/domains/${newName}`)).status()).toBe(204);
});
