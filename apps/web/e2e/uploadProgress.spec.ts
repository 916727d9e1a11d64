import { expect, openApp, test, uniqueName } from './fixtures.js';

const MiB = 1024 * 1024;

test('an upload on the storage page shows its progress as it goes, and a cancelled one leaves no volume', async ({ page, server, api }) => {
  const file = `${uniqueName('e2e-slow')}.img`;
  await openApp(page, server, '#/storage');
  await expect(page.getByTestId('pool-default')).toBeVisible();
  // A slow link (Chromium's own throttling), so the upload is seen between its first and last byte.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 512 * 1024 });

  const upload = page.getByTestId('upload-volume');
  await upload.getByTestId('upload-file').setInputFiles({ name: file, mimeType: 'application/octet-stream', buffer: Buffer.alloc(8 * MiB, 3) });
  await upload.getByTestId('upload-submit').click();
  const progress = upload.getByTestId('upload-progress');
  await expect(progress).toContainText('of 8.00 MiB');
  // Some bytes sent and not all: a percentage strictly between 0 and 100.
  await expect(async () => {
    const percent = Number(/([\d.]+)\s*%/.exec((await progress.textContent()) ?? '')?.[1]);
    expect(percent).toBeGreaterThan(0);
    expect(percent).toBeLessThan(100);
  }).toPass({ timeout: 15_000 });
  await expect(upload.getByRole('progressbar', { name: 'upload progress' })).toBeVisible();

  await upload.getByTestId('upload-cancel').click();
  await expect(progress).toHaveCount(0);
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await expect.poll(async () => (await api.get(`/api/pools/default/volumes/${file}`)).status()).toBe(404);
  await page.reload();
  await expect(page.getByTestId(`volume-${file}`)).toHaveCount(0);
});
