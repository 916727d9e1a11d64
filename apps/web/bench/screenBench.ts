/**
 * The graphical console (issue 12): time from opening a guest's Screen tab to the first
 * frame noVNC draws, in Debian's Chromium against the real server and a real guest (the
 * test set-up's installer ISO under TCG, its banner on the VGA screen). Each run opens the
 * guest page afresh on its Console tab, then clicks Screen; measured in the page from the
 * click to
 *   - the status saying `connected` (ticket, WebSocket, the server's VNC relay, RFB handshake),
 *   - the first animation frame whose canvas is not blank (every pixel the same colour).
 * For comparison in the same run: the server's own screenshot of the guest (QMP screendump
 * → PNG over HTTP), what the dashboard's thumbnail costs.
 * `BENCH_SCREEN_RUNS` (9). `node --conditions=source --import tsx bench/screenBench.ts` in
 * apps/web, after `npm run build -w @virtdeck/web`. Not a test: it prints figures.
 */
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import path from 'node:path';
import type { APIRequestContext, Page } from '@playwright/test';
import { startBenchServer } from './benchServer.js';
import { installerIso, isoGuestXml } from '../e2e/isoGuest.js';

const RUNS = Number(process.env.BENCH_SCREEN_RUNS ?? 9);
const NAME = 'bench-screen';
const READY_MARKER = 'VIRTDECK-GUEST-READY';
const log = (message: string) => console.log(`[bench] ${message}`);

const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
};

async function waitForReady(stateDir: string): Promise<void> {
  const serial = path.join(stateDir, 'run', NAME, 'serial.log');
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if ((await readFile(serial, 'utf8').catch(() => '')).includes(READY_MARKER)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${NAME} printed no ${READY_MARKER} in 180 s`);
}

/** Arms the page: from the next click on the Screen tab, when the status says connected and when the canvas first shows something. */
function armProbe(): void {
  const w = window as unknown as { __screen?: Promise<{ connected: number; frame: number }> };
  w.__screen = new Promise((resolve) => {
    const tab = document.querySelector('[data-testid="tab-screen"]')!;
    tab.addEventListener(
      'click',
      () => {
        const clicked = performance.now();
        let connected = Number.NaN;
        const look = () => {
          if (Number.isNaN(connected) && document.querySelector('[data-testid="screen-status"]')?.textContent === 'connected') connected = performance.now() - clicked;
          const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="screen"] canvas');
          if (canvas && canvas.width > 0 && canvas.height > 0) {
            const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
            if (data) {
              for (let i = 4; i < data.length; i += 4) {
                if (data[i] !== data[0] || data[i + 1] !== data[1] || data[i + 2] !== data[2]) {
                  resolve({ connected, frame: performance.now() - clicked });
                  return;
                }
              }
            }
          }
          requestAnimationFrame(look);
        };
        requestAnimationFrame(look);
      },
      { capture: true, once: true },
    );
  });
}

async function openScreen(page: Page, origin: string): Promise<{ connected: number; frame: number }> {
  await page.goto(`${origin}/#/guest/${NAME}`);
  await page.getByTestId('tab-screen').waitFor();
  await page.evaluate(armProbe);
  await page.getByTestId('tab-screen').click();
  return page.evaluate(() => (window as unknown as { __screen: Promise<{ connected: number; frame: number }> }).__screen);
}

async function screenshotMs(api: APIRequestContext): Promise<number> {
  const t0 = performance.now();
  const response = await api.get(`/api/domains/${NAME}/screenshot?width=320`);
  await response.body();
  if (!response.ok()) throw new Error(`screenshot: ${response.status()} ${await response.text()}`);
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const server = await startBenchServer();
  const { url, origin, api, browser } = server;
  try {
    const defined = await api.post('/api/domains', { data: isoGuestXml(NAME, await installerIso()), headers: { 'Content-Type': 'application/xml' } });
    if (defined.status() !== 201) throw new Error(`defining ${NAME}: ${await defined.text()}`);
    const started = await api.post(`/api/domains/${NAME}/start`);
    if (!started.ok()) throw new Error(`starting ${NAME}: ${await started.text()}`);
    await waitForReady(process.env.VIRTDECK_E2E_STATE_DIR!);
    log(`${NAME} booted its ISO after ${((Date.now() - t0) / 1000).toFixed(0)} s`);

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // tsx keeps function names with an __name helper that the page does not have.
    await context.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
    const page = await context.newPage();
    page.on('pageerror', (error) => log(`page error: ${error.message}`));
    await page.goto(url);
    await page.getByTestId('stream-status').filter({ hasText: 'live' }).waitFor();

    const connected: number[] = [];
    const frames: number[] = [];
    const screenshots: number[] = [];
    await openScreen(page, origin); // warm-up: the noVNC chunk is loaded and cached
    for (let run = 0; run < RUNS; run++) {
      const timing = await openScreen(page, origin);
      connected.push(timing.connected);
      frames.push(timing.frame);
      screenshots.push(await screenshotMs(api));
    }
    const line = (metric: string, samples: number[]) =>
      console.log(`  ${metric.padEnd(52)} median ${quantile(samples, 0.5).toFixed(1)}  p95 ${quantile(samples, 0.95).toFixed(1)} ms   (${samples.length} samples)`);
    console.log(`\nvirtdeck screen benchmark: one guest (TCG, VGA 720×400 text banner), Debian Chromium 1280×800; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    line('Screen tab clicked → status connected', connected);
    line('Screen tab clicked → first frame drawn', frames);
    line('reference: GET …/screenshot (QMP screendump → PNG)', screenshots);
    console.log(`  first frame / screenshot: ${(quantile(frames, 0.5) / quantile(screenshots, 0.5)).toFixed(2)}×`);
    await context.close();
  } finally {
    await api.post(`/api/domains/${NAME}/destroy`).catch(() => undefined);
    await server.close();
  }
  log(`done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

await main();
