/**
 * Bench part `assets`: what serving the web app (http/webApp.ts) does to a guest started the
 * moment a new server is up. Each round spawns three servers in turn, each on a state
 * directory of its own, and starts the demo guest on it at once:
 * - `build copies`: it serves the web app as built (VIRTDECK_WEB_ROOT), with the brotli and
 *   gzip copies the web build writes beside each asset, so it only reads them;
 * - `compressing`: it serves the same web app without those copies (a web root built by
 *   something else), so it compresses every asset itself, at nice 19, while the guest starts;
 * - `no web app`: it serves none (the `start` part's server, and the tests').
 * Start → running and start → the ready marker (the boot is TCG, bound by CPU) are timed, and
 * for the first two how long after the server was up every asset could be fetched with brotli.
 */
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { GuestSummary } from '../api.js';
import { demoGuestXml, type DemoGuestFiles } from '../demoGuest.js';
import { openConsole } from '../testing/consoleClient.js';
import { killProcessesMentioning } from '../testing/processes.js';
import { spawnServer } from '../testing/serverProcess.js';
import { median, ms } from './stats.js';

const now = () => performance.now();
const COLUMNS = ['build copies', 'compressing', 'no web app'] as const;
/** The web build's compressed copy of an asset (apps/web/build/precompress.ts). */
const isCopy = (file: string) => file.endsWith('.br') || file.endsWith('.gz');
type Column = (typeof COLUMNS)[number];

export interface AssetResults {
  running: Record<Column, number[]>;
  ready: Record<Column, number[]>;
  /** Server up → every asset fetched with brotli, in the columns with a web app. */
  fetchedAfter: Record<Exclude<Column, 'no web app'>, number[]>;
  assetBytes: number;
  /** The web root holds the build's copies (a web root built before they were written does not). */
  copies: boolean;
}

export async function assetCompressionCost(
  guest: DemoGuestFiles & { readyMarker: string },
  options: { runs: number; settleMs: number; entry: 'source' | 'dist'; webRoot: string; log: (message: string) => void },
): Promise<AssetResults | string> {
  const assetsDir = path.join(options.webRoot, 'assets');
  if (!existsSync(assetsDir)) return `no built web app in ${options.webRoot} (npm run build -w @virtdeck/web)`;
  const files = await readdir(assetsDir);
  const assets = files.filter((file) => !isCopy(file));
  const sizes = await Promise.all(assets.map(async (asset) => (await stat(path.join(assetsDir, asset))).size));
  const results: AssetResults = {
    running: { 'build copies': [], compressing: [], 'no web app': [] },
    ready: { 'build copies': [], compressing: [], 'no web app': [] },
    fetchedAfter: { 'build copies': [], compressing: [] },
    assetBytes: sizes.reduce((sum, size) => sum + size, 0),
    copies: files.some(isCopy),
  };
  // The same web app without the build's copies.
  const bareRoot = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-bench-web-'));
  await cp(options.webRoot, bareRoot, { recursive: true, filter: (source) => !isCopy(source) });
  const webRoots: Record<Column, string> = { 'build copies': options.webRoot, compressing: bareRoot, 'no web app': '' };

  const fetchAll = async (url: string) => {
    for (const asset of assets) {
      const response = await fetch(new URL(`assets/${asset}`, url), { headers: { 'Accept-Encoding': 'br' } });
      await response.arrayBuffer();
    }
  };

  const round = async (column: Column, counted: boolean) => {
    const stateDir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-bench-assets-'));
    const server = await spawnServer({ stateDir, entry: options.entry, env: { VIRTDECK_WEB_ROOT: webRoots[column] } });
    const up = now();
    try {
      const name = 'bench-assets';
      const created = await server.api.post('/api/domains', { xml: demoGuestXml(name, guest) });
      if (created.status !== 201) throw new Error(`defining ${name}: ${JSON.stringify(created.body)}`);
      const t0 = now();
      const allFetched = column === 'no web app' ? undefined : fetchAll(server.url).then(() => now() - up);
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
        if (fetched !== undefined && column !== 'no web app') results.fetchedAfter[column].push(fetched);
      }
    } finally {
      server.child.kill('SIGKILL');
      killProcessesMentioning(stateDir);
      await rm(stateDir, { recursive: true, force: true });
    }
  };

  try {
    for (let r = 0; r <= options.runs; r++) {
      const counted = r > 0;
      options.log(`assets round ${r}/${options.runs}${counted ? '' : ' (warm-up)'}`);
      for (let i = 0; i < COLUMNS.length; i++) {
        await round(COLUMNS[(r + i) % COLUMNS.length]!, counted);
        await new Promise((resolve) => setTimeout(resolve, options.settleMs));
      }
    }
  } finally {
    await rm(bareRoot, { recursive: true, force: true });
  }
  return results;
}

export function reportAssetCompression(results: AssetResults | string, runs: number): void {
  if (typeof results === 'string') {
    console.log(`\nasset compression at start: skipped, ${results}`);
    return;
  }
  console.log(`\nasset compression at start: the demo guest started the moment a server is up — medians of ${runs} runs (${(results.assetBytes / 1048576).toFixed(1)} MiB of assets)`);
  if (!results.copies) console.log('  the web root has no compressed copies of its own (built before the web build wrote them): both columns with a web app compress');
  for (const column of COLUMNS) {
    const fetched = column === 'no web app' ? '' : `   every asset in brotli ${ms(median(results.fetchedAfter[column])).padStart(8)} after the server was up`;
    console.log(`  ${column.padEnd(12)} start → running ${ms(median(results.running[column])).padStart(8)}   start → ready marker ${ms(median(results.ready[column])).padStart(8)}${fetched}`);
  }
  for (const column of COLUMNS) console.log(`  ${column} ready: ${results.ready[column].map((s) => s.toFixed(0)).join(' ')}`);
}
