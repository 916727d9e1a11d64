import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { QmpClient } from '@virtdeck/qmp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuestSummary, LifecycleEvent } from '../api.js';
import { demoGuestXml } from '../demoGuest.js';
import { openConsole } from '../testing/consoleClient.js';
import { demoGuest } from '../testing/demoGuest.js';
import { killProcessesMentioning, processesMentioning } from '../testing/processes.js';
import { spawnServer, type ServerProcess } from '../testing/serverProcess.js';
import { SseClient } from '../testing/sseClient.js';
import { waitFor, waitForText } from '../testing/waitFor.js';
import { RunDir } from './RunDir.js';

const guest = demoGuest();
const KEPT = ['one', 'two', 'three'];

describe('guests outlive the server', () => {
  let stateDir: string;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-reconnect-'));
  });
  afterAll(async () => {
    server?.child.kill('SIGKILL');
    killProcessesMentioning(stateDir);
    await rm(stateDir, { recursive: true, force: true });
  });

  it('finds three running guests again after the server is killed with SIGKILL, with their true state, control and events', async () => {
    server = await spawnServer({ stateDir });
    const names = [...KEPT, 'killed', 'poweredoff'];
    for (const name of names) expect((await server.api.post('/api/domains', { xml: demoGuestXml(name, guest) })).status).toBe(201);
    // A guest whose run folder points at a live process that is not its QEMU (a reused pid).
    expect((await server.api.post('/api/domains', { xml: demoGuestXml('stale', guest) })).status).toBe(201);
    await Promise.all(names.map((name) => server!.api.post(`/api/domains/${name}/start`)));
    await Promise.all(names.map((name) => waitForText(new RunDir(stateDir, name).serialLog, guest.readyMarker, 90_000)));
    await server.api.post('/api/domains/two/suspend');
    const before = new Map((await server.api.get<GuestSummary[]>('/api/domains')).body.map((g) => [g.name, g]));
    for (const name of names) expect(before.get(name)?.pid).toBeGreaterThan(0);

    server.child.kill('SIGKILL');
    await server.exited;
    server = undefined;

    // While no server runs: the QEMUs are still there; one dies, one powers off.
    for (const name of names) expect(() => process.kill(before.get(name)!.pid!, 0)).not.toThrow();
    process.kill(before.get('killed')!.pid!, 'SIGKILL');
    const qmp = await QmpClient.connect(new RunDir(stateDir, 'poweredoff').qmpSocket);
    const off = qmp.waitForEvent('SHUTDOWN', { timeoutMs: 30_000 });
    await qmp.execute('system_powerdown');
    await off;
    await qmp.close();
    const stale = new RunDir(stateDir, 'stale');
    await mkdir(stale.dir, { recursive: true });
    await mkdir(stale.qemuDir, { recursive: true });
    await writeFile(stale.pidFile, `${process.pid}\n`);
    await writeFile(stale.statusFile, JSON.stringify({ pid: process.pid, state: 'running', reason: 'booted', since: new Date().toISOString() }));

    server = await spawnServer({ stateDir });
    const after = new Map((await server.api.get<GuestSummary[]>('/api/domains')).body.map((g) => [g.name, g]));
    expect(after.get('one')).toMatchObject({ state: 'running', reason: 'booted', pid: before.get('one')!.pid });
    expect(after.get('two')).toMatchObject({ state: 'paused', reason: 'user', pid: before.get('two')!.pid });
    expect(after.get('three')).toMatchObject({ state: 'running', reason: 'booted', pid: before.get('three')!.pid });
    expect(after.get('killed')).toMatchObject({ state: 'shutoff', reason: 'crashed' });
    expect(after.get('killed')?.error).toMatch(/while the server was not running/);
    expect(after.get('stale')).toMatchObject({ state: 'shutoff', reason: 'crashed' });
    expect(after.get('stale')?.pid).toBeUndefined();
    // It powered off while nobody listened: on_poweroff=destroy is applied now.
    const poweredOff = after.get('poweredoff');
    expect(['shutdown', 'shutoff']).toContain(poweredOff?.state);

    const sse = await SseClient.connect(server.url, server.token);
    try {
      const snapshot = await sse.next<GuestSummary[]>('snapshot');
      expect(snapshot.data.filter((g) => g.pid).map((g) => g.name).sort()).toEqual(expect.arrayContaining(['one', 'three', 'two']));
      const api = server.api;
      await waitFor('on_poweroff to be applied', async () => ((await api.get<GuestSummary>('/api/domains/poweredoff')).body.state === 'shutoff' ? true : undefined));
      expect((await server.api.get<GuestSummary>('/api/domains/poweredoff')).body).toMatchObject({ state: 'shutoff', reason: 'shutdown' });
      expect(processesMentioning(new RunDir(stateDir, 'poweredoff').dir + '/')).toEqual([]);

      // Control and events work as before.
      await server.api.post('/api/domains/two/resume');
      await sse.next<LifecycleEvent>('lifecycle', (e) => e.name === 'two' && e.event === 'resumed');
      await server.api.post('/api/domains/one/suspend');
      await sse.next<GuestSummary>('guest', (g) => g.name === 'one' && g.state === 'paused');
      const console = await openConsole(server.url, server.token, 'three');
      await console.waitFor(guest.readyMarker);
      await console.run('echo back-$((40+2))');
      await console.waitFor('back-42');
      await server.api.post('/api/domains/three/shutdown');
      await sse.next<GuestSummary>('guest', (g) => g.name === 'three' && g.state === 'shutoff' && g.reason === 'shutdown', 60_000);
      expect((await console.closed).code).toBe(4409);
      for (const name of ['one', 'two']) {
        expect((await server.api.post<GuestSummary>(`/api/domains/${name}/destroy`)).body).toMatchObject({ state: 'shutoff', reason: 'destroyed' });
      }
      const events = (await server.api.get<LifecycleEvent[]>('/api/domains/one/events')).body.map((e) => e.event);
      expect(events).toEqual(expect.arrayContaining(['started', 'reconnected', 'suspended', 'stopped']));
    } finally {
      sse.close();
    }
    expect(processesMentioning(stateDir)).toEqual([]);
  });
});
