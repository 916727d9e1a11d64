/**
 * Bench part `assets`: what compressing the web app's assets at start (http/webApp.ts) does to
 * a guest started meanwhile. Each round spawns three servers in turn, each on a state
 * directory of its own, and starts the demo guest on it the moment it is up:
 * - `compressing`: it serves the web app (VIRTDECK_WEB_ROOT) and is compressing it;
 * - `compressed`: it serves the web app and every asset has been fetched with brotli first,
 *   so the compression is over (and so is the rest of the server's own start-up work, which
 *   this column alone does not overlap);
 * - `no web app`: it serves none (the `start` part's server, and the tests').
 * Start → running and start → the ready marker (the boot is TCG, bound by CPU) are timed, and
 * for `compressing` how long after the server was up every asset could be fetched.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { GuestSummary } from '../api.js';
import { demoGuestXml, type DemoGuestFiles } from '../demoGuest.js';
import { openConsole } from '../testing/consoleClient.js';
import { killProcessesMentioning } from '../testing/processes.js';
import { spawnServer } from '../testing/serverProcess.js';
import { median, ms } from './stats.js';

const now = () => performance.now();
const COLUMNS = ['compressing', 'compressed', 'no web app'] as const;
type Column = (typeof COLUMNS)[number];

export interface AssetResults {
  running: Record<Column, number[]>;
  ready: Record<Column, number[]>;
  /** Server up → every asset fetched with brotli, in the `compressing` column. */
  compressedAfter: number[];
  assetBytes: number;
}

export async function assetCompressionCost(
  guest: DemoGuestFiles & { readyMarker: string },
  options: { runs: number; settleMs: number; entry: 'source' | 'dist'; webRoot: string; log: (message: string) => void },
): Promise<AssetResults | string> {
  const assetsDir = path.join(options.webRoot, 'assets');
  if (!existsSync(assetsDir)) return `no built web app in ${options.webRoot} (npm run build -w @virtdeck/web)`;
  const assets = await readdir(assetsDir);
  const sizes = await Promise.all(assets.map(async (asset) => (await stat(path.join(assetsDir, asset))).size));
  const results: AssetResults = {
    running: { compressing: [], compressed: [], 'no web app': [] },
    ready: { compressing: [], compressed: [], 'no web app': [] },
    compressedAfter: [],
    assetBytes: sizes.reduce((sum, size) => sum + size, 0),
  };

  const fetchAll = async (url: string) => {
    for (const asset of assets) {
      const response = await fetch(new URL(`assets/${asset}`, url), { headers: { 'Accept-Encoding': 'br' } });
      await response.arrayBuffer();
    }
  };

  const round = async (column: Column, counted: boolean) => {
    const stateDir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-bench-assets-'));
    const server = await spawnServer({ stateDir, entry: options.entry, env: column === 'no web app' ? { VIRTDECK_WEB_ROOT: '' } : { VIRTDECK_WEB_ROOT: options.webRoot } });
    const up = now();
    try {
      if (column === 'compressed') await fetchAll(server.url);
      const name = 'bench-assets';
      const created = await server.api.post('/api/domains', { xml: demoGuestXml(name, guest) });
      if (created.status !== 201) throw new Error(`defining ${name}: ${JSON.stringify(created.body)}`);
      const t0 = now();
      const allFetched = column === 'compressing' ? fetchAll(server.url).then(() => now() - up) : undefined;
      const started = await server.api.post<GuestSummary>(`/api/domains/${name}/start`);
      const t1 = now();
      if (started.body.state !== 'running') throw new Error(`start of ${name} failed: ${JSON.stringify(started.body)}`);
      const console = await openConsole(server.url, server.token, name);
      await console.waitFor(guest.readyMarker, { timeoutMs: 120_000 });
      const t2 = now();
      console.close();
      const fetched = await allFetched;
      await server.api.post(`/api/domains/${name}/destroy`);
      if (counted) {
        results.running[column].push(t1 - t0);
        results.ready[column].push(t2 - t0);
        if (fetched !== undefined) results.compressedAfter.push(fetched);
      }
    } finally {
      server.child.kill('SIGKILL');
      killProcessesMentioning(stateDir);
      await rm(stateDir, { recursive: true, force: true });
    }
  };

  for (let r = 0; r <= options.runs; r++) {
    const counted = r > 0;
    options.log(`assets round ${r}/${options.runs}${counted ? '' : ' (warm-up)'}`);
    for (let i = 0; i < COLUMNS.length; i++) {
      await round(COLUMNS[(r + i) % COLUMNS.length]!, counted);
      await new Promise((resolve) => setTimeout(resolve, options.settleMs));
    }
  }
  return results;
}

export function reportAssetCompression(results: AssetResults | string, runs: number): void {
  if (typeof results === 'string') {
    console.log(`\nasset compression at start: skipped, ${results}`);
    return;
  }
  console.log(`\nasset compression at start: the demo guest started the moment a server is up — medians of ${runs} runs (${(results.assetBytes / 1048576).toFixed(1)} MiB of assets)`);
  for (const column of COLUMNS) {
    console.log(`  ${column.padEnd(12)} start → running ${ms(median(results.running[column])).padStart(8)}   start → ready marker ${ms(median(results.ready[column])).padStart(8)}`);
  }
  console.log(`  compressing: every asset served with brotli ${ms(median(results.compressedAfter))} after the server was up`);
  for (const column of COLUMNS) console.log(`  ${column} ready: ${results.ready[column].map((s) => s.toFixed(0)).join(' ')}`);
}
