import net from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import v8 from 'node:v8';
import vm from 'node:vm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CONSOLE_CLOSE_CODES } from '../api.js';
import { demoGuestXml } from '../demoGuest.js';
import { openConsole } from '../testing/consoleClient.js';
import { demoGuest } from '../testing/demoGuest.js';
import { killProcessesMentioning } from '../testing/processes.js';
import { startTestServer, type TestServer } from '../testing/testServer.js';
import { waitFor } from '../testing/waitFor.js';

const guest = demoGuest();
const MiB = 1024 * 1024;
/** How long the flood goes on after the stalled viewer was dropped, to see that nothing keeps growing. */
const AFTER_DROP_MS = 10_000;

v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

/** What this process holds after a full collection: JS objects plus Buffers, without garbage waiting to be collected. */
function retainedBytes(): number {
  collectGarbage();
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}

/** A console WebSocket as a browser opens it (token, no Origin: not a cookie). */
function consoleSocket(url: string, token: string, name: string, extra: WebSocket.ClientOptions = {}): Promise<{ ws: WebSocket; closed: Promise<{ code: number; reason: string }> }> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}api/domains/${name}/console`, { headers: { Authorization: `Bearer ${token}` }, ...extra });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  return new Promise((resolve, reject) => ws.once('open', () => resolve({ ws, closed })).once('error', reject));
}

/** A console viewer whose socket stops reading once the WebSocket is open, as a stalled browser tab's does. */
async function stalledViewer(url: string, token: string, name: string): Promise<{ resume(): Promise<{ code: number; reason: string }> }> {
  let socket: net.Socket | undefined;
  const { closed } = await consoleSocket(url, token, name, { createConnection: (connect) => (socket = net.createConnection(connect as net.NetConnectOpts)) });
  socket!.pause();
  return {
    resume: () => {
      socket!.resume();
      return closed;
    },
  };
}

/**
 * A viewer that reads as fast as output comes and checks the lines of `seq` as they pass,
 * keeping only the line in progress: what it holds does not count against the server.
 */
async function countingViewer(url: string, token: string, name: string): Promise<{ lines: number; first?: number; last?: number; bytes: number; outOfOrder: string[] }> {
  const { ws } = await consoleSocket(url, token, name);
  const tally: { lines: number; first?: number; last?: number; bytes: number; outOfOrder: string[] } = { lines: 0, bytes: 0, outOfOrder: [] };
  let partial = '';
  ws.on('message', (data: Buffer) => {
    tally.bytes += data.length;
    const lines = (partial + data.toString('latin1')).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const number = /^(\d+)\r?$/.exec(line)?.[1];
      if (number === undefined) {
        if (tally.last !== undefined && tally.outOfOrder.length < 10) tally.outOfOrder.push(line);
        continue;
      }
      const value = Number(number);
      if (tally.last !== undefined && value !== tally.last + 1 && tally.outOfOrder.length < 10) tally.outOfOrder.push(`${value} after ${tally.last}`);
      tally.first ??= value;
      tally.last = value;
      tally.lines++;
    }
  });
  return tally;
}

describe('memory is bounded per client', () => {
  let server: TestServer;
  const logged: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({ logger: pino({ level: 'warn' }, { write: (line: string) => logged.push(line) }) });
  });
  afterAll(async () => {
    killProcessesMentioning(server.stateDir);
    await server.dispose();
  });

  it('drops a console viewer that stops reading, with the reason, while the server holds only a few MiB and a reading viewer gets every line', { timeout: 400_000 }, async () => {
    expect((await server.api.post('/api/domains', { xml: demoGuestXml('flood', guest) })).status).toBe(201);
    expect((await server.api.post('/api/domains/flood/start')).status).toBe(200);
    const typist = await openConsole(server.url, server.token.value, 'flood');
    await typist.waitFor(guest.readyMarker, { timeoutMs: 90_000 });
    const stalled = await stalledViewer(server.url, server.token.value, 'flood');
    const reader = await countingViewer(server.url, server.token.value, 'flood');

    const before = retainedBytes();
    // The serial port hands QEMU's socket a few bytes at a time: many tiny chunks, the pattern that cost the most.
    await typist.run('seq 1 100000000');
    typist.close();
    await waitFor('the stalled viewer to be dropped', () => (logged.some((line) => line.includes('console viewer dropped')) ? true : undefined), 360_000, 500);
    const atDrop = retainedBytes();
    await delay(AFTER_DROP_MS);
    const after = retainedBytes();
    const figures = `${(before / MiB).toFixed(1)} MiB before the flood, ${(atDrop / MiB).toFixed(1)} MiB when the viewer was dropped, ${(after / MiB).toFixed(1)} MiB ${AFTER_DROP_MS / 1000} s later; the reader got ${(reader.bytes / MiB).toFixed(1)} MiB`;
    // The dropped viewer's unsent output is most of what is left (a few MiB, until its socket closes).
    expect((atDrop - before) / MiB, figures).toBeLessThan(24);
    expect((after - before) / MiB, figures).toBeLessThan(24);

    const close = await stalled.resume();
    expect(close.code).toBe(CONSOLE_CLOSE_CODES.tooSlow);
    expect(close.reason).toMatch(/not read fast enough/);

    // The reader kept up: every line the guest printed reached it, in order, none twice.
    expect(reader.outOfOrder).toEqual([]);
    expect(reader.lines).toBeGreaterThan(10_000);
    expect(reader.last! - reader.first! + 1).toBe(reader.lines);
    expect((await server.api.post('/api/domains/flood/destroy')).status).toBe(200);
  });
});
