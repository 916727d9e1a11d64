/**
 * The stats stream at scale (issue 14 item 7): with 16, 64 and 100 guests up, the size of the
 * once-a-second `stats` message (bytes, and bytes per guest) and what it costs the server (CPU
 * seconds per second of stats: the server's /proc/PID/stat with one SSE client, less the same
 * window with none, when no stats are collected), so that a cost growing worse than linearly shows
 * in the per-guest ratios.
 *
 * Each guest is the demo kernel under TCG with 72 MiB: the 64 MiB does not boot it (the
 * kernel unpacks past the end of 64 MiB of RAM and the guest hangs silently before its first
 * line; 72 MiB is the least that reaches the shell). Started in waves and paused at once: a
 * hundred TCG guests booting or idling take the two cores from the server being measured, and
 * a paused guest is sampled as a running one is (/proc, query-balloon, query-blockstats: the
 * same queries, the same fields). BENCH_SSE_BOOT=1 waits for each guest's ready marker before
 * pausing it (seen here: 100 guests up after 11 min at load 27, against about a minute so);
 * BENCH_SSE_PAUSE=0 leaves them running.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { StatsEvent } from '../api.js';
import { demoGuestXml, type DemoGuestFiles } from '../demoGuest.js';
import { RunDir } from '../guests/RunDir.js';
import type { ServerProcess } from '../testing/serverProcess.js';
import { SseClient } from '../testing/sseClient.js';
import { waitForText } from '../testing/waitFor.js';
import { median, ms } from './stats.js';

const WAVE = 6;
const GUEST_MIB = 72;

export interface SseScaleOptions {
  sizes: number[];
  /** How long each window (idle, then streaming) lasts. */
  windowMs: number;
  pause: boolean;
  /** Wait for each guest's ready marker before pausing it. */
  boot: boolean;
  log: (message: string) => void;
}

export interface SseScaleRow {
  guests: number;
  messages: number;
  /** Median JSON bytes of a stats message's data, and that gzipped (what a compressed stream would carry). */
  bytes: number;
  gzipBytes: number;
  /** Server CPU seconds per second without an SSE client, and with one. */
  idleCpu: number;
  streamingCpu: number;
  /** Median time from the sample's start (its timestamp) to the client's read. */
  collectMs: number;
  /** Median QEMU CPU use of the sampled guests, from the messages themselves. */
  guestCpuPercent: number;
}

export async function sseAtScale(server: ServerProcess, guest: DemoGuestFiles & { readyMarker: string }, stateDir: string, options: SseScaleOptions): Promise<SseScaleRow[]> {
  const { api } = server;
  const pid = server.child.pid as number;
  const rows: SseScaleRow[] = [];
  const started: string[] = [];
  const bootStart = performance.now();
  for (const size of options.sizes) {
    const names = Array.from({ length: size - started.length }, (_, i) => `sse-${String(started.length + i + 1).padStart(3, '0')}`);
    options.log(`SSE at scale: bringing up ${names.length} more guests (to ${size})`);
    for (let i = 0; i < names.length; i += WAVE) {
      const wave = names.slice(i, i + WAVE);
      await Promise.all(
        wave.map(async (name) => {
          await api.post('/api/domains', { xml: demoGuestXml(name, guest).replace("<memory unit='MiB'>256</memory>", `<memory unit='MiB'>${GUEST_MIB}</memory>`) });
          const response = await api.post<{ state?: string; message?: string }>(`/api/domains/${name}/start`);
          if (response.body.state !== 'running') throw new Error(`starting ${name} failed: ${JSON.stringify(response.body)}`);
          if (options.boot) await waitForText(new RunDir(stateDir, name).serialLog, guest.readyMarker, 240_000);
          if (options.pause) await api.post(`/api/domains/${name}/suspend`);
        }),
      );
      started.push(...wave);
    }
    options.log(`SSE at scale: ${size} guests up after ${((performance.now() - bootStart) / 1000).toFixed(0)} s; measuring ${options.windowMs / 2000} s idle, ${options.windowMs / 1000} s streaming, ${options.windowMs / 2000} s idle`);
    rows.push(await measure(server.url, server.token, pid, size, options.windowMs));
  }
  options.log('SSE at scale: forcing the guests off');
  await Promise.all(started.map((name) => api.post(`/api/domains/${name}/destroy`)));
  return rows;
}

async function measure(url: string, token: string, pid: number, guests: number, windowMs: number): Promise<SseScaleRow> {
  // No client: the server collects no stats (its timer skips), so this is everything else it does;
  // before and after the streaming window, so that work winding down after the boots counts on both sides.
  const idle = () => cpuOver(pid, () => new Promise((resolve) => setTimeout(resolve, windowMs / 2)));
  const idleBefore = await idle();
  const client = await SseClient.connect(url, token);
  try {
    // The first full message, then a window of them.
    await client.next<StatsEvent>('stats', (e) => Object.keys(e.guests).length === guests, 30_000);
    const messages: { data: StatsEvent; receivedAt: number }[] = [];
    const streamingCpu = await cpuOver(pid, async () => {
      const end = Date.now() + windowMs;
      while (Date.now() < end) {
        const message = await client.next<StatsEvent>('stats', () => true, windowMs + 5_000).catch(() => undefined);
        if (message) messages.push(message);
      }
    });
    client.close();
    const idleCpu = (idleBefore + (await idle())) / 2;
    const full = messages.filter((m) => Object.keys(m.data.guests).length === guests);
    if (full.length === 0) throw new Error(`no stats message with all ${guests} guests in ${windowMs} ms`);
    const texts = full.map((m) => JSON.stringify(m.data));
    return {
      guests,
      messages: full.length,
      bytes: median(texts.map((t) => Buffer.byteLength(t))),
      gzipBytes: median(texts.map((t) => gzipSync(t).length)),
      idleCpu,
      streamingCpu,
      collectMs: median(full.map((m) => m.receivedAt - m.data.timestamp)),
      guestCpuPercent: median(full.flatMap((m) => Object.values(m.data.guests).map((g) => g.cpuPercent))),
    };
  } finally {
    client.close();
  }
}

/**
 * The process's CPU seconds per wall-clock second while `work` runs, from each of its threads'
 * schedstat (nanoseconds on the CPU): /proc/PID/stat counts in 10 ms ticks, too coarse for the
 * few milliseconds a second that stats of 16 guests cost (one tick over a 10 s window is a third
 * of that figure).
 */
async function cpuOver(pid: number, work: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  const before = cpuNanoseconds(pid);
  await work();
  const after = cpuNanoseconds(pid);
  return (after - before) / 1e9 / ((performance.now() - t0) / 1000);
}

function cpuNanoseconds(pid: number): number {
  let threads: string[];
  try {
    threads = readdirSync(`/proc/${pid}/task`);
  } catch {
    throw new Error(`the server (pid ${pid}) is gone`);
  }
  let total = 0;
  for (const tid of threads) {
    try {
      total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // A thread that ended between the listing and the read.
    }
  }
  return total;
}

export function reportSseScale(rows: readonly SseScaleRow[], { pause, boot }: Pick<SseScaleOptions, 'pause' | 'boot'>): void {
  const first = rows[0];
  if (!first) return;
  console.log(`\nstats stream at scale — demo kernel, ${GUEST_MIB} MiB, TCG, ${pause ? (boot ? 'paused after boot' : 'paused once started') : boot ? 'running, booted' : 'running'}; one SSE client; load average ${loadAverage()}`);
  console.log('per guest ratio: (figure per guest at this size) / (figure per guest at the smallest size); 1.00× is linear growth\n');
  const header = ['guests', 'msgs', 'bytes/msg', 'bytes/guest', 'ratio', 'gzip/msg', 'server CPU s/s idle', 'streaming', 'stats', 'CPU ms/s per guest', 'ratio', 'sample → client', 'guest CPU'];
  console.log(header.join(' | '));
  const statsCpu = (row: SseScaleRow) => Math.max(0, row.streamingCpu - row.idleCpu);
  for (const row of rows) {
    const perGuestBytes = row.bytes / row.guests;
    const perGuestCpu = statsCpu(row) / row.guests;
    const firstPerGuestCpu = statsCpu(first) / first.guests;
    console.log(
      [
        String(row.guests).padStart(6),
        String(row.messages).padStart(4),
        String(Math.round(row.bytes)).padStart(9),
        perGuestBytes.toFixed(0).padStart(11),
        `${(perGuestBytes / (first.bytes / first.guests)).toFixed(2)}×`.padStart(5),
        String(Math.round(row.gzipBytes)).padStart(8),
        row.idleCpu.toFixed(3).padStart(19),
        row.streamingCpu.toFixed(3).padStart(9),
        statsCpu(row).toFixed(3).padStart(5),
        (perGuestCpu * 1000).toFixed(2).padStart(18),
        firstPerGuestCpu > 0 ? `${(perGuestCpu / firstPerGuestCpu).toFixed(2)}×`.padStart(5) : '  n/a',
        ms(row.collectMs).padStart(15),
        `${row.guestCpuPercent.toFixed(1)}%`.padStart(9),
      ].join(' | '),
    );
  }
}

function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}
