import { defineFromTemplate, expect, openApp, test, uniqueName } from './fixtures.js';
import { editorOf } from './monaco.js';

test('the guest page counts vCPUs in words: 1 vCPU, 2 vCPUs', async ({ page, server, api }) => {
  const one = uniqueName('e2e-vcpu');
  const two = uniqueName('e2e-vcpus');
  await defineFromTemplate(api, 'minimal-tcg', one);
  const xml = (await defineFromTemplate(api, 'minimal-tcg', two)).replace(/<vcpu([^>]*)>\d+<\/vcpu>/, '<vcpu$1>2</vcpu>');
  expect(xml).toContain('>2</vcpu>');
  const put = await api.put(`/api/domains/${two}/xml`, { data: xml, headers: { 'Content-Type': 'application/xml' } });
  expect(put.ok(), await put.text()).toBe(true);

  await openApp(page, server, `#/guest/${one}/console`);
  await expect(page.getByTestId('guest-meta')).toContainText(' · 1 vCPU · ');
  await page.goto(`${server.origin}/#/guest/${two}/console`);
  await expect(page.getByTestId('guest-meta')).toContainText(' · 2 vCPUs · ');
  for (const name of [one, two]) expect((await api.delete(`/api/domains/${name}`)).status()).toBe(204);
});

// Monaco drops a completion whose range it cannot use and says "[suggest] did IGNORE invalid
// completion item" on the console: it did while a definition was typed, at each open quote.
test('typing a whole definition key by key logs no ignored completion', async ({ page, server, api }) => {
  test.setTimeout(240_000);
  const messages: string[] = [];
  page.on('console', (message) => messages.push(message.text()));
  const name = uniqueName('e2e-typed');
  await defineFromTemplate(api, 'blank', name);
  await openApp(page, server, `#/guest/${name}/xml`);
  const editor = editorOf(page);
  await expect(editor.locator('.view-line').first()).toBeVisible();
  await editor.locator('.view-line').first().click();
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Delete');
  const lines = [
    `<domain type='qemu'>`,
    `<name>${name}</name>`,
    `<memory unit='MiB'>128</memory>`,
    `<vcpu placement='static'>1</vcpu>`,
    `<os>`,
    `<type arch='x86_64' machine='pc'>hvm</type>`,
    `<boot dev='hd'/>`,
    `</os>`,
    `<devices>`,
    `<disk type='file' device='disk'>`,
    `<driver name='qemu' type='qcow2'/>`,
    `<target dev='vda' bus='virtio'/>`,
    `</disk>`,
    `<serial type='pty'/>`,
    `</devices>`,
    `</domain>`,
  ];
  // Counts the times the suggestion list opens, so the test knows completions were asked.
  await page.evaluate(() => {
    const w = window as unknown as { __suggestOpened: number };
    w.__suggestOpened = 0;
    new MutationObserver((records) => {
      for (const record of records) {
        const el = record.target as Element;
        if (el.classList.contains('suggest-widget') && el.classList.contains('visible') && !(record.oldValue ?? '').includes('visible')) w.__suggestOpened++;
      }
    }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['class'], attributeOldValue: true });
  });
  for (const line of lines) {
    // Key by key, as a person types, so completions are asked at every quote, space and '<'.
    await page.keyboard.type(line, { delay: 15 });
    await page.keyboard.press('Escape');
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
  }
  // Then a device added in the middle, as one edits a definition: the quotes further down are
  // where an open value's text ran on to.
  await editor.locator('.view-line', { hasText: '<devices>' }).click();
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  for (const line of [`<interface type='user'>`, `<model type='virtio'/>`, `</interface>`]) {
    await page.keyboard.type(line, { delay: 15 });
    await page.keyboard.press('Escape');
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
  }
  // And an attribute added to an empty element: before '/>' Monaco does not close the quote, so
  // the value is open while it is typed.
  await editor.locator('.view-line', { hasText: "<driver name='qemu'" }).click();
  await page.keyboard.press('End');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.type(" cache='none'", { delay: 15 });
  await page.keyboard.press('Escape');
  await expect(editor.locator('.view-line', { hasText: "<driver name='qemu'" })).toContainText("cache='none'/>");
  // Completions were asked along the way (the test would prove nothing otherwise).
  expect(await page.evaluate(() => (window as unknown as { __suggestOpened: number }).__suggestOpened)).toBeGreaterThan(5);
  expect(messages.filter((text) => text.includes('did IGNORE'))).toEqual([]);
  expect((await api.delete(`/api/domains/${name}`)).status()).toBe(204);
});
