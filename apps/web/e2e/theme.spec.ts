import type { Locator, Page } from '@playwright/test';
import { expect, openApp, test } from './fixtures.js';
import { viewLine } from './monaco.js';

type Rgb = [number, number, number];

function parseRgb(css: string): Rgb {
  const match = /rgba?\((\d+(?:\.\d+)?),\s*(\d+(?:\.\d+)?),\s*(\d+(?:\.\d+)?)/.exec(css);
  if (!match) throw new Error(`not an rgb() colour: ${css}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** WCAG 2's relative luminance. */
function luminance(css: string): number {
  const [r, g, b] = parseRgb(css).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as Rgb;
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** The background an element shows: its own, or the nearest ancestor's that is not transparent. */
const backgroundOf = (locator: Locator): Promise<string> =>
  locator.evaluate((start) => {
    for (let el: Element | null = start; el; el = el.parentElement) {
      const bg = getComputedStyle(el).backgroundColor;
      if (bg !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(bg)) return bg;
    }
    return 'rgb(255, 255, 255)';
  });

const colorOf = (locator: Locator, property: 'color' | 'stroke' = 'color'): Promise<string> => locator.evaluate((el, p) => getComputedStyle(el)[p], property);

const pageBackground = (page: Page) => backgroundOf(page.locator('main.content'));

const isDark = (css: string) => luminance(css) < 0.05;

test('the app, Monaco, the console and the graphs follow the system setting for dark or light, live, and keep their contrast', async ({ page, server, api }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  expect((await api.post('/api/domains/demo/start')).ok()).toBe(true);
  await openApp(page, server, '#/guest/demo');
  expect(isDark(await pageBackground(page))).toBe(true);

  // The serial console: its text stays readable, and what the guest printed stays on screen across the switch.
  const terminal = page.getByTestId('console');
  await expect(page.getByTestId('console-status')).toHaveText('connected');
  await expect(terminal).toContainText('VIRTDECK-GUEST-READY');
  const rows = terminal.locator('.xterm-rows');
  const terminalColours = async () => ({ text: await colorOf(rows), background: await backgroundOf(terminal.locator('.xterm-screen')) });
  const dark = await terminalColours();
  expect(isDark(dark.background), JSON.stringify(dark)).toBe(true);
  expect(contrast(dark.text, dark.background)).toBeGreaterThanOrEqual(4.5);

  await page.emulateMedia({ colorScheme: 'light' });
  await expect.poll(async () => isDark(await pageBackground(page))).toBe(false);
  await expect.poll(async () => isDark((await terminalColours()).background)).toBe(false);
  const light = await terminalColours();
  expect(contrast(light.text, light.background), JSON.stringify(light)).toBeGreaterThanOrEqual(4.5);
  await expect(terminal).toContainText('VIRTDECK-GUEST-READY');

  // The graphs: each line stands out from its chart (WCAG's 3:1 for graphics) in both themes.
  await page.getByTestId('tab-graphs').click();
  const cpuLine = page.getByTestId('chart-cpu').locator('polyline');
  await expect(cpuLine).toBeVisible();
  const lineColours = async () => ({ line: await colorOf(cpuLine, 'stroke'), chart: await backgroundOf(page.getByTestId('chart-cpu')) });
  const lightLine = await lineColours();
  expect(contrast(lightLine.line, lightLine.chart), JSON.stringify(lightLine)).toBeGreaterThanOrEqual(3);
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect.poll(async () => isDark((await lineColours()).chart)).toBe(true);
  const darkLine = await lineColours();
  expect(contrast(darkLine.line, darkLine.chart), JSON.stringify(darkLine)).toBeGreaterThanOrEqual(3);
  expect(darkLine.line).not.toBe(lightLine.line);

  // Monaco: the definition's editor switches theme without being reopened.
  await page.getByTestId('tab-xml').click();
  await expect(viewLine(page, '<vcpu')).toBeVisible();
  const editorBackground = () => backgroundOf(page.getByTestId('xml-editor').locator('.monaco-editor-background').first());
  expect(isDark(await editorBackground())).toBe(true);
  await expect(page.getByTestId('xml-editor').locator('.monaco-editor')).toHaveClass(/\bvs-dark\b/);
  await page.emulateMedia({ colorScheme: 'light' });
  await expect.poll(async () => isDark(await editorBackground())).toBe(false);
  await expect(page.getByTestId('xml-editor').locator('.monaco-editor')).not.toHaveClass(/\bvs-dark\b/);
});
