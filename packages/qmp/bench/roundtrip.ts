// Round-trip latency of a QMP command against the real QEMU: sequential `query-status`
// through QmpClient and, alternating with it, the same exchange over a bare socket (the floor
// QEMU itself sets); then the throughput of many calls in flight at once. `npm run bench -w @virtdeck/qmp`.
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { join } from 'node:path';
import { QmpClient, queryStatus } from '../src/index.js';
import { launchQemu } from '../src/testing/launchQemu.js';
import type { LaunchedQemu } from '../src/testing/launchQemu.js';

const CALLS = Number(process.env.BENCH_CALLS ?? 1000);
const WARMUP = 100;

interface Summary {
  median: number;
  p90: number;
  p99: number;
  min: number;
  max: number;
}

/** Percentiles in microseconds of durations in nanoseconds. */
function summarize(durationsNs: bigint[]): Summary {
  const us = durationsNs.map((ns) => Number(ns) / 1000).sort((a, b) => a - b);
  const at = (q: number) => us[Math.min(us.length - 1, Math.floor(q * us.length))] ?? Number.NaN;
  return { median: at(0.5), p90: at(0.9), p99: at(0.99), min: us[0] ?? Number.NaN, max: us.at(-1) ?? Number.NaN };
}

async function timeOnce(call: () => Promise<unknown>): Promise<bigint> {
  const started = process.hrtime.bigint();
  await call();
  return process.hrtime.bigint() - started;
}

/** A minimal QMP speaker: writes one command line and waits for the next `return` line. */
async function bareSocket(path: string): Promise<{ roundTrip: () => Promise<void>; close: () => void }> {
  const socket = net.createConnection(path);
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let buffered = '';
  let waiting: ((line: string) => void) | undefined;
  socket.setEncoding('utf8').on('data', (text: string) => {
    buffered += text;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) !== -1) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      waiting?.(line);
    }
  });
  const next = () => new Promise<string>((resolve) => (waiting = resolve));
  const greeting = await next();
  if (!greeting.includes('"QMP"')) throw new Error(`no QMP greeting: ${greeting}`);
  const command = async (line: string) => {
    const reply = next();
    socket.write(line);
    if (!(await reply).includes('"return"')) throw new Error(`unexpected reply to ${line}`);
  };
  await command('{"execute":"qmp_capabilities"}\n');
  return { roundTrip: () => command('{"execute":"query-status","id":1}\n'), close: () => socket.destroy() };
}

function row(label: string, s: Summary): string {
  const cell = (value: number) => value.toFixed(0).padStart(8);
  return `${label.padEnd(24)}${cell(s.median)}${cell(s.p90)}${cell(s.p99)}${cell(s.min)}${cell(s.max)}`;
}

async function main(): Promise<void> {
  let qemu: LaunchedQemu | undefined;
  const bareDir = await mkdtemp('/tmp/vqb-');
  try {
    // A second QMP monitor, so that both speakers are connected at once and their calls can
    // alternate: on a shared machine, load changes over time would otherwise favour one side.
    const barePath = join(bareDir, 'qmp.sock');
    qemu = await launchQemu(['-qmp', `unix:${barePath},server=on,wait=off`]);
    const client = await QmpClient.connect(qemu.qmpPath, { retry: true, timeoutMs: 20_000 });
    const bare = await bareSocket(barePath);
    const version = client.greeting?.version.qemu;

    for (let i = 0; i < WARMUP; i += 1) {
      await queryStatus(client);
      await bare.roundTrip();
    }
    const viaClient: bigint[] = [];
    const viaBareSocket: bigint[] = [];
    for (let i = 0; i < CALLS; i += 1) {
      // Alternate which goes first, so neither always runs right after the other.
      if (i % 2 === 0) {
        viaClient.push(await timeOnce(() => queryStatus(client)));
        viaBareSocket.push(await timeOnce(bare.roundTrip));
      } else {
        viaBareSocket.push(await timeOnce(bare.roundTrip));
        viaClient.push(await timeOnce(() => queryStatus(client)));
      }
    }

    const pipelineStart = process.hrtime.bigint();
    await Promise.all(Array.from({ length: CALLS }, () => queryStatus(client)));
    const pipelinedMs = Number(process.hrtime.bigint() - pipelineStart) / 1e6;
    await client.close();
    bare.close();

    const clientSummary = summarize(viaClient);
    const bareSummary = summarize(viaBareSocket);
    console.log(`QMP round trip: query-status against qemu-system-x86_64 ${version?.major}.${version?.minor}.${version?.micro} (TCG, -S)`);
    console.log(`${CALLS} sequential calls each after ${WARMUP} warm-up calls, alternating, microseconds`);
    console.log(`${''.padEnd(24)}${['median', 'p90', 'p99', 'min', 'max'].map((h) => h.padStart(8)).join('')}`);
    console.log(row('QmpClient.execute', clientSummary));
    console.log(row('bare socket', bareSummary));
    console.log(`client overhead (median): ${(clientSummary.median - bareSummary.median).toFixed(0)} µs`);
    console.log(`pipelined: ${CALLS} calls in flight at once took ${pipelinedMs.toFixed(1)} ms (${Math.round((CALLS / pipelinedMs) * 1000)} calls/s)`);
  } finally {
    await qemu?.kill();
    await rm(bareDir, { recursive: true, force: true });
  }
}

await main();
