import type { APIRequestContext } from '@playwright/test';
import { expect, openApp, test, uniqueName } from './fixtures.js';

const MiB = 1024 * 1024;

async function createVolume(api: APIRequestContext, name: string, format: 'qcow2' | 'raw', capacity: number): Promise<string> {
  const xml = `<volume><name>${name}</name><capacity unit='bytes'>${capacity}</capacity><target><format type='${format}'/></target></volume>`;
  const created = await api.post('/api/pools/default/volumes', { data: xml, headers: { 'Content-Type': 'application/xml' } });
  expect(created.ok(), await created.text()).toBe(true);
  return ((await created.json()) as { path: string }).path;
}

test('a disk hot-plugged from the Devices tab shows up in the running guest, the CD-ROM is ejected, and the guest is deleted with its boot volume', async ({ page, server, api }) => {
  const name = uniqueName('e2e-plug');
  const boot = await createVolume(api, `${name}-boot.qcow2`, 'qcow2', 32 * MiB);
  const hot = `${name}-hot.qcow2`;
  const hotPath = await createVolume(api, hot, 'qcow2', 48 * MiB);
  const iso = await createVolume(api, `${name}.iso`, 'raw', MiB);
  const template = await api.post('/api/templates/minimal-tcg', { data: { name } });
  const { xml } = (await template.json()) as { xml: string };
  const devices = [
    `<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${boot}'/><target dev='vda' bus='virtio'/></disk>`,
    `<disk type='file' device='cdrom'><driver name='qemu' type='raw'/><source file='${iso}'/><target dev='sda' bus='sata'/><readonly/></disk>`,
    // Empty PCIe ports take the hot-plugged devices, as virt-install leaves them on a q35 guest.
    ...[1, 2, 3, 4, 5, 6].map((i) => `<controller type='pci' index='${i}' model='pcie-root-port'/>`),
  ];
  const defined = await api.post('/api/domains', { data: xml.replace('<devices>', `<devices>\n    ${devices.join('\n    ')}`), headers: { 'Content-Type': 'application/xml' } });
  expect(defined.status(), await defined.text()).toBe(201);
  expect((await api.post(`/api/domains/${name}/start`)).ok()).toBe(true);

  await openApp(page, server, `#/guest/${name}/console`);
  const console = page.getByTestId('console');
  await expect(console.getByText('VIRTDECK-GUEST-READY')).toHaveCount(1, { timeout: 60_000 });

  await page.getByTestId('tab-devices').click();
  await expect(page.getByTestId('device-disk-vda')).toBeVisible();
  await expect(page.getByTestId('device-disk-sda-source')).toHaveText(iso);
  const attach = page.getByTestId('attach-disk');
  await attach.getByTestId('attach-disk-image-pool').selectOption('default');
  await attach.getByTestId('attach-disk-image-volume').selectOption(hotPath);
  await expect(attach.getByTestId('attach-disk-submit')).toHaveText('Attach vdb');
  await attach.getByTestId('attach-disk-submit').click();
  await expect(page.getByTestId('device-disk-vdb')).toBeVisible();
  await expect(page.getByTestId('devices-error')).toHaveCount(0);

  // The guest's kernel sees it: 48 MiB is 98304 sectors.
  await page.getByTestId('tab-console').click();
  await expect(page.getByTestId('console-status')).toHaveText('connected');
  await console.locator('textarea').focus();
  await expect(async () => {
    await page.keyboard.type('ls /sys/block; cat /sys/block/vdb/size\n');
    await expect(console).toContainText('98304', { timeout: 3000 });
  }).toPass({ timeout: 30_000 });

  await page.getByTestId('tab-devices').click();
  await page.getByTestId('device-disk-sda-eject').click();
  await expect(page.getByTestId('device-disk-sda-source')).toHaveText('no medium');
  const running = await (await api.get(`/api/domains/${name}/xml?running=1`)).text();
  expect(running).not.toContain(iso);
  expect(running).toContain(hot);
  // Only the running guest changed: its definition still has the medium, and the page says changes are pending.
  expect(await (await api.get(`/api/domains/${name}/xml`)).text()).toContain(iso);
  await expect(page.getByTestId(`vm-${name}-pending`)).toBeVisible();

  // Deleting the guest offers its pool volumes: the boot disk goes with it, the hot-plugged one (never saved) stays.
  await api.post(`/api/domains/${name}/destroy`);
  await expect(page.getByTestId(`vm-${name}-state`)).toHaveText('shutoff');
  await page.getByTestId(`vm-${name}-delete`).click();
  const dialog = page.getByTestId('confirm-delete');
  await dialog.getByTestId('delete-volume-vda').check();
  await expect(dialog.getByTestId('delete-volumes')).toContainText(`${name}-boot.qcow2 in pool default`);
  await dialog.getByTestId('confirm').click();
  await expect(page.getByTestId('dashboard')).toBeVisible();
  expect((await api.get(`/api/pools/default/volumes/${name}-boot.qcow2`)).status()).toBe(404);
  expect((await api.get(`/api/pools/default/volumes/${hot}`)).status()).toBe(200);
  expect((await api.delete(`/api/pools/default/volumes/${hot}`)).status()).toBe(204);
  expect((await api.delete(`/api/pools/default/volumes/${name}.iso`)).status()).toBe(204);
});

test("the form's disk editor takes a volume picked from a pool, with its format", async ({ page, server, api }) => {
  const name = uniqueName('e2e-pick');
  // raw, since a new disk in the form starts as qcow2: the format must come from the volume.
  const picked = await createVolume(api, `${name}.img`, 'raw', MiB);
  const template = await api.post('/api/templates/blank', { data: { name } });
  const defined = await api.post('/api/domains', { data: ((await template.json()) as { xml: string }).xml, headers: { 'Content-Type': 'application/xml' } });
  expect(defined.status()).toBe(201);
  await openApp(page, server, `#/guest/${name}/xml`);
  await page.getByTestId('form-add-disk').click();
  const disk = page.getByTestId('form-disk-0');
  await disk.getByTestId('form-disk-0-volume-pool').selectOption('default');
  await disk.getByTestId('form-disk-0-volume-volume').selectOption(picked);
  await expect(disk.getByPlaceholder('/path/to/image')).toHaveValue(picked);
  await expect(disk.locator('label.field', { hasText: 'Format' }).locator('select')).toHaveValue('raw');
  expect((await api.delete(`/api/domains/${name}`)).status()).toBe(204);
  expect((await api.delete(`/api/pools/default/volumes/${name}.img`)).status()).toBe(204);
});
