import { rm } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { startOwnServer, type OwnServer } from './ownServer.js';

/**
 * What a page open on a running guest shows while the server is killed and started again:
 * this spec has a server of its own, since it takes it down.
 */
test.describe('a server killed and started again under an open guest page', () => {
  let server: OwnServer;

  test.beforeAll(async () => {
    server = await startOwnServer('restart');
  });
  test.afterAll(async () => {
    // Guests outlive the server: force the demo guest off while the server still runs.
    await fetch(`${server.origin}/api/domains/demo/destroy`, { method: 'POST', headers: { Authorization: `Bearer ${server.token}` } }).catch(() => undefined);
    await server.stop();
    await rm(server.stateDir, { recursive: true, force: true });
  });

  test('the console picks up again without typing into the guest, and "cannot be reached" goes with the outage', async ({ page }) => {
    test.setTimeout(180_000);
    await page.goto(server.url);
    await expect(page.getByTestId('stream-status')).toHaveText('live');
    await page.goto(`${server.origin}/#/guest/demo/console`);
    const console = page.getByTestId('console');
    await page.getByTestId('vm-demo-start').click();
    await expect(page.getByTestId('vm-demo-state')).toHaveText('running');
    await expect(console).toContainText('VIRTDECK-GUEST-READY', { timeout: 60_000 });
    await console.click();
    await page.keyboard.type('echo before-$((6*7))\n');
    await expect(console).toContainText('before-42');
    // A program waits for a line (the shell's prompt would swallow a stray cursor report; read does not).
    await page.keyboard.type('read x; echo "read ${#x} characters"\n');
    // Keys still on their way to QEMU when the server is killed are lost with it: wait for the guest to echo the whole line.
    await expect(console).toContainText('read ${#x} characters"');

    // The server dies; the guest does not.
    await server.stop('SIGKILL');
    await expect(page.getByTestId('stream-status')).not.toHaveText('live');
    await page.getByTestId('vm-demo-suspend').click();
    await expect(page.getByTestId('vm-demo-error')).toContainText('The server cannot be reached');

    await server.start();
    await expect(page.getByTestId('stream-status')).toHaveText('live', { timeout: 60_000 });
    await expect(page.getByTestId('vm-demo-error')).toHaveCount(0);
    await expect(page.getByTestId('vm-demo-state')).toHaveText('running');

    // The console connects again and replays the boot, busybox's cursor queries included.
    await expect(page.getByTestId('console-status')).toHaveText('connected', { timeout: 60_000 });
    await expect(console).toContainText('before-42');
    await console.click();
    await page.keyboard.type('hello\n');
    await expect(console).toContainText('read 5 characters');
    await page.keyboard.type('echo after-$((6*7))\n');
    await expect(console).toContainText('after-42');
    await expect(console).not.toContainText('not found');
    await expect(console).not.toContainText(/\d+;\d+R/);
  });
});
