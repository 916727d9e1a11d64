import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, request, test, type APIRequestContext } from '@playwright/test';
import { haltingKernel } from '../../server/src/testing/haltingKernel.js';
import { startOwnServer, type OwnServer } from './ownServer.js';

/**
 * A guest that shows no sign of life for the server's whole watch (60 s) after its start.
 * Its own server, since the KVM mark is checked across a restart and must not reach other specs.
 */
test.describe('a started guest that shows no sign of life', () => {
  let server: OwnServer;
  let api: APIRequestContext;

  test.beforeAll(async () => {
    server = await startOwnServer('life');
    api = await request.newContext({ baseURL: server.origin, extraHTTPHeaders: { Authorization: `Bearer ${server.token}` } });
  });
  test.afterAll(async () => {
    for (const name of ['halts', 'kvm-hangs']) await api.post(`/api/domains/${name}/destroy`).catch(() => undefined);
    await api.dispose();
    await server.stop();
    await rm(server.stateDir, { recursive: true, force: true });
  });

  async function define(name: string, change: (xml: string) => string): Promise<void> {
    const demo = await (await api.get('/api/domains/demo/xml')).text();
    const xml = change(demo.replace('<name>demo</name>', `<name>${name}</name>`).replace(/\s*<uuid>[^<]*<\/uuid>/, ''));
    const defined = await api.post('/api/domains', { data: xml, headers: { 'Content-Type': 'application/xml' } });
    expect(defined.status(), await defined.text()).toBe(201);
  }

  test('the guest page says so and points at QEMU\'s log, without blaming TCG', async ({ page }) => {
    test.setTimeout(300_000);
    const kernel = path.join(server.stateDir, 'halt.bin');
    await writeFile(kernel, haltingKernel());
    await define('halts', (xml) => xml.replace(/<kernel>[^<]*<\/kernel>/, `<kernel>${kernel}</kernel>`).replace(/\s*<initrd>[^<]*<\/initrd>/, ''));
    await page.goto(server.url);
    await expect(page.getByTestId('stream-status')).toHaveText('live');
    await page.goto(`${server.origin}/#/guest/halts/console`);
    const started = await api.post('/api/domains/halts/start');
    expect(started.ok(), await started.text()).toBe(true);
    await expect(page.getByTestId('vm-halts-state')).toHaveText('running');
    await expect(page.getByTestId('vm-halts-hint')).toHaveCount(0);

    const hint = page.getByTestId('vm-halts-hint');
    await expect(hint).toContainText('No sign of life for 60 s after the start: no serial output', { timeout: 180_000 });
    await expect(hint).toContainText("See QEMU's log");
    await expect(page.getByTestId('vm-halts-state')).toHaveText('running');
    await hint.getByRole('link', { name: "Open QEMU's log" }).click();
    await expect(page).toHaveURL(/#\/guest\/halts\/qemu-log$/);
    // Under TCG the accelerator is not blamed: it runs other guests.
    await page.goto(`${server.origin}/#/guest/halts/xml`);
    await expect(page.getByTestId('accel-qemu')).toBeVisible();
    await expect(page.getByTestId('accel-qemu-caution')).toHaveCount(0);
    await expect(page.getByTestId('accel-kvm-caution')).toHaveCount(0);
    expect((await api.post('/api/domains/halts/destroy')).ok()).toBe(true);
  });

  test('a KVM guest that hangs marks KVM in the accelerator form, and the mark outlives the server', async ({ page }) => {
    test.setTimeout(300_000);
    // The demo guest under KVM: on these machines /dev/kvm opens and a Linux guest hangs at once.
    await define('kvm-hangs', (xml) => xml.replace("<domain type='qemu'", "<domain type='kvm'"));
    const started = await api.post('/api/domains/kvm-hangs/start');
    const refusal = started.ok() ? '' : ((await started.json()) as { message: string }).message;
    test.skip(/Permission denied|not usable|cannot/i.test(refusal), `KVM guests cannot start here: ${refusal}`);
    expect(started.ok(), refusal).toBe(true);

    await page.goto(server.url);
    await expect(page.getByTestId('stream-status')).toHaveText('live');
    await page.goto(`${server.origin}/#/guest/kvm-hangs/console`);
    await expect(page.getByTestId('vm-kvm-hangs-hint')).toContainText("under KVM this is what a host without working nested virtualization does, so try type='qemu' (TCG)", { timeout: 180_000 });
    await page.goto(`${server.origin}/#/guest/kvm-hangs/xml`);
    await expect(page.getByTestId('accel-kvm-caution')).toContainText("Opens, but guests did not boot here: 'kvm-hangs' showed no sign of life under it");

    expect((await api.post('/api/domains/kvm-hangs/destroy')).ok()).toBe(true);
    await server.stop();
    await server.start();
    await page.goto(server.url);
    await expect(page.getByTestId('stream-status')).toHaveText('live');
    await page.goto(`${server.origin}/#/guest/demo/xml`);
    await expect(page.getByTestId('accel-kvm-caution')).toContainText("Opens, but guests did not boot here: 'kvm-hangs'");
  });

  // Where KVM guests cannot start (the test above skips), what an earlier run kept is still read at start.
  test('what an earlier server saw of KVM is read from the state directory when the server starts', async ({ page }) => {
    test.setTimeout(120_000);
    await server.stop();
    await mkdir(path.join(server.stateDir, 'cache'), { recursive: true });
    const seen = { kvm: { silentGuest: 'earlier-guest', at: '2026-12-01T10:20:30.000Z' } };
    await writeFile(path.join(server.stateDir, 'cache', 'accelerators.json'), `${JSON.stringify(seen, null, 2)}\n`);
    await server.start();
    await page.goto(server.url);
    await expect(page.getByTestId('stream-status')).toHaveText('live');
    await page.goto(`${server.origin}/#/guest/demo/xml`);
    await expect(page.getByTestId('accel-kvm-caution')).toContainText("Opens, but guests did not boot here: 'earlier-guest' showed no sign of life under it (2026-12-01 10:20 UTC)");
    await expect(page.getByTestId('accel-qemu-caution')).toHaveCount(0);
  });
});
