import { defineFromTemplate, expect, openApp, test, uniqueName } from './fixtures.js';
import { viewLine } from './monaco.js';

test('a new name in the form renames the shut-off guest on save, as virsh domrename does, and its page follows', async ({ page, server, api }) => {
  const name = uniqueName('e2e-rename');
  const newName = `${name}-renamed`;
  await defineFromTemplate(api, 'blank', name);
  await openApp(page, server, `#/guest/${name}/xml`);

  const field = page.getByTestId('form-name');
  await field.fill(newName);
  await field.press('Enter');
  await expect(viewLine(page, `<name>${newName}</name>`)).toBeVisible();
  await page.getByTestId('save').click();
  await expect(page.getByTestId('save-diff')).toContainText(`Saving renames ${name} to ${newName}`);
  await page.getByTestId('confirm-save').click();

  await expect(page.getByTestId('notice')).toContainText(`Renamed ${name} to ${newName}`);
  await expect(page).toHaveURL(new RegExp(`#/guest/${newName}/xml$`));
  await expect(page.getByTestId(`guest-page-${newName}`)).toBeVisible();
  await expect(page.getByTestId('dirty')).toHaveCount(0);
  expect((await api.get(`/api/domains/${name}`)).status()).toBe(404);
  expect(await (await api.get(`/api/domains/${newName}/xml`)).text()).toContain(`<name>${newName}</name>`);

  await page.getByTestId('tab-history').click();
  await expect(page.getByTestId('history').getByRole('button', { name: /^Saved / })).toHaveCount(1);
  await page.goto(`${server.url}#/`);
  await expect(page.getByTestId(`vm-${newName}`)).toBeVisible();
  await expect(page.getByTestId(`vm-${name}`)).toHaveCount(0);
  expect((await api.delete(`/api/domains/${newName}`)).status()).toBe(204);
});

test('a page open on a guest renamed elsewhere follows it to its new name and says so, where a deleted one would close', async ({ page, server, api }) => {
  const name = uniqueName('e2e-renamed-elsewhere');
  const newName = `${name}-new`;
  const xml = await defineFromTemplate(api, 'blank', name);
  await openApp(page, server, `#/guest/${name}/history`);
  await expect(page.getByTestId(`guest-page-${name}`)).toBeVisible();

  // Another browser (here the API) saves the definition under a new name.
  const renamed = await api.put(`/api/domains/${name}/xml`, { data: xml.replace(`<name>${name}</name>`, `<name>${newName}</name>`), headers: { 'Content-Type': 'application/xml' } });
  expect(renamed.ok(), await renamed.text()).toBe(true);

  await expect(page.getByTestId('notice')).toContainText(`${name} was renamed to ${newName} elsewhere`);
  await expect(page.getByTestId('notice')).not.toContainText('deleted');
  await expect(page).toHaveURL(new RegExp(`#/guest/${newName}/history$`));
  await expect(page.getByTestId(`guest-page-${newName}`)).toBeVisible();
  await expect(page.getByTestId('tab-history')).toHaveAttribute('aria-selected', 'true');
  expect((await api.delete(`/api/domains/${newName}`)).status()).toBe(204);
});

test('a running guest is not renamed: the save dialog says why before Save, which stays disabled', async ({ page, server, api }) => {
  const name = uniqueName('e2e-rename-running');
  await defineFromTemplate(api, 'minimal-tcg', name);
  expect((await api.post(`/api/domains/${name}/start`)).ok()).toBe(true);
  await openApp(page, server, `#/guest/${name}/xml`);
  await expect(page.getByTestId(`vm-${name}-state`)).toHaveText('running');

  const field = page.getByTestId('form-name');
  await field.fill(`${name}-new`);
  await field.press('Enter');
  await expect(viewLine(page, `<name>${name}-new</name>`)).toBeVisible();
  await page.getByTestId('save').click();
  const dialog = page.getByTestId('save-diff');
  await expect(dialog.getByTestId('save-refused')).toHaveText(new RegExp(`^${name} is running, so it cannot be renamed to ${name}-new: a guest is renamed when it is shut off`));
  // Nothing there promises the rename for later.
  await expect(dialog).not.toContainText('applies at its next start');
  await expect(dialog.getByTestId('confirm-save')).toBeDisabled();
  await dialog.getByRole('button', { name: 'Keep editing' }).click();
  await expect(dialog).toBeHidden();
  expect((await api.get(`/api/domains/${name}`)).ok()).toBe(true);
  expect((await api.post(`/api/domains/${name}/destroy`)).ok()).toBe(true);
  expect((await api.delete(`/api/domains/${name}`)).status()).toBe(204);
});
