import type { APIRequestContext, Page } from '@playwright/test';
import { defineFromTemplate, expect, openApp, test, uniqueName } from './fixtures.js';

/** The demo guest from its template with a new qcow2 volume of the default pool as its disk (it has none of its own). */
async function defineWithDisk(api: APIRequestContext, name: string): Promise<void> {
  const xml = await defineFromTemplate(api, 'minimal-tcg', name);
  const volume = `<volume><name>${name}.qcow2</name><capacity unit='MiB'>64</capacity><target><format type='qcow2'/></target></volume>`;
  const created = await api.post('/api/pools/default/volumes', { data: volume, headers: { 'Content-Type': 'application/xml' } });
  expect(created.status(), await created.text()).toBe(201);
  const { path } = (await created.json()) as { path: string };
  const withDisk = xml.replace('</devices>', `  <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${path}'/><target dev='vda' bus='virtio'/></disk>\n  </devices>`);
  const saved = await api.put(`/api/domains/${name}/xml`, { data: withDisk, headers: { 'Content-Type': 'application/xml' } });
  expect(saved.ok(), await saved.text()).toBe(true);
}

/** Types into the guest's shell on the Console tab. */
async function typeInShell(page: Page, command: string): Promise<void> {
  await page.getByTestId('tab-console').click();
  await expect(page.getByTestId('console-status')).toHaveText('connected');
  await page.getByTestId('console').locator('textarea').focus();
  await page.keyboard.type(`${command}\n`);
}

async function removeGuest(api: APIRequestContext, name: string): Promise<void> {
  await api.post(`/api/domains/${name}/destroy`);
  await api.delete(`/api/domains/${name}`);
  await api.delete(`/api/pools/default/volumes/${name}.qcow2`);
}

test('a snapshot with memory: change the guest after it, revert with the loss spelled out, and the shell shows the state of the snapshot', async ({ page, server, api }) => {
  const name = uniqueName('e2e-snap');
  await defineWithDisk(api, name);
  expect((await api.post(`/api/domains/${name}/start`)).ok()).toBe(true);
  await openApp(page, server, `#/guest/${name}/console`);
  const console = page.getByTestId('console');
  await expect(console).toContainText('VIRTDECK-GUEST-READY', { timeout: 60_000 });
  // Computed values: the echo of the command line never shows them, only the guest's answers do.
  await typeInShell(page, 'echo $((1000+1)) > /tmp/f; echo saved-$((6*7))');
  await expect(console).toContainText('saved-42');

  await page.getByTestId('tab-snapshots').click();
  await expect(page.getByTestId('snapshot-kind')).toContainText('With its memory');
  await page.getByTestId('snapshot-name').fill('before-change');
  await page.getByTestId('snapshot-description').fill('/tmp/f holds 1001');
  await page.getByTestId('snapshot-create').click();
  const row = page.getByTestId('snapshot-before-change');
  await expect(row).toContainText('running · with memory');
  await expect(row).toContainText('/tmp/f holds 1001');
  await expect(page.getByTestId('snapshot-before-change-current')).toBeVisible();

  await typeInShell(page, 'echo $((2000+2)) > /tmp/f; echo changed-$((6*8))');
  await expect(console).toContainText('changed-48');

  await page.getByTestId('tab-snapshots').click();
  await row.getByTestId('snapshot-before-change-revert').click();
  const confirm = page.getByTestId('snapshot-confirm-revert');
  await expect(confirm).toContainText("The guest's current state since 'before-change'");
  await expect(confirm).toContainText('is lost');
  await confirm.getByTestId('confirm').click();
  await expect(confirm).toHaveCount(0);
  await expect(page.getByTestId('snapshot-error')).toHaveCount(0);
  await expect(page.getByTestId(`vm-${name}-state`)).toHaveText('running');

  await typeInShell(page, 'cat /tmp/f; echo read-$((6*9))');
  await expect(console).toContainText('read-54');
  await expect(console).toContainText('1001');
  await expect(console).not.toContainText('2002');

  await page.getByTestId('tab-snapshots').click();
  await row.getByTestId('snapshot-before-change-delete').click();
  await expect(page.getByTestId('snapshot-confirm-delete')).toContainText("the guest's current state is kept");
  await page.getByTestId('snapshot-confirm-delete').getByTestId('confirm').click();
  await expect(page.getByTestId('snapshots-empty')).toBeVisible();
  await removeGuest(api, name);
});

/** Clones the guest shown from its Snapshots tab and waits for the clone's page. */
async function cloneFromPage(page: Page, server: { origin: string }, name: string, clone: string, mode: 'full' | 'linked'): Promise<void> {
  await page.goto(`${server.origin}/#/guest/${name}/snapshots`);
  await page.getByTestId('clone-open').click();
  const dialog = page.getByTestId('clone-dialog');
  await dialog.getByTestId('clone-name').fill(clone);
  await dialog.getByTestId(`clone-mode-${mode}`).check();
  await dialog.getByTestId('clone-submit').click();
  await expect(page.getByTestId(`guest-page-${clone}`)).toBeVisible();
}

/** Starts the guest from its page and waits for its shell's ready marker on the console. */
async function startFromPage(page: Page, server: { origin: string }, name: string): Promise<void> {
  await page.goto(`${server.origin}/#/guest/${name}/console`);
  await page.getByTestId(`vm-${name}-start`).click();
  await expect(page.getByTestId(`vm-${name}-state`)).toHaveText('running');
  await expect(page.getByTestId('console')).toContainText('VIRTDECK-GUEST-READY', { timeout: 60_000 });
}

test('a shut-off guest is cloned from its Snapshots tab, linked or in full, and a full clone and the original both start', async ({ page, server, api }) => {
  // Three guests boot one after another under TCG.
  test.setTimeout(240_000);
  const name = uniqueName('e2e-orig');
  await defineWithDisk(api, name);
  await openApp(page, server, `#/guest/${name}/snapshots`);
  await expect(page.getByTestId('clone-open')).toBeEnabled();

  const linked = `${name}-thin`;
  await cloneFromPage(page, server, name, linked, 'linked');
  const linkedXml = await (await api.get(`/api/domains/${linked}/xml`)).text();
  const originalXml = await (await api.get(`/api/domains/${name}/xml`)).text();
  expect(linkedXml).toContain(`${linked}.qcow2`);
  expect(linkedXml).toMatch(new RegExp(`<backingStore type='file'>\\s*<format type='qcow2'/>\\s*<source file='[^']*/${name}.qcow2'/>`));
  expect(/<uuid>(.*)<\/uuid>/.exec(linkedXml)?.[1]).not.toBe(/<uuid>(.*)<\/uuid>/.exec(originalXml)?.[1]);
  expect(/<mac address='([^']+)'/.exec(linkedXml)?.[1]).not.toBe(/<mac address='([^']+)'/.exec(originalXml)?.[1]);
  await startFromPage(page, server, linked);
  // The original would change the disk under its linked clone: refused, saying why.
  await page.goto(`${server.origin}/#/guest/${name}/console`);
  await page.getByTestId(`vm-${name}-start`).click();
  await expect(page.getByTestId(`vm-${name}-error`)).toContainText(`holds the backing images of its linked clone '${linked}'`);
  await expect(page.getByTestId(`vm-${name}-state`)).toHaveText('shutoff');
  await removeGuest(api, linked);

  const full = `${name}-full`;
  await cloneFromPage(page, server, name, full, 'full');
  expect(await (await api.get(`/api/domains/${full}/xml`)).text()).not.toContain('<backingStore');
  await startFromPage(page, server, full);
  await startFromPage(page, server, name);
  await expect(async () => {
    const guests = (await (await api.get('/api/domains')).json()) as { name: string; state: string }[];
    expect(guests.filter((g) => g.name === name || g.name === full).map((g) => g.state)).toEqual(['running', 'running']);
  }).toPass();

  await removeGuest(api, full);
  await removeGuest(api, name);
});
