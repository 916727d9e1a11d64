/**
 * The dashboard with many guests (issue 14 item 7), in Debian's Chromium against the real
 * server: BENCH_DASHBOARD_GUESTS defined (100), BENCH_DASHBOARD_RUNNING of them started (30,
 * the demo kernel under TCG, 72 MiB each: 64 MiB does not boot it). Measured in the page:
 *   - stats message → DOM: from the `stats` event's arrival in the page (the app's listener,
 *     wrapped before it is added) to the change of the CPU cell of a running guest whose row is
 *     on screen, and to the end of the frame that draws it; what the main thread did per message
 *     (script, style, layout: CDP Performance metrics);
 *   - lifecycle → DOM: a guest suspended and resumed through the API, from its `guest` event's
 *     arrival to its state cell showing the new state;
 *   - the main thread's time in the app's handler of each message.
 * Measured once the running guests have booted (BENCH_DASHBOARD_SETTLE=0: while they boot).
 * `npm run bench -w @virtdeck/web`. Not a test: it prints figures next to their targets.
 */
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import path from 'node:path';
import type { APIRequestContext, CDPSession, Page } from '@playwright/test';
import { startBenchServer } from './benchServer.js';

const GUESTS = Number(process.env.BENCH_DASHBOARD_GUESTS ?? 100);
const RUNNING = Number(process.env.BENCH_DASHBOARD_RUNNING ?? 30);
const STATS_MESSAGES = Number(process.env.BENCH_DASHBOARD_STATS ?? 15);
const TOGGLES = Number(process.env.BENCH_DASHBOARD_TOGGLES ?? 10);
const TARGET_MS = 50;
const log = (message: string) => console.log(`[bench] ${message}`);
/** BENCH_DASHBOARD_SETTLE=0 measures while the guests still boot (30 TCG boots keep 2 cores busy for minutes). */
const SETTLE = process.env.BENCH_DASHBOARD_SETTLE !== '0';
const READY_MARKER = 'VIRTDECK-GUEST-READY';

const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
};

interface PageProbe {
  /** Per event type: when each message arrived and how long the app's handler ran. */
  arrivals: Record<string, { at: number; handlerMs: number; bytes: number }[]>;
  /** performance.now() of each batch of mutations in the guest table. */
  mutations: number[];
}

/** Put in the page before the app: times every SSE message the app gets and every change of the guest table. */
function installProbe(): void {
  const probe: PageProbe = { arrivals: {}, mutations: [] };
  (window as unknown as { __probe: PageProbe }).__probe = probe;
  const original = EventSource.prototype.addEventListener;
  EventSource.prototype.addEventListener = function (this: EventSource, type: string, listener: unknown, options?: unknown) {
    if (typeof listener !== 'function') return original.call(this, type, listener as EventListener, options as AddEventListenerOptions);
    const wrapped = function (this: EventSource, event: MessageEvent<string>) {
      const at = performance.now();
      performance.mark(`sse-${type}`);
      (listener as (e: MessageEvent<string>) => void).call(this, event);
      (probe.arrivals[type] ??= []).push({ at, handlerMs: performance.now() - at, bytes: event.data.length });
    };
    return original.call(this, type, wrapped as EventListener, options as AddEventListenerOptions);
  } as typeof EventSource.prototype.addEventListener;
  let marked = 0;
  const observer = new MutationObserver(() => {
    probe.mutations.push(performance.now());
    // The first change after each stats message, as a mark beside the message's own (for a trace).
    const arrivals = probe.arrivals.stats?.length ?? 0;
    if (arrivals > marked) {
      marked = arrivals;
      performance.mark('guest-table-updated');
    }
  });
  const watch = () => {
    const table = document.querySelector('[data-testid="guest-table"]');
    if (table) observer.observe(table, { subtree: true, childList: true, characterData: true, attributes: true });
    else requestAnimationFrame(watch);
  };
  document.addEventListener('DOMContentLoaded', watch);
}

async function defineGuests(api: APIRequestContext): Promise<string[]> {
  const names = Array.from({ length: GUESTS }, (_, i) => `bench-${String(i + 1).padStart(3, '0')}`);
  const template = await api.post('/api/templates/minimal-tcg', { data: { name: 'x' } });
  const { xml } = (await template.json()) as { xml: string };
  for (const name of names) {
    const body = xml.replace('<name>x</name>', `<name>${name}</name>`).replace("<memory unit='MiB'>256</memory>", "<memory unit='MiB'>72</memory>");
    const defined = await api.post('/api/domains', { data: body, headers: { 'Content-Type': 'application/xml' } });
    if (defined.status() !== 201) throw new Error(`defining ${name}: ${await defined.text()}`);
  }
  return names;
}

async function startGuests(api: APIRequestContext, names: string[]): Promise<void> {
  for (let i = 0; i < names.length; i += 6) {
    await Promise.all(
      names.slice(i, i + 6).map(async (name) => {
        const started = await api.post(`/api/domains/${name}/start`);
        if (!started.ok()) throw new Error(`starting ${name}: ${await started.text()}`);
      }),
    );
  }
}

/** Waits until every running guest has booted (its ready marker on the serial log): the dashboard of guests that are up, not booting. */
async function settled(stateDir: string, names: string[]): Promise<void> {
  const deadline = Date.now() + 15 * 60_000;
  for (const name of names) {
    const serial = path.join(stateDir, 'run', name, 'serial.log');
    while (!(await readFile(serial, 'utf8').catch(() => '')).includes(READY_MARKER)) {
      if (Date.now() > deadline) throw new Error(`${name} printed no ${READY_MARKER} in 15 minutes`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

interface RowStats {
  /** The stats message's arrival → the watched row's CPU cell changed, and → the frame with that change drawn. */
  dom: number[];
  painted: number[];
  /** Messages after which the watched cell did not change before the next one came. */
  unchanged: number;
  row: string;
  handler: number[];
  bytes: number;
  batchesPerMessage: number;
  /** The page's main thread per stats message (CDP Performance metrics over the window), by kind of work. */
  mainThread: { script: number; style: number; layout: number; task: number };
}

/**
 * The CPU cell of the first running guest whose row is wholly on screen (runs in the page). A
 * function, not a string: Playwright evaluates a string predicate with eval, which the app's
 * CSP (no 'unsafe-eval') refuses.
 */
const shownCell = (): Element | undefined =>
  [...document.querySelectorAll('[data-testid^="vm-"][data-testid$="-cpu"]')].find((c) => {
    const box = c.getBoundingClientRect();
    return box.top >= 0 && box.bottom <= window.innerHeight && c.querySelector('.cpu-value')?.textContent !== '–';
  });

/**
 * Watches the CPU cell of one running guest whose row is on screen (what a user looks at): for
 * each stats message, the first change of that cell after it, then the end of the next frame
 * (a message posted from requestAnimationFrame runs once that frame's style, layout and paint are
 * done). A change of another row, or a frame drawn before the change, does not count.
 */
async function statsToDom(page: Page, cdp: CDPSession): Promise<RowStats> {
  // A running guest's cell shows its figure from the first stats message on.
  const cell = await page.waitForFunction(shownCell, undefined, { timeout: 30_000, polling: 250 });
  await page.evaluate((shown) => ((window as unknown as { __watchedCell?: unknown }).__watchedCell = shown), cell);
  const row = await page.evaluate(() => {
    const w = window as unknown as { __probe: PageProbe; __watchedCell?: HTMLElement; __row?: { updates: number[]; painted: number[]; messages: number[] } };
    const probe = w.__probe;
    probe.arrivals.stats = [];
    probe.mutations = [];
    const cell = w.__watchedCell;
    if (!cell) throw new Error('no running guest’s CPU cell is on screen');
    const watched = { updates: [] as number[], painted: [] as number[], messages: [] as number[] };
    w.__row = watched;
    let seen = 0;
    new MutationObserver(() => {
      const message = probe.arrivals.stats?.length ?? 0;
      if (message === seen) return;
      seen = message;
      const at = performance.now();
      watched.messages.push(message - 1);
      watched.updates.push(at);
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => watched.painted.push(performance.now());
        channel.port2.postMessage(null);
      });
    }).observe(cell, { subtree: true, childList: true, characterData: true, attributes: true });
    return cell.dataset.testid ?? '?';
  });
  const metrics = async () => Object.fromEntries(((await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] }).metrics.map((m) => [m.name, m.value]));
  const before = await metrics();
  // Polled by timer: Playwright's default polls on every animation frame, which keeps the page
  // drawing frames (60 a second) for the whole window and is then what the frames measure.
  await page.waitForFunction((n) => ((window as unknown as { __probe: PageProbe }).__probe.arrivals.stats?.length ?? 0) > n, STATS_MESSAGES, { timeout: STATS_MESSAGES * 5_000 + 30_000, polling: 500 });
  const after = await metrics();
  const messages = await page.evaluate(() => (window as unknown as { __probe: PageProbe }).__probe.arrivals.stats?.length ?? 0);
  // The last frame's message may still be on its way.
  await page.waitForTimeout(200);
  const { probe, watched } = await page.evaluate(() => {
    const w = window as unknown as { __probe: PageProbe; __row: { updates: number[]; painted: number[]; messages: number[] } };
    return { probe: w.__probe, watched: w.__row };
  });
  const arrivals = (probe.arrivals.stats ?? []).slice(0, STATS_MESSAGES);
  const dom: number[] = [];
  const painted: number[] = [];
  for (const [i, arrival] of arrivals.entries()) {
    const j = watched.messages.indexOf(i);
    const until = arrivals[i + 1]?.at ?? Infinity;
    const updated = watched.updates[j];
    if (j < 0 || updated === undefined || updated >= until) continue;
    dom.push(updated - arrival.at);
    const frame = watched.painted[j];
    if (frame !== undefined) painted.push(frame - arrival.at);
  }
  const span = (arrivals[arrivals.length - 1]?.at ?? 0) - (arrivals[0]?.at ?? 0);
  const batches = probe.mutations.filter((t) => t >= (arrivals[0]?.at ?? 0) && t < (arrivals[arrivals.length - 1]?.at ?? 0)).length;
  const per = (name: string) => (((after[name] ?? 0) - (before[name] ?? 0)) * 1000) / messages;
  return {
    dom,
    painted,
    unchanged: arrivals.length - dom.length,
    row,
    handler: arrivals.map((a) => a.handlerMs),
    bytes: quantile(arrivals.map((a) => a.bytes), 0.5),
    batchesPerMessage: span > 0 ? batches / (arrivals.length - 1) : Number.NaN,
    mainThread: { script: per('ScriptDuration'), style: per('RecalcStyleDuration'), layout: per('LayoutDuration'), task: per('TaskDuration') },
  };
}

async function lifecycleToDom(page: Page, api: APIRequestContext, name: string): Promise<{ dom: number[]; handler: number[] }> {
  const samples: number[] = [];
  const handler: number[] = [];
  for (let i = 0; i < TOGGLES; i++) {
    for (const [action, state] of [
      ['suspend', 'paused'],
      ['resume', 'running'],
    ] as const) {
      await page.evaluate(
        ({ name, state }) => {
          const w = window as unknown as { __probe: PageProbe; __shown?: Promise<number> };
          w.__probe.arrivals.guest = [];
          const cell = document.querySelector(`[data-testid="vm-${name}-state"]`)!;
          w.__shown = new Promise((resolve) => {
            const observer = new MutationObserver(() => {
              if (cell.textContent === state) {
                observer.disconnect();
                resolve(performance.now());
              }
            });
            observer.observe(cell, { subtree: true, childList: true, characterData: true });
          });
        },
        { name, state },
      );
      const response = await api.post(`/api/domains/${name}/${action}`);
      if (!response.ok()) throw new Error(`${action} ${name}: ${await response.text()}`);
      const latency = await page.evaluate(async () => {
        const w = window as unknown as { __probe: PageProbe; __shown: Promise<number> };
        const shown = await w.__shown;
        // The guest's own message: the last `guest` event before the cell changed.
        const arrival = [...(w.__probe.arrivals.guest ?? [])].reverse().find((a) => a.at <= shown);
        return { dom: arrival ? shown - arrival.at : Number.NaN, handler: arrival?.handlerMs ?? Number.NaN };
      });
      samples.push(latency.dom);
      handler.push(latency.handler);
    }
  }
  return { dom: samples, handler };
}

/** BENCH_DASHBOARD_PROFILE=1: where the page's main thread spent the stats window, by function (self time). */
function printProfile(profile: { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]; samples?: number[]; timeDeltas?: number[] }): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  (profile.samples ?? []).forEach((id, i) => {
    const frame = byId.get(id)?.callFrame;
    const key = frame ? `${frame.functionName || '(anonymous)'} ${frame.url.split('/').pop()}:${frame.lineNumber}` : '?';
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas?.[i] ?? 0) / 1000);
  });
  console.log('page profile, self time in the stats window:');
  for (const [key, time] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`  ${time.toFixed(1).padStart(8)} ms  ${key}`);
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const server = await startBenchServer();
  const { url, api, browser } = server;
  try {
    const names = await defineGuests(api);
    log(`${GUESTS} guests defined; starting ${RUNNING}`);
    const running = names.slice(0, RUNNING);
    await startGuests(api, running);
    log(`${RUNNING} started after ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    if (SETTLE) {
      await settled(process.env.VIRTDECK_E2E_STATE_DIR!, running);
      log(`${RUNNING} booted after ${((Date.now() - t0) / 1000).toFixed(0)} s; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    }

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // tsx keeps function names with an __name helper that the page does not have.
    await context.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
    await context.addInitScript(installProbe);
    const page = await context.newPage();
    page.on('pageerror', (error) => log(`page error: ${error.message}`));
    await page.goto(url);
    await page.getByTestId('stream-status').filter({ hasText: 'live' }).waitFor();
    await page.locator('[data-testid^="vm-bench-"][data-testid$="-state"]').nth(GUESTS - 1).waitFor();
    const rows = await page.locator('tbody tr[data-testid^="vm-bench-"]').count();
    if (rows !== GUESTS) throw new Error(`the dashboard shows ${rows} of the ${GUESTS} guests`);

    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const profile = process.env.BENCH_DASHBOARD_PROFILE === '1';
    if (profile) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    const stats = await statsToDom(page, cdp);
    if (profile) printProfile((await cdp.send('Profiler.stop')).profile);
    log(`${stats.dom.length} stats messages timed`);
    const lifecycle = await lifecycleToDom(page, api, running[running.length - 1] ?? names[0]!);

    const line = (metric: string, samples: number[], target?: number) => {
      const median = quantile(samples, 0.5);
      const p95 = quantile(samples, 0.95);
      const verdict = (v: number) => (target === undefined ? '' : v < target ? ' (ok)' : ' (over)');
      console.log(`  ${metric.padEnd(44)} median ${median.toFixed(1)}${verdict(median)}  p95 ${p95.toFixed(1)}${verdict(p95)} ms${target === undefined ? '' : `   target < ${target} ms`}   (${samples.length} samples)`);
    };
    console.log(`\nvirtdeck dashboard benchmark: ${GUESTS} guests, ${RUNNING} running (TCG, ${SETTLE ? 'booted' : 'booting'}), Debian Chromium 1280×800; stats message ${(stats.bytes / 1024).toFixed(1)} KiB; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    console.log(`  watched: ${stats.row} (a running guest's row on screen); its cell did not change after ${stats.unchanged} of ${STATS_MESSAGES} messages`);
    line('stats message → that row’s CPU cell updated', stats.dom, TARGET_MS);
    line('stats message → that update painted', stats.painted, TARGET_MS);
    line('  main thread in the stats handler', stats.handler);
    const work = stats.mainThread;
    console.log(`    main thread per stats message: ${work.task.toFixed(1)} ms in tasks, of which script ${work.script.toFixed(1)}, style ${work.style.toFixed(1)}, layout ${work.layout.toFixed(1)} ms`);
    console.log(`    guest table changes per stats message: ${stats.batchesPerMessage.toFixed(1)}`);
    line('suspend/resume → state cell shows it', lifecycle.dom, TARGET_MS);
    line('  main thread in the guest handler', lifecycle.handler);
    await context.close();
  } finally {
    await server.close();
  }
  log(`done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

await main();
