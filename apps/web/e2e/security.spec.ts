import { expect, openApp, test, uniqueName } from './fixtures.js';
import { clearLine, viewLine } from './monaco.js';

test.describe('the browser cannot be turned against the API', () => {
  test('the web app, Monaco and its workers run under the CSP without a single violation', async ({ page, server }) => {
    const violations: string[] = [];
    await page.exposeFunction('reportViolation', (text: string) => violations.push(text));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        void (window as unknown as { reportViolation: (text: string) => Promise<void> }).reportViolation(`${event.effectiveDirective} ${event.blockedURI}`);
      });
    });
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    const response = await page.goto(server.url);
    expect(response?.headers()['content-security-policy']).toMatch(/frame-ancestors 'none'/);

    await openApp(page, server, '#/guest/demo/xml');
    await expect(viewLine(page, '<vcpu')).toBeVisible();
    // An invalid value: the schema worker validates it and Monaco marks it.
    await clearLine(page, '<vcpu');
    await page.keyboard.type('<vcpu>abc</vcpu>');
    await expect(page.getByTestId('problem-counts')).toContainText(/^[1-9]\d* errors?/);
    expect(violations).toEqual([]);
  });

  test('a definition with a script in its metadata, opened in a tab, is a download and runs nothing', async ({ page, server, api }) => {
    const name = uniqueName('xss');
    const xml = `<domain type='qemu'>
  <name>${name}</name>
  <memory unit='MiB'>64</memory>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
  </os>
  <metadata>
    <html:html xmlns:html='http://www.w3.org/1999/xhtml'><html:script>document.title = 'pwned'; fetch('/api/domains/demo', { method: 'DELETE' });</html:script></html:html>
  </metadata>
</domain>
`;
    expect((await api.post('/api/domains', { data: xml, headers: { 'Content-Type': 'application/xml' } })).status()).toBe(201);
    try {
      await openApp(page, server);
      const download = page.waitForEvent('download');
      await page.goto(`${server.origin}/api/domains/${name}/xml`).catch(() => undefined);
      expect((await download).suggestedFilename()).toBe(`${name}.xml`);
      expect(await page.title()).not.toBe('pwned');
      expect((await api.get('/api/domains/demo')).status()).toBe(200);
    } finally {
      await api.delete(`/api/domains/${name}`);
    }
  });
});
