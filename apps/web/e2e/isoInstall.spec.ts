import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, openApp, test, uniqueName } from './fixtures.js';
import { installerIso, screenPixels } from './isoGuest.js';
import { viewLine } from './monaco.js';

const MiB = 1024 * 1024;

test('install from an ISO: an uploaded ISO, the definition in the editor, Define and start, the installer on the screen, then the CD-ROM ejected', async ({ page, server, api }) => {
  test.setTimeout(240_000);
  const name = uniqueName('e2e-install');
  const isoVolume = `${name}.iso`;
  const iso = await installerIso();
  await openApp(page, server);
  await page.getByTestId('new-guest').click();
  const wizard = page.getByTestId('iso-install');
  await expect(wizard.getByTestId('iso-pool')).toHaveValue('default');

  // The ISO goes up through the storage upload, on a link slow enough to see its progress.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 4 * MiB });
  const upload = wizard.getByTestId('upload-volume');
  await upload.getByTestId('upload-file').setInputFiles(iso);
  await upload.getByTestId('upload-name').fill(isoVolume);
  await upload.getByTestId('upload-submit').click();
  const progress = upload.getByTestId('upload-progress');
  await expect(async () => {
    const percent = Number(/([\d.]+)\s*%/.exec((await progress.textContent()) ?? '')?.[1]);
    expect(percent).toBeGreaterThan(0);
    expect(percent).toBeLessThan(100);
  }).toPass({ timeout: 30_000 });
  await expect(upload.getByRole('progressbar', { name: 'upload progress' })).toBeVisible();
  await expect(upload.getByTestId('upload-done')).toContainText(`Uploaded ${isoVolume}`, { timeout: 60_000 });
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  // The uploaded ISO is the one chosen.
  await expect(wizard.getByTestId('iso-volume')).toHaveValue(isoVolume);

  await wizard.getByTestId('iso-name').fill(name);
  await wizard.getByTestId('iso-os').selectOption('linux');
  await expect(wizard.getByTestId('iso-os-devices')).toContainText('virtio');
  await wizard.getByTestId('iso-memory').fill('256');
  await wizard.getByTestId('iso-vcpus').fill('1');
  await wizard.getByTestId('iso-disk-size').fill('1');
  await expect(wizard.getByTestId('iso-network')).toHaveValue('default');
  await wizard.getByTestId('iso-continue').click();

  // The definition virtdeck wrote, in the editor to change or accept.
  await expect(page.getByTestId('workbench')).toBeVisible();
  await expect(viewLine(page, "<boot dev='cdrom'/>")).toBeVisible();
  await expect(page.getByTestId('save')).toHaveText(/Define and start/);
  await page.getByTestId('save').click();

  // Defined, started, and on its screen: the installer's banner is drawn (not blank, as bright as QEMU's screendump).
  await expect(page.getByTestId(`guest-page-${name}`)).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`#/guest/${name}/screen$`));
  await expect(page.getByTestId('screen-status')).toHaveText('connected', { timeout: 60_000 });
  await expect
    .poll(
      async () => {
        const { canvas, screenshot } = await screenPixels(page, name);
        return canvas !== null && canvas.levels > 1 && screenshot.levels > 1 && Math.abs(canvas.mean - screenshot.mean) < 2;
      },
      { timeout: 120_000 },
    )
    .toBe(true);
  await expect.poll(() => readFile(path.join(server.stateDir, 'run', name, 'serial.log'), 'utf8').catch(() => ''), { timeout: 90_000 }).toContain('VIRTDECK-GUEST-READY');

  // Its new disk was made in the pool when it was defined.
  const volumes = (await (await api.get('/api/pools/default/volumes')).json()) as { name: string; format: string; capacity: number; usedBy: string[] }[];
  expect(volumes.find((v) => v.name === `${name}.qcow2`)).toMatchObject({ format: 'qcow2', capacity: 1024 * MiB, usedBy: [name] });

  // After the install: the CD-ROM ejected from the Devices tab, in the running guest and its definition.
  await page.getByTestId('tab-devices').click();
  await expect(page.getByTestId('device-disk-sda-source')).toHaveText(path.join(server.stateDir, 'images', isoVolume));
  await page.getByTestId('devices-apply-both').check();
  await page.getByTestId('device-disk-sda-eject').click();
  await expect(page.getByTestId('device-disk-sda-source')).toHaveText('no medium');
  await expect(page.getByTestId('devices-error')).toHaveCount(0);
  expect(await (await api.get(`/api/domains/${name}/xml?running=1`)).text()).not.toContain(isoVolume);
  expect(await (await api.get(`/api/domains/${name}/xml`)).text()).not.toContain(isoVolume);

  await api.post(`/api/domains/${name}/destroy`);
  expect((await api.delete(`/api/domains/${name}?volumes=vda`)).status()).toBe(204);
  expect((await api.delete(`/api/pools/default/volumes/${isoVolume}`)).status()).toBe(204);
});
