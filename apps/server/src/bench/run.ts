/**
 * `npm run bench -w @virtdeck/server`: virtdeck's guest runtime against raw QEMU and libvirt.
 *
 * 1. Start latency: API call → `running`, against `qemu-system-x86_64 -daemonize` of the same
 *    argv (returns once QEMU is set up) and `virsh start` of the same XML (libvirt 9,
 *    qemu:///system; set up and started here when run as root, skipped with a reason otherwise).
 * 2. Start → the guest's ready marker on its serial console, virtdeck against raw QEMU.
 * 3. With BENCH_GUESTS running guests and BENCH_CLIENTS SSE clients: QMP event → SSE client
 *    latency (QEMU's event timestamp to the client's read), the server's RSS, and the latency
 *    of GET /api/domains.
 *
 * 4. The stats stream at scale (sseScale.ts): message size and the server's CPU per second of
 *    stats with 16, 64 and 100 guests up (BENCH_SSE_SIZES, BENCH_SSE_WINDOW_MS, BENCH_SSE_PAUSE, BENCH_SSE_BOOT).
 *
 * Runs are interleaved, each column first in turn, so load from elsewhere on the machine
 * spreads over all columns alike. Medians are printed, with the targets of issue 5.
 * BENCH_RUNS, BENCH_GUESTS, BENCH_CLIENTS and BENCH_EVENTS change the sizes. Arguments pick
 * parts (`npm run bench -w @virtdeck/server -- sse`): start (1, 2), uefi (5), confine (6), load (3),
 * sse (4), upload (7); all by default.
 *
 * 5. The UEFI+TPM guest (uefiStart.ts): start → running (and → the ready marker with
 *    BENCH_UEFI_READY=1), virtdeck against swtpm and raw QEMU launched by hand with the same argv.
 * 6. The cost of confinement (confineStart.ts): start → running with a root server (QEMU as
 *    virtdeck-qemu) against the same server as an unprivileged user (QEMU as that user).
 * 7. A 1 GiB volume upload against `cp` of the same file, and the server's RSS during it
 *    (uploadThroughput.ts; part `upload`, BENCH_UPLOAD_MIB, BENCH_UPLOAD_RUNS).
 * 8. Live migration of the demo guest between two libvirtd daemons of the bench's own, through
 *    virtdeck against `virsh migrate` (migrationBench.ts; part `migrate`, BENCH_MIGRATE_RUNS).
 * 9. A guest started the moment a server serving the web app is up, with the web build's
 *    compressed copies and without them (the server compresses), against a server without
 *    the web app (assetCompression.ts; part `assets`, BENCH_WEB_ROOT).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { CommandLine, GuestSummary, LifecycleEvent } from '../api.js';
import { demoGuestXml, type DemoGuestFiles } from '../demoGuest.js';
import { RunDir } from '../guests/RunDir.js';
import { openConsole } from '../testing/consoleClient.js';
import { killProcessesMentioning } from '../testing/processes.js';
import { spawnServer, type ServerProcess } from '../testing/serverProcess.js';
import { SseClient } from '../testing/sseClient.js';
import { waitForText } from '../testing/waitFor.js';
import { connectLibvirt, type Libvirt } from './libvirt.js';
import { libvirtHostBench, reportLibvirtHost } from './libvirtHostBench.js';
import { migrationBench, reportMigration } from './migrationBench.js';
import { assetCompressionCost, reportAssetCompression } from './assetCompression.js';
import { confinementCost, type ConfineResults } from './confineStart.js';
import { killPidFile, waitForMarker, withoutOption } from './rawQemu.js';
import { reportSseScale, sseAtScale, type SseScaleRow } from './sseScale.js';
import { median, ms, quantile } from './stats.js';
import { uefiTpmStart, type UefiStartResults } from './uefiStart.js';
import { reportUpload, uploadThroughput } from './uploadThroughput.js';

const run = promisify(execFile);
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const SETTLE_MS = 500;
const GUESTS = Number(process.env.BENCH_GUESTS ?? 16);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 10);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 40);
const DOMAIN_LIST_REQUESTS = 200;
const SSE_SIZES = (process.env.BENCH_SSE_SIZES ?? '16,64,100').split(',').map(Number);
const SSE_WINDOW_MS = Number(process.env.BENCH_SSE_WINDOW_MS ?? 10_000);
const SSE_PAUSE = process.env.BENCH_SSE_PAUSE !== '0';
const SSE_BOOT = process.env.BENCH_SSE_BOOT === '1';
const UEFI_READY = process.env.BENCH_UEFI_READY === '1';
const PARTS = ['start', 'uefi', 'confine', 'load', 'sse', 'upload', 'libvirt', 'migrate', 'assets'] as const;
const UPLOAD_RUNS = Number(process.env.BENCH_UPLOAD_RUNS ?? 3);
const UPLOAD_MIB = Number(process.env.BENCH_UPLOAD_MIB ?? 1024);
const chosen = process.argv.slice(2);
for (const part of chosen) if (!(PARTS as readonly string[]).includes(part)) throw new Error(`unknown part '${part}': choose from ${PARTS.join(', ')}`);
const runs = (part: (typeof PARTS)[number]) => chosen.length === 0 || chosen.includes(part);
const VIRSH_NAME = 'virtdeck-bench';
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const log = (message: string) => console.log(`[bench] ${message}`);

interface DemoGuest extends DemoGuestFiles {
  readyMarker: string;
}

const now = () => performance.now();

async function main(): Promise<void> {
  const guest = await demoGuest();
  const stateDir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-bench-'));
  const built = path.join(repoRoot, 'apps/server/dist/main.js');
  let server: ServerProcess | undefined;
  let libvirt: Libvirt | string = 'not tried';
  try {
    server = await spawnServer({ stateDir, entry: existsSync(built) ? 'dist' : 'source' });
    log(`server pid ${server.child.pid} (${existsSync(built) ? 'built dist/main.js' : 'src/main.ts through tsx'}), state in ${stateDir}`);
    if (runs('start') || runs('libvirt')) {
      libvirt = await connectLibvirt(log);
      if (typeof libvirt === 'string') log(`virsh column skipped: ${libvirt}`);
    }

    const start = runs('start') ? await startLatency(server, guest, stateDir, typeof libvirt === 'string' ? undefined : libvirt) : undefined;
    const uefi = runs('uefi') ? await uefiTpmStart(server, guest, stateDir, { runs: RUNS, settleMs: SETTLE_MS, ready: UEFI_READY, log }) : undefined;
    const confine = runs('confine') ? await confinementCost(server, guest, { runs: RUNS, settleMs: SETTLE_MS, entry: existsSync(built) ? 'dist' : 'source', log }) : undefined;
    const load = runs('load') ? await underLoad(server, guest, stateDir) : undefined;
    const upload = runs('upload') ? await uploadThroughput(server, stateDir, { runs: UPLOAD_RUNS, mib: UPLOAD_MIB, settleMs: SETTLE_MS, log }) : undefined;
    const sse: SseScaleRow[] = runs('sse') ? await sseAtScale(server, guest, stateDir, { sizes: SSE_SIZES, windowMs: SSE_WINDOW_MS, pause: SSE_PAUSE, boot: SSE_BOOT, log }) : [];
    if (start || load) report(start, load, typeof libvirt === 'string' ? libvirt : undefined);
    const lvHost = runs('libvirt') && typeof libvirt !== 'string' ? await libvirtHostBench(server, guest, libvirt, { count: Number(process.env.BENCH_LIBVIRT_GUESTS ?? 50), runs: Math.min(RUNS, 5), log }) : undefined;
    const assets = runs('assets')
      ? await assetCompressionCost(guest, { runs: RUNS, settleMs: SETTLE_MS, entry: existsSync(built) ? 'dist' : 'source', webRoot: process.env.BENCH_WEB_ROOT ?? path.join(repoRoot, 'apps/web/dist'), log })
      : undefined;
    const migration = runs('migrate') ? await migrationBench(server, guest, { runs: Number(process.env.BENCH_MIGRATE_RUNS ?? 3), log }) : undefined;
    if (uefi) reportUefi(uefi);
    if (lvHost) reportLibvirtHost(lvHost);
    if (confine) reportConfine(confine);
    reportSseScale(sse, { pause: SSE_PAUSE, boot: SSE_BOOT });
    if (upload) reportUpload(upload, UPLOAD_RUNS);
    if (migration) reportMigration(migration);
    if (assets) reportAssetCompression(assets, RUNS);
  } finally {
    server?.child.kill('SIGKILL');
    killProcessesMentioning(stateDir);
    if (typeof libvirt !== 'string') {
      await libvirt.virsh('destroy', VIRSH_NAME).catch(() => undefined);
      await libvirt.virsh('undefine', VIRSH_NAME).catch(() => undefined);
      await libvirt.stop();
    }
    await rm(stateDir, { recursive: true, force: true });
  }
}

interface StartResults {
  virtdeck: number[];
  raw: number[];
  virsh: number[];
  virtdeckReady: number[];
  rawReady: number[];
}

async function startLatency(server: ServerProcess, guest: DemoGuest, stateDir: string, libvirt: Libvirt | undefined): Promise<StartResults> {
  const { api } = server;
  // The raw QEMU runs the argv virtdeck builds for a guest of its own (own sockets, pid file).
  await api.post('/api/domains', { xml: demoGuestXml('bench-raw', guest) });
  const { argv } = (await api.get<CommandLine>('/api/domains/bench-raw/argv')).body;
  const rawRun = new RunDir(stateDir, 'bench-raw');
  // QEMU's own folder is apart from the run folder when the server is root (/run/virtdeck-qemu/…).
  for (const dir of [rawRun.dir, rawRun.qemuDir]) await mkdir(dir, { recursive: true });
  const [emulator, ...rawArgs] = withoutOption(
    argv.filter((arg) => arg !== '-S'),
    // -daemonize forks, which the seccomp sandbox (spawn=deny) kills with SIGSYS.
    '-sandbox',
  );
  const rawCommand = [...rawArgs, '-daemonize'];
  if (libvirt) {
    const file = path.join(stateDir, `${VIRSH_NAME}.xml`);
    await writeFile(file, demoGuestXml(VIRSH_NAME, guest));
    await libvirt.virsh('destroy', VIRSH_NAME).catch(() => undefined);
    await libvirt.virsh('undefine', VIRSH_NAME).catch(() => undefined);
    await libvirt.virsh('define', file);
  }

  const results: StartResults = { virtdeck: [], raw: [], virsh: [], virtdeckReady: [], rawReady: [] };
  const viaVirtdeck = async (round: number, counted: boolean) => {
    // A new guest each round: its console scrollback holds this boot only.
    const name = `bench-start-${round}`;
    await api.post('/api/domains', { xml: demoGuestXml(name, guest) });
    const t0 = now();
    const started = await api.post<GuestSummary>(`/api/domains/${name}/start`);
    const t1 = now();
    if (started.body.state !== 'running') throw new Error(`virtdeck start failed: ${JSON.stringify(started.body)}`);
    const console = await openConsole(server.url, server.token, name);
    await console.waitFor(guest.readyMarker, { timeoutMs: 120_000 });
    const t2 = now();
    console.close();
    await api.post(`/api/domains/${name}/destroy`);
    if (counted) {
      results.virtdeck.push(t1 - t0);
      results.virtdeckReady.push(t2 - t0);
    }
  };
  const viaRawQemu = async (counted: boolean) => {
    const t0 = now();
    await run(emulator as string, rawCommand, { env: { ...process.env, LC_ALL: 'C' } });
    const t1 = now();
    await waitForMarker(rawRun.consoleSocket, guest.readyMarker);
    const t2 = now();
    await killPidFile(rawRun.pidFile);
    if (counted) {
      results.raw.push(t1 - t0);
      results.rawReady.push(t2 - t0);
    }
  };
  const viaVirsh = async (counted: boolean) => {
    if (!libvirt) return;
    const t0 = now();
    await libvirt.virsh('start', VIRSH_NAME);
    const t1 = now();
    await libvirt.virsh('destroy', VIRSH_NAME);
    if (counted) results.virsh.push(t1 - t0);
  };

  for (let round = 0; round <= RUNS; round++) {
    const counted = round > 0; // round 0 warms caches (capabilities, page cache, libvirtd)
    log(`start round ${round}/${RUNS}${counted ? '' : ' (warm-up)'}`);
    // Each column goes first, second and third in turn, and the machine settles between
    // runs, so neither the order nor the last run's teardown favours one of them.
    const runs = [() => viaVirtdeck(round, counted), () => viaRawQemu(counted), () => viaVirsh(counted)];
    for (let i = 0; i < runs.length; i++) {
      await runs[(round + i) % runs.length]!();
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    }
  }
  return results;
}

interface LoadResults {
  eventLatency: number[];
  rssKiB: number;
  listLatency: number[];
}

async function underLoad(server: ServerProcess, guest: DemoGuest, stateDir: string): Promise<LoadResults> {
  const { api } = server;
  const names = Array.from({ length: GUESTS }, (_, i) => `load-${String(i + 1).padStart(2, '0')}`);
  for (const name of names) await api.post('/api/domains', { xml: demoGuestXml(name, guest) });
  log(`starting ${GUESTS} guests`);
  // In waves, so that two busy cores boot them all within the markers' time limit.
  for (let i = 0; i < names.length; i += 4) {
    const wave = names.slice(i, i + 4);
    await Promise.all(wave.map((name) => api.post(`/api/domains/${name}/start`)));
    await Promise.all(wave.map((name) => waitForText(new RunDir(stateDir, name).serialLog, guest.readyMarker, 180_000)));
  }
  log(`${GUESTS} guests ready; connecting ${CLIENTS} SSE clients`);
  const clients = await Promise.all(Array.from({ length: CLIENTS }, () => SseClient.connect(server.url, server.token)));
  await Promise.all(clients.map((client) => client.next('snapshot')));

  const eventLatency: number[] = [];
  for (let i = 0; i < EVENTS; i++) {
    const name = names[i % names.length] as string;
    for (const [action, event] of [
      ['suspend', 'suspended'],
      ['resume', 'resumed'],
    ] as const) {
      const waits = clients.map((client) => client.next<LifecycleEvent>('lifecycle', (e) => e.name === name && e.event === event));
      await api.post(`/api/domains/${name}/${action}`);
      for (const message of await Promise.all(waits)) eventLatency.push(message.receivedAt - Date.parse(message.data.timestamp));
    }
  }

  const rssKiB = Number(/^VmRSS:\s+(\d+)/m.exec(await readFile(`/proc/${server.child.pid}/status`, 'utf8'))?.[1]);
  const listLatency: number[] = [];
  // Every guest defined so far (the start rounds' too, when they ran), each time.
  const defined = (await api.get<GuestSummary[]>('/api/domains')).body.length;
  for (let i = 0; i < DOMAIN_LIST_REQUESTS; i++) {
    const t0 = now();
    const response = await api.get<GuestSummary[]>('/api/domains');
    listLatency.push(now() - t0);
    if (response.body.length !== defined || defined < GUESTS) throw new Error(`GET /api/domains listed ${response.body.length} guests`);
  }
  for (const client of clients) client.close();
  await Promise.all(names.map((name) => api.post(`/api/domains/${name}/destroy`)));
  return { eventLatency, rssKiB, listLatency };
}

function report(start: StartResults | undefined, load: LoadResults | undefined, virshSkipped: string | undefined): void {
  const line = (label: string, value: string, note = '') => console.log(`${label.padEnd(46)} ${value.padStart(12)}  ${note}`);
  const verdict = (ok: boolean) => (ok ? 'meets the target' : 'MISSES the target');
  console.log(`\nvirtdeck guest runtime benchmark — medians of ${RUNS} runs, TCG demo guest, ${os.cpus().length} cores, load average ${os.loadavg()[0]?.toFixed(1)}`);
  if (start) {
    const virtdeck = median(start.virtdeck);
    const raw = median(start.raw);
    const virsh = median(start.virsh);
    const readyV = median(start.virtdeckReady);
    const readyR = median(start.rawReady);
    console.log('ratios: of the medians, and (paired) the median of the per-round ratios, which cancels slow changes in load\n');
    line('start: virtdeck API call → running', ms(virtdeck));
    line('start: raw qemu-system-x86_64 -daemonize', ms(raw));
    line('start: virsh start (libvirt, qemu:///system)', virshSkipped ? 'skipped' : ms(virsh), virshSkipped ?? '');
    const ratio = (value: number, paired: number) => `${value.toFixed(2)}×`.padStart(6) + ` (paired ${paired.toFixed(2)}×)`;
    line('  virtdeck / raw QEMU', ratio(virtdeck / raw, pairedRatio(start.virtdeck, start.raw)), `target ≤ 1.5×: ${verdict(virtdeck / raw <= 1.5)}`);
    if (!virshSkipped) line('  virsh / virtdeck', ratio(virsh / virtdeck, pairedRatio(start.virsh, start.virtdeck)), `target ≥ 3×: ${verdict(virsh / virtdeck >= 3)}`);
    line('ready marker: virtdeck (start → marker)', ms(readyV));
    line('ready marker: raw QEMU (launch → marker)', ms(readyR));
    line('  virtdeck / raw QEMU', ratio(readyV / readyR, pairedRatio(start.virtdeckReady, start.rawReady)), `target within 10%: ${verdict(readyV / readyR <= 1.1)}`);
  }
  if (load) {
    line(`QMP event → SSE client (${GUESTS} guests, ${CLIENTS} clients)`, ms(median(load.eventLatency)), `p95 ${ms(quantile(load.eventLatency, 0.95))}, ${load.eventLatency.length} samples; target < 20 ms: ${verdict(median(load.eventLatency) < 20)}`);
    line(`server RSS with ${GUESTS} running guests`, `${(load.rssKiB / 1024).toFixed(1)} MiB`);
    line(`GET /api/domains with ${GUESTS} running guests`, ms(median(load.listLatency)), `p95 ${ms(quantile(load.listLatency, 0.95))}`);
  }
  if (start) {
    console.log('\nsamples (ms):');
    for (const [name, samples] of Object.entries({ ...start })) console.log(`  ${name}: ${samples.map((s) => s.toFixed(1)).join(' ')}`);
  }
}

const row = (label: string, value: string, note = '') => console.log(`${label.padEnd(46)} ${value.padStart(12)}  ${note}`);
const ratioText = (a: readonly number[], b: readonly number[]) => `${(median(a) / median(b)).toFixed(2)}×`.padStart(6) + ` (paired ${pairedRatio(a, b).toFixed(2)}×)`;
const samplesText = (samples: Record<string, readonly number[]>) => {
  console.log('\nsamples (ms):');
  for (const [name, values] of Object.entries(samples)) if (values.length > 0) console.log(`  ${name}: ${values.map((s) => s.toFixed(1)).join(' ')}`);
};

function reportUefi(r: UefiStartResults): void {
  console.log(`\nUEFI+TPM guest (q35, firmware='efi', tpm-crb with swtpm, TCG demo kernel) — medians of ${RUNS} runs, load average ${os.loadavg()[0]?.toFixed(1)}`);
  row('start: virtdeck API call → running', ms(median(r.virtdeck)));
  row('start: swtpm + raw qemu -daemonize', ms(median(r.raw)));
  row('  virtdeck / raw', ratioText(r.virtdeck, r.raw));
  if (r.virtdeckReady.length > 0) {
    row('ready marker: virtdeck (start → marker)', ms(median(r.virtdeckReady)));
    row('ready marker: raw (launch → marker)', ms(median(r.rawReady)));
    row('  virtdeck / raw', ratioText(r.virtdeckReady, r.rawReady));
  } else {
    row('ready marker', 'not waited for', 'BENCH_UEFI_READY=1 waits for it (about a minute per boot under TCG here)');
  }
  samplesText({ ...r });
}

function reportConfine(r: ConfineResults | string): void {
  console.log(`\nconfinement: demo guest start → running, server as root (QEMU as virtdeck-qemu) and as an unprivileged user (QEMU as that user) — medians of ${RUNS} runs`);
  if (typeof r === 'string') {
    row('confinement', 'skipped', r);
    return;
  }
  row('start: root server, QEMU confined', ms(median(r.confined)));
  row('start: unprivileged server, QEMU as itself', ms(median(r.unconfined)));
  row('  confined / unconfined', ratioText(r.confined, r.unconfined), `difference of the medians ${ms(median(r.confined) - median(r.unconfined))}`);
  samplesText({ ...r });
}

/** The median of a[i] / b[i]: runs of one round ran back to back, so their ratio shares the load. */
function pairedRatio(a: readonly number[], b: readonly number[]): number {
  return median(a.slice(0, b.length).map((value, i) => value / (b[i] as number)));
}

/** The demo guest, built on first use like `npm start` does (scripts/lib/demo-guest.mjs). */
async function demoGuest(): Promise<DemoGuest> {
  const module = pathToFileURL(path.join(repoRoot, 'scripts/lib/demo-guest.mjs')).href;
  const { ensureDemoGuest } = (await import(module)) as { ensureDemoGuest: (options: { cacheDir: string; log: (m: string) => void }) => Promise<DemoGuest> };
  return ensureDemoGuest({ cacheDir: path.join(repoRoot, '.cache', 'guest'), log });
}

await main();
