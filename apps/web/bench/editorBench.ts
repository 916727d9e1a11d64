/**
 * The web app's speed, measured in Debian's Chromium against the real server:
 *   - initial JavaScript (gzip) of the dashboard, Monaco and its workers loaded lazily;
 *   - navigation to an editable editor (a guest's Definition tab);
 *   - keystroke → marker latency in a 100-line and a 2,000-line document.
 * `npm run bench -w @virtdeck/web`. Not a test: it prints figures next to their targets.
 * BENCH_REFERENCE_WEB_ROOT=DIR times another build of the web app in turns with this one.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import config from '../../../playwright.config.js';
import { startBenchServer, startWebServer } from './benchServer.js';
import { domainOfLines } from './domainOfLines.js';

const TARGETS = {
  initialJsKiB: 100,
  editorReadyMs: 600,
  marker100Ms: 50,
  marker2000Ms: 150,
};
// BENCH_RUNS=N: more runs where the load makes 7 too few to tell two builds apart.
const NAVIGATION_RUNS = Number(process.env.BENCH_RUNS ?? 7);
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

/** Under load (up to 7 agents on 2 cores) a step can take far longer than Playwright's 30 s default. */
const STEP_TIMEOUT_MS = 120_000;

async function newContext(browser: Browser, options: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  return context;
}

async function signedInContext(browser: Browser, url: string): Promise<BrowserContext> {
  const context = await newContext(browser);
  const page = await context.newPage();
  await page.goto(url);
  await page.getByTestId('stream-status').filter({ hasText: 'live' }).waitFor();
  await page.close();
  return context;
}

async function initialJs(browser: Browser, url: string, origin: string): Promise<{ kib: number; files: string[] }> {
  const state = await (await signedInContext(browser, url)).storageState();
  const context = await newContext(browser, { storageState: state });
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

/** A phase of opening the editor, read from the page's Performance marks and Resource Timing. */
const PHASES = [
  ['html', 'the page (HTML) received'],
  ['entry', 'entry script running (main.tsx)'],
  ['definition', 'definition received (GET …/xml)'],
  ['monacoFetched', 'Monaco chunks received'],
  ['app', 'app chunk running (startApp.tsx)'],
  ['monacoEvaluated', 'Monaco chunks evaluated'],
  ['session', 'definition handed to a model'],
  ['editorCreate', 'monaco.editor.create called'],
  ['editorCreated', 'editor created and focused'],
  ['shown', 'text and input in place'],
  ['editable', 'typed key visible in the text'],
  ['workers', 'schema workers started'],
  ['diagnostics', 'first diagnostics'],
] as const;
type Phase = (typeof PHASES)[number][0];
type Phases = Partial<Record<Phase, number>>;

/** The key the bench types: it lands at 1:1, so the first line starts with it once typed. */
const TYPED = 'q';

/** A build of the web app served by a real server: this one, and optionally a reference to compare with in the same run. */
interface Target {
  label: string;
  url: string;
  origin: string;
}

/**
 * How the editor page is opened: `cold`, a new private profile each time (nothing cached);
 * `warm, private window`, the same private profile again (HTTP cache; Chromium keeps no V8
 * code cache for private profiles); `warm`, a profile on disk as a user's browser has (HTTP
 * cache and V8's code cache of the scripts it has run before).
 */
const MODES = ['cold', 'warm, private window', 'warm'] as const;
type Mode = (typeof MODES)[number];

/** Somewhere to open pages in a mode: a new context per run (cold) or one for all runs. */
interface Opener {
  context(): Promise<BrowserContext>;
  done(context: BrowserContext): Promise<void>;
  close(): Promise<void>;
}

async function openerFor(browser: Browser, target: Target, mode: Mode): Promise<Opener> {
  const state = await (await signedInContext(browser, target.url)).storageState();
  if (mode === 'cold') {
    return { context: () => newContext(browser, { storageState: state }), done: (context) => context.close(), close: async () => undefined };
  }
  let shared: BrowserContext;
  let dir: string | undefined;
  if (mode === 'warm') {
    dir = await mkdtemp(path.join(tmpdir(), 'virtdeck-bench-profile-'));
    shared = await chromium.launchPersistentContext(dir, { ...config.use?.launchOptions, headless: true, viewport: { width: 1280, height: 800 } });
    shared.setDefaultTimeout(STEP_TIMEOUT_MS);
    // The server's URL signs the profile in (a cookie).
    const page = await shared.newPage();
    await page.goto(target.url);
    await page.getByTestId('stream-status').filter({ hasText: 'live' }).waitFor();
    await page.close();
  } else shared = await newContext(browser, { storageState: state });
  // Fill the caches. Twice: Chromium keeps the code V8 compiled for a script when it runs it a second time.
  for (let i = 0; i < 2; i++) {
    const page = await shared.newPage();
    await page.goto(`${target.origin}/#/guest/demo/xml`);
    await page.getByTestId('xml-editor').locator('.view-lines').filter({ hasText: '<domain' }).waitFor();
    await page.close();
  }
  return {
    context: async () => shared,
    done: async () => undefined,
    close: async () => {
      await shared.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * From navigation start until a key typed into the editor shows in its text: the bench types
 * a key every few milliseconds from navigation on, as someone would who starts typing as soon
 * as they can, and times the first frame whose first line starts with it. Keys that come
 * before the editor has focus land nowhere.
 */
async function openEditor(context: BrowserContext, origin: string): Promise<Phases> {
  const page = await context.newPage();
  await page.goto(`${origin}/#/guest/demo/xml`, { waitUntil: 'commit' });
  let typing = true;
  const typist = (async () => {
    while (typing) {
      await page.keyboard.press(TYPED).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  try {
    await page.waitForFunction(
      (typed) => {
        const w = window as unknown as { __shown?: number };
        const root = document.querySelector('[data-testid="xml-editor"]');
        const input = root?.querySelector('.monaco-editor .native-edit-context, .monaco-editor textarea');
        const first = root?.querySelector('.view-lines .view-line')?.textContent ?? '';
        if (input && w.__shown === undefined && root?.querySelector('.view-lines')?.textContent?.includes('<domain')) w.__shown = performance.now();
        if (!first.startsWith(`${typed}<domain`)) return false;
        performance.mark('virtdeck:editable');
        return true;
      },
      TYPED,
      { polling: 'raf', timeout: STEP_TIMEOUT_MS },
    );
  } finally {
    typing = false;
    await typist;
  }
  // The workers start and the first diagnostics come after the editor is editable: wait for them too.
  await page.waitForFunction(() => performance.getEntriesByName('virtdeck:diagnostics').length > 0, undefined, { timeout: STEP_TIMEOUT_MS });
  // Raw entries, taken apart here: a function defined inside evaluate() would need tsx's helpers in the page.
  const entries = await page.evaluate(() => ({
    marks: performance.getEntriesByType('mark').map((m) => [m.name, m.startTime] as const),
    resources: (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map((r) => [new URL(r.name).pathname, r.responseEnd] as const),
    html: (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined)?.responseEnd,
    shown: (window as unknown as { __shown?: number }).__shown,
  }));
  // Unsaved edits: closing the page skips the question.
  await page.close();
  const mark = (name: string) => entries.marks.find(([n]) => n === `virtdeck:${name}`)?.[1];
  const received = (pattern: RegExp) => {
    const ends = entries.resources.filter(([p]) => pattern.test(p)).map(([, end]) => end);
    return ends.length > 0 ? Math.max(...ends) : undefined;
  };
  return {
    html: entries.html,
    entry: mark('entry'),
    definition: received(/\/api\/.*\/xml$/),
    // Monaco's own chunk and the editor pages' chunk (each named after one of its modules).
    monacoFetched: received(/\/assets\/(editorPages|diffEditorWidget)-[^/]*\.js$/),
    app: mark('app'),
    monacoEvaluated: mark('monaco-evaluated'),
    session: mark('definition'),
    editorCreate: mark('editor-create'),
    editorCreated: mark('editor-created'),
    shown: entries.shown,
    editable: mark('editable'),
    workers: mark('workers'),
    diagnostics: mark('diagnostics'),
  };
}

/** NAVIGATION_RUNS runs of each target in one mode, taking turns, so both see the same load. */
async function editorReady(browser: Browser, targets: Target[], mode: Mode): Promise<Phases[][]> {
  const openers = [];
  for (const target of targets) openers.push(await openerFor(browser, target, mode));
  const runs: Phases[][] = targets.map(() => []);
  try {
    for (let i = 0; i < NAVIGATION_RUNS; i++) {
      for (const [t, target] of targets.entries()) {
        const opener = openers[t]!;
        const context = await opener.context();
        runs[t]!.push(await openEditor(context, target.origin));
        await opener.done(context);
      }
    }
  } finally {
    for (const opener of openers) await opener.close();
  }
  return runs;
}

/** Each phase's median over the runs, in the order phases happen. */
function phaseTable(runs: Phases[]): string {
  return PHASES.map(([phase, label]) => {
    const values = runs.map((r) => r[phase]).filter((v): v is number => v !== undefined);
    const median = values.length > 0 ? quantile(values, 0.5).toFixed(0).padStart(6) : '     –';
    return `    ${median} ms  ${label}${values.length < runs.length ? ` (in ${values.length} of ${runs.length} runs)` : ''}`;
  }).join('\n');
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
    }, undefined, { timeout: STEP_TIMEOUT_MS });
    samples.push((await handle.jsonValue()) as number);
    await page.keyboard.press('Backspace');
    await page.locator('[data-testid="xml-editor"] .squiggly-error').first().waitFor({ state: 'detached' });
  }
  return samples;
}

async function main(): Promise<void> {
  const server = await startBenchServer();
  const { url, origin, browser } = server;
  // BENCH_REFERENCE_WEB_ROOT=DIR: another build (e.g. main's apps/web/dist, copied) served by a second server, timed in turns with this one.
  const reference = process.env.BENCH_REFERENCE_WEB_ROOT ? await startWebServer(path.resolve(process.env.BENCH_REFERENCE_WEB_ROOT)) : undefined;
  const figures: Figure[] = [];
  const report = (figure: Figure) => {
    figures.push(figure);
    console.log(format(figure));
  };
  try {
    const js = await initialJs(browser, url, origin);
    console.log(`initial JavaScript of the dashboard:\n  ${js.files.join('\n  ')}`);
    report({ metric: 'initial JS, gzip (Monaco lazy)', median: js.kib, unit: 'KiB', target: TARGETS.initialJsKiB });

    const targets: Target[] = [{ label: 'this build', url, origin }];
    if (reference) targets.push({ label: `reference ${process.env.BENCH_REFERENCE_WEB_ROOT}`, url: reference.url, origin: new URL(reference.url).origin });
    for (const mode of MODES) {
      const runs = await editorReady(browser, targets, mode);
      for (const [t, target] of targets.entries()) {
        const ready = runs[t]!.map((r) => r.editable!);
        console.log(`navigation → editable, ${mode}, ${target.label}: median of each phase from navigation start (load ${loadavg()[0]!.toFixed(1)})\n${phaseTable(runs[t]!)}`);
        const metric = `navigation → editable editor, ${mode}${t > 0 ? ' (reference)' : ''}`;
        report({ metric, median: quantile(ready, 0.5), p95: quantile(ready, 0.95), unit: 'ms', target: TARGETS.editorReadyMs });
      }
    }

    // BENCH_NAVIGATION_ONLY=1: only the figures above (while working on them).
    const context = await signedInContext(browser, url);
    if (!process.env.BENCH_NAVIGATION_ONLY) for (const [lines, target] of [
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
    await reference?.close();
    await server.close();
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
