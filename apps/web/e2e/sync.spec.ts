import { defineFromTemplate, expect, openApp, test, uniqueName } from './fixtures.js';
import { viewLine } from './monaco.js';
import { startTcpProxy } from './tcpProxy.js';

test('two browser pages follow a guest that a third party changes through the API', async ({ browser, server, api }) => {
  const context = await browser.newContext();
  const [first, second] = [await context.newPage(), await context.newPage()];
  await openApp(first, server);
  await openApp(second, server);

  const name = uniqueName('e2e-sync');
  await defineFromTemplate(api, 'blank', name);
  for (const page of [first, second]) await expect(page.getByTestId(`vm-${name}-state`)).toHaveText('shutoff');

  expect((await api.post(`/api/domains/${name}/start`)).ok()).toBe(true);
  for (const page of [first, second]) await expect(page.getByTestId(`vm-${name}-state`)).toHaveText('running');

  expect((await api.post(`/api/domains/${name}/suspend`)).ok()).toBe(true);
  for (const page of [first, second]) await expect(page.getByTestId(`vm-${name}-state`)).toHaveText('paused');

  expect((await api.post(`/api/domains/${name}/destroy`)).ok()).toBe(true);
  for (const page of [first, second]) await expect(page.getByTestId(`vm-${name}-state`)).toHaveText('shutoff');

  // The second page has the guest open when it is deleted elsewhere: it leaves, and says why.
  await second.getByTestId(`vm-${name}-link`).click();
  await expect(second.getByTestId(`guest-page-${name}`)).toBeVisible();
  expect((await api.delete(`/api/domains/${name}`)).status()).toBe(204);
  await expect(first.getByTestId(`vm-${name}`)).toHaveCount(0);
  await expect(second.getByTestId('notice')).toContainText(`'${name}' was deleted elsewhere`);
  await expect(second.getByTestId('dashboard')).toBeVisible();
  await context.close();
});

test('unsaved edits of a guest deleted elsewhere are kept as a draft', async ({ page, server, api }) => {
  const name = uniqueName('e2e-draft');
  await defineFromTemplate(api, 'blank', name);
  await openApp(page, server, `#/guest/${name}/xml`);
  await viewLine(page, '<name>').click();
  await page.keyboard.press('End');
  await page.keyboard.type('\n<!-- my unsaved note');
  await expect(page.getByTestId('dirty')).toBeVisible();

  expect((await api.delete(`/api/domains/${name}`)).status()).toBe(204);
  await expect(page.getByTestId('notice')).toContainText('kept under New guest');
  await page.getByTestId('new-guest').click();
  await expect(page.getByTestId('draft')).toContainText(`unsaved edits of ${name}`);
  await page.getByTestId('draft').getByRole('button', { name: 'Open them' }).click();
  await expect(viewLine(page, 'my unsaved note')).toBeVisible();
});

test('an open definition follows a save made elsewhere, and says so', async ({ page, server, api }) => {
  const stored = await (await api.get('/api/domains/demo/xml')).text();
  await openApp(page, server, '#/guest/demo/xml');
  await expect(viewLine(page, "<memory unit='MiB'>256</memory>")).toBeVisible();

  const changed = stored.replace("<memory unit='MiB'>256</memory>", "<memory unit='MiB'>384</memory>");
  expect(changed).not.toBe(stored);
  try {
    const put = await api.put('/api/domains/demo/xml', { data: changed, headers: { 'Content-Type': 'application/xml' } });
    expect(put.ok(), await put.text()).toBe(true);
    await expect(viewLine(page, "<memory unit='MiB'>384</memory>")).toBeVisible();
    await expect(page.getByTestId('save-message')).toContainText('changed elsewhere');
    await expect(page.getByTestId('dirty')).toHaveCount(0);
    await expect(page.getByTestId('form-memory')).toHaveValue('384');
  } finally {
    await api.put('/api/domains/demo/xml', { data: stored, headers: { 'Content-Type': 'application/xml' } });
  }
});

test('a browser without the token gets a page that says where to find it, and the token signs it in', async ({ browser, server }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(server.origin);
  await expect(page.getByTestId('sign-in')).toContainText('?token=');
  await expect(page.getByTestId('sign-in')).toContainText('.virtdeck/token');
  await expect(page.getByTestId('sign-in-refused')).toHaveCount(0);
  // A wrong token: the page says so, and the right one still signs in from there.
  await page.getByTestId('token-input').fill(`${server.token}x`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('sign-in-refused')).toContainText('not this server');
  await page.getByTestId('token-input').fill(server.token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('stream-status')).toHaveText('live');
  await expect(page.getByTestId('vm-demo-state')).toBeVisible();
  expect(new URL(page.url()).search).toBe('');
  await context.close();
});

test('a lost event stream shows "reconnecting" and recovers by itself', async ({ page, server, api }) => {
  // The page talks to the server through a proxy the test can cut, like a network going away.
  const proxy = await startTcpProxy(new URL(server.origin));
  try {
    await page.goto(server.url);
    await page.goto(`${proxy.origin}/#/`);
    const status = page.getByTestId('stream-status');
    await expect(status).toHaveText('live');

    proxy.cut();
    await expect(status).toHaveText('reconnecting…');
    // A change made while the page was cut off arrives with the snapshot on reconnect.
    const name = uniqueName('e2e-offline');
    await defineFromTemplate(api, 'blank', name);
    await expect(page.getByTestId(`vm-${name}`)).toHaveCount(0);

    proxy.restore();
    await expect(status).toHaveText('live', { timeout: 30_000 });
    await expect(page.getByTestId(`vm-${name}-state`)).toHaveText('shutoff');
    await api.delete(`/api/domains/${name}`);
    await expect(page.getByTestId(`vm-${name}`)).toHaveCount(0);
  } finally {
    await proxy.close();
  }
});
