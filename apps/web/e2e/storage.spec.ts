import { defineFromTemplate, expect, openApp, test, uniqueName } from './fixtures.js';

const MiB = 1024 * 1024;

test('the storage page creates and uploads volumes, lists them with their sizes, and refuses to delete one a guest uses', async ({ page, server, api }) => {
  const created = `${uniqueName('e2e-vol')}.qcow2`;
  const uploaded = `${uniqueName('e2e-upload')}.img`;
  const guest = uniqueName('e2e-storage');
  await openApp(page, server);
  await page.getByTestId('nav-storage').click();
  await expect(page.getByTestId('pool-default')).toBeVisible();
  await expect(page.getByTestId('selected-pool')).toHaveText('default');

  const form = page.getByTestId('create-volume');
  await form.getByTestId('volume-name').fill(created);
  await form.getByTestId('volume-size').fill('64');
  await form.getByTestId('volume-unit').selectOption('MiB');
  await form.getByTestId('create-volume-submit').click();
  const row = page.getByTestId(`volume-${created}`);
  await expect(row.getByTestId('volume-format')).toHaveText('qcow2');
  await expect(row.getByTestId('volume-capacity')).toHaveText('64.0 MiB');

  await form.getByTestId('volume-size').fill('many');
  await form.getByTestId('volume-name').fill('other.qcow2');
  await form.getByTestId('create-volume-submit').click();
  await expect(page.getByTestId('create-volume-error')).toContainText("'many' is not a size");

  const upload = page.getByTestId('upload-volume');
  await upload.getByTestId('upload-file').setInputFiles({ name: uploaded, mimeType: 'application/octet-stream', buffer: Buffer.alloc(3 * MiB, 7) });
  await expect(upload.getByTestId('upload-name')).toHaveValue(uploaded);
  await upload.getByTestId('upload-submit').click();
  await expect(upload.getByTestId('upload-done')).toHaveText(`Uploaded ${uploaded} (3.00 MiB)`);
  await expect(page.getByTestId(`volume-${uploaded}`).getByTestId('volume-capacity')).toHaveText('3.00 MiB');
  const onDisk = await api.get(`/api/pools/default/volumes/${uploaded}`);
  expect((await onDisk.body()).equals(Buffer.alloc(3 * MiB, 7))).toBe(true);

  // A guest whose definition uses the volume: its delete button is off and says why.
  const xml = await defineFromTemplate(api, 'blank', guest);
  const volumes = (await (await api.get('/api/pools/default/volumes')).json()) as { name: string; path: string }[];
  const volumePath = volumes.find((v) => v.name === created)?.path ?? '';
  const withDisk = xml.replace('</devices>', `  <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${volumePath}'/><target dev='vdb' bus='virtio'/></disk>\n  </devices>`);
  const saved = await api.put(`/api/domains/${guest}/xml`, { data: withDisk, headers: { 'Content-Type': 'application/xml' } });
  expect(saved.ok(), await saved.text()).toBe(true);
  await page.reload();
  await expect(row.getByTestId('volume-users')).toHaveText(guest);
  await expect(row.getByTestId('delete-volume')).toBeDisabled();
  await expect(row.getByTestId('delete-volume')).toHaveAttribute('title', `${guest} uses it: remove it from their definitions first`);

  expect((await api.delete(`/api/domains/${guest}`)).status()).toBe(204);
  await page.reload();
  await expect(row.getByTestId('volume-users')).toHaveText('—');
  await row.getByTestId('delete-volume').click();
  await page.getByTestId('confirm-delete-volume').getByTestId('confirm').click();
  await expect(row).toHaveCount(0);
  expect((await api.get(`/api/pools/default/volumes/${created}`)).status()).toBe(404);

  const uploadedRow = page.getByTestId(`volume-${uploaded}`);
  await uploadedRow.getByTestId('delete-volume').click();
  await page.getByTestId('confirm-delete-volume').getByTestId('confirm').click();
  await expect(uploadedRow).toHaveCount(0);
});

test('the storage page keeps the margins and heading size of the other pages', async ({ page, server }) => {
  await openApp(page, server);
  const guests = await page.getByRole('heading', { name: 'Guests', exact: true }).boundingBox();
  await page.goto(`${server.origin}/#/storage`);
  const heading = page.getByRole('heading', { name: 'Storage', exact: true });
  await expect(heading).toBeVisible();
  const storage = await heading.boundingBox();
  const pools = await page.getByTestId('pools').boundingBox();
  expect(guests && storage && pools).toBeTruthy();
  // Not against the window's edge, and no taller than the dashboard's heading.
  expect(Math.abs(storage!.x - guests!.x)).toBeLessThanOrEqual(2);
  expect(pools!.x).toBeGreaterThanOrEqual(guests!.x - 2);
  expect(storage!.height).toBeLessThanOrEqual(guests!.height + 2);
});
