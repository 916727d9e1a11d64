/**
 * The web app's speed, measured in Debian's Chromium against the real server:
 *   - initial JavaScript (gzip) of the dashboard, Monaco and its workers loaded lazily;
 *   - navigation to an editable editor (a guest's Definition tab);
 *   - keystroke → marker latency in a 100-line and a 2,000-line document.
 * `npm run bench -w @virtdeck/web`. Not a test: it prints figures next to their targets.
 */
import { loadavg } from 'node:os';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import config from '../../../playwright.config.js';
import globalSetup from '../e2e/globalSetup.js';
import { domainOfLines } from './domainOfLines.js';

const TARGETS = {
  initialJsKiB: 100,
  editorReadyMs: 600,
  marker100Ms: 50,
  marker2000Ms: 150,
};
const NAVIGATION_RUNS = 7;
const KEYSTROKES = 30;

interface Figure {
  metric: string;
  median: number;
  p95?: number;
  unit: string;
  target: number;
}

const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
};

async function signedInContext(browser: Browser, url: string): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(url);
  await page.getByTestId('stream-status').filter({ hasText: 'live' }).waitFor();
  await page.close();
  return context;
}

async function initialJs(browser: Browser, url: string, origin: string): Promise<{ kib: number; files: string[] }> {
  const state = await (await signedInContext(browser, url)).storageState();
  const context = await browser.newContext({ storageState: state });
  const page = await context.newPage();
  const scripts: { url: string; gzip: number }[] = [];
  page.on('response', (response) => {
    const type = response.headers()['content-type'] ?? '';
    if (!type.includes('javascript')) return;
    void response.body().then((body) => scripts.push({ url: new URL(response.url()).pathname, gzip: gzipSync(body, { level: 9 }).length }));
  });
  await page.goto(`${origin}/#/`);
  await page.getByTestId('vm-demo-state').waitFor();
  await page.waitForLoadState('networkidle');
  await context.close();
  // The editor's workers have fixed names; Monaco itself would show as a chunk of some 900 KiB.
  if (scripts.some((s) => /editor\.worker|schema\.worker/.test(s.url) || s.gzip > 500 * 1024)) throw new Error(`The dashboard loaded the editor: ${scripts.map((s) => s.url).join(', ')}`);
  return { kib: scripts.reduce((sum, s) => sum + s.gzip, 0) / 1024, files: scripts.map((s) => `${s.url} ${(s.gzip / 1024).toFixed(1)} KiB`) };
}

/**
 * From navigation start to a Monaco editor showing the definition and ready for input (its
 * EditContext or text area in place). `cold`: a new browser profile each time (nothing
 * cached); warm: the same profile, as when the page is opened again (HTTP and V8 code caches).
 */
async function editorReady(browser: Browser, url: string, origin: string, cold: boolean): Promise<number[]> {
  const state = await (await signedInContext(browser, url)).storageState();
  const times: number[] = [];
  const shared = cold ? undefined : await browser.newContext({ storageState: state, viewport: { width: 1280, height: 800 } });
  if (shared) {
    // Fill the caches once.
    const first = await shared.newPage();
    await first.goto(`${origin}/#/guest/demo/xml`);
    await first.getByTestId('xml-editor').locator('.view-lines').filter({ hasText: '<domain' }).waitFor();
    await first.close();
  }
  for (let i = 0; i < NAVIGATION_RUNS; i++) {
    const context = shared ?? (await browser.newContext({ storageState: state, viewport: { width: 1280, height: 800 } }));
    const page = await context.newPage();
    await page.goto(`${origin}/#/guest/demo/xml`, { waitUntil: 'commit' });
    const handle = await page.waitForFunction(
      () => {
        const root = document.querySelector('[data-testid="xml-editor"]');
        const input = root?.querySelector('.monaco-editor .native-edit-context, .monaco-editor textarea');
        const shown = root?.querySelector('.view-lines')?.textContent?.includes('<domain');
        return input && shown ? performance.now() : false;
      },
      undefined,
      { polling: 'raf', timeout: 30_000 },
    );
    times.push((await handle.jsonValue()) as number);
    await page.close();
    if (!shared) await context.close();
  }
  await shared?.close();
  return times;
}

async function openDocument(page: Page, origin: string, text: string): Promise<void> {
  await page.goto(`${origin}/#/new`);
  await page.getByTestId('import-text').fill(text);
  await page.getByTestId('import-paste').click();
  await page.getByTestId('check-status').filter({ hasText: 'checked in' }).waitFor();
  await page.getByTestId('check-status').filter({ hasNotText: 'host check…' }).waitFor();
  const errors = await page.locator('[data-testid="xml-editor"] .squiggly-error').count();
  if (errors > 0) throw new Error(`The ${text.split('\n').length}-line document shows ${errors} error markers before any keystroke`);
}

/** Types a character that makes `<vcpu>` invalid and times it to the rendered marker; Backspace makes it valid again. */
async function markerLatency(page: Page): Promise<number[]> {
  const line = page.locator('[data-testid="xml-editor"] .view-line', { hasText: '<vcpu' }).first();
  await line.click();
  await page.keyboard.press('End');
  for (let i = 0; i < '</vcpu>'.length; i++) await page.keyboard.press('ArrowLeft');
  const samples: number[] = [];
  for (let i = 0; i < KEYSTROKES; i++) {
    await page.evaluate(() => {
      const w = window as unknown as { __bench?: { key?: number; marker?: number } };
      const bench: { key?: number; marker?: number } = {};
      w.__bench = bench;
      document.addEventListener('keydown', () => (bench.key = performance.now()), { capture: true, once: true });
      const overlays = document.querySelector('[data-testid="xml-editor"] .view-overlays')!;
      const observer = new MutationObserver(() => {
        if (bench.key !== undefined && overlays.querySelector('.squiggly-error')) {
          bench.marker = performance.now();
          observer.disconnect();
        }
      });
      observer.observe(overlays, { childList: true, subtree: true, attributes: true });
    });
    await page.keyboard.type('x');
    const handle = await page.waitForFunction(() => {
      const bench = (window as unknown as { __bench?: { key?: number; marker?: number } }).__bench;
      return bench?.marker !== undefined && bench.key !== undefined ? bench.marker - bench.key : false;
    });
    samples.push((await handle.jsonValue()) as number);
    await page.keyboard.press('Backspace');
    await page.locator('[data-testid="xml-editor"] .squiggly-error').first().waitFor({ state: 'detached' });
  }
  return samples;
}

async function main(): Promise<void> {
  const teardown = await globalSetup();
  const url = process.env.VIRTDECK_E2E_URL!;
  const origin = new URL(url).origin;
  const browser = await chromium.launch({ ...config.use?.launchOptions, headless: true });
  const figures: Figure[] = [];
  const report = (figure: Figure) => {
    figures.push(figure);
    console.log(format(figure));
  };
  try {
    const js = await initialJs(browser, url, origin);
    console.log(`initial JavaScript of the dashboard:\n  ${js.files.join('\n  ')}`);
    report({ metric: 'initial JS, gzip (Monaco lazy)', median: js.kib, unit: 'KiB', target: TARGETS.initialJsKiB });

    for (const cold of [true, false]) {
      const ready = await editorReady(browser, url, origin, cold);
      report({ metric: `navigation → editable editor, ${cold ? 'cold' : 'warm'}`, median: quantile(ready, 0.5), p95: quantile(ready, 0.95), unit: 'ms', target: TARGETS.editorReadyMs });
    }

    const context = await signedInContext(browser, url);
    for (const [lines, target] of [
      [100, TARGETS.marker100Ms],
      [2000, TARGETS.marker2000Ms],
    ] as const) {
      // A page per document: closing it skips the "unsaved changes" question.
      const page = await context.newPage();
      await openDocument(page, origin, domainOfLines(lines));
      const samples = await markerLatency(page);
      report({ metric: `keystroke → marker, ${lines} lines`, median: quantile(samples, 0.5), p95: quantile(samples, 0.95), unit: 'ms', target });
      await page.close();
    }
    await context.close();
  } finally {
    await browser.close();
    await teardown();
  }

  console.log(`\nvirtdeck web benchmark (Debian Chromium, real server; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')})`);
  for (const f of figures) console.log(format(f));
}

function format(f: Figure): string {
  const verdict = (value: number) => (value < f.target ? 'ok' : 'over');
  const median = `median ${f.median.toFixed(1)} (${verdict(f.median)})`;
  const p95 = f.p95 === undefined ? '' : `  p95 ${f.p95.toFixed(1)} (${verdict(f.p95)})`;
  return `  ${f.metric.padEnd(38)} ${median}${p95} ${f.unit}   target < ${f.target} ${f.unit}`;
}

await main();
