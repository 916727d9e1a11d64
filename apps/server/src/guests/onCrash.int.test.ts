import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { guestCondition, isAllowed, offeredActions } from '@virtdeck/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuestSummary, LifecycleEvent } from '../api.js';
import { demoGuestXml } from '../demoGuest.js';
import { probeCapabilities } from '../host/probeCapabilities.js';
import { demoGuest } from '../testing/demoGuest.js';
import { withEmulator, writeFakeQemu } from '../testing/fakeQemu.js';
import { killProcessesMentioning, processesMentioning } from '../testing/processes.js';
import { SseClient, type SseMessage } from '../testing/sseClient.js';
import { startTestServer, type TestServer } from '../testing/testServer.js';

const guest = demoGuest();

/**
 * The demo guest has no pvpanic driver, so the real QEMU cannot report a guest panic here.
 * A fake QEMU that panics a moment after `cont` (GUEST_PANICKED, then STOP, as QEMU does)
 * shows what the server does with each on_crash action.
 */
describe('on_crash', () => {
  let server: TestServer;
  let fakes: string;
  let panickingQemu: string;
  let sse: SseClient;

  beforeAll(async () => {
    fakes = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-fakes-'));
    panickingQemu = await writeFakeQemu(fakes, 'panics');
    server = await startTestServer({ capabilities: async () => withEmulator(await probeCapabilities(), panickingQemu) });
    sse = await SseClient.connect(server.url, server.token.value);
  });
  afterAll(async () => {
    sse.close();
    killProcessesMentioning(server.stateDir);
    await server.dispose();
    await rm(fakes, { recursive: true, force: true });
  });

  const start = async (name: string, onCrash: string) => {
    const xml = demoGuestXml(name, guest, panickingQemu).replace('<on_crash>destroy</on_crash>', `<on_crash>${onCrash}</on_crash>`);
    expect((await server.api.post('/api/domains', { xml })).status).toBe(201);
    expect((await server.api.post<GuestSummary>(`/api/domains/${name}/start`)).body.state).toBe('running');
  };
  const becomes = (name: string, state: string, reason: string, after?: SseMessage) =>
    sse.next<GuestSummary>('guest', (g) => g.name === name && g.state === state && g.reason === reason, 30_000, after);
  const events = async (name: string) => (await server.api.get<LifecycleEvent[]>(`/api/domains/${name}/events`)).body.map((e) => e.event);
  const processes = (name: string) => processesMentioning(path.join(server.stateDir, 'run', name) + '/');

  it('destroy: the guest ends shutoff, reason crashed, and its QEMU is gone', async () => {
    await start('crash-destroy', 'destroy');
    const crashed = await becomes('crash-destroy', 'crashed', 'crashed');
    await becomes('crash-destroy', 'shutoff', 'crashed', crashed);
    expect(processes('crash-destroy')).toEqual([]);
    expect(await events('crash-destroy')).toEqual(expect.arrayContaining(['panicked', 'stopped']));
  });

  it('coredump-destroy: the memory is written to the dumps folder first', async () => {
    await start('crash-dump', 'coredump-destroy');
    await becomes('crash-dump', 'shutoff', 'crashed');
    const dumps = (await readdir(path.join(server.stateDir, 'dumps'))).filter((f) => f.startsWith('crash-dump-'));
    expect(dumps).toHaveLength(1);
    expect(await readFile(path.join(server.stateDir, 'dumps', dumps[0]!), 'utf8')).toBe('fake guest memory\n');
    const log = (await server.api.get<LifecycleEvent[]>('/api/domains/crash-dump/events')).body;
    expect(log.find((e) => e.event === 'core-dumped')?.detail).toContain(dumps[0]);
  });

  it('restart: the guest runs again in the same QEMU', async () => {
    await start('crash-restart', 'restart');
    const pid = server.guests.get('crash-restart').pid;
    const crashed = await becomes('crash-restart', 'crashed', 'crashed');
    await becomes('crash-restart', 'running', 'booted', crashed);
    expect(server.guests.get('crash-restart').pid).toBe(pid);
    expect(await events('crash-restart')).toEqual(expect.arrayContaining(['panicked', 'restarted']));
    await server.api.post('/api/domains/crash-restart/destroy');
  });

  it('preserve: the crashed guest stays for inspection until it is forced off, and is deleted only then', async () => {
    await start('crash-keep', 'preserve');
    const crashed = (await becomes('crash-keep', 'crashed', 'crashed')).data;
    expect(processes('crash-keep')).toHaveLength(1);
    expect(server.guests.get('crash-keep').state).toBe('crashed');
    // What the web offers for it (@virtdeck/schema's rules) is what the server allows.
    expect(crashed).toMatchObject({ active: true, pid: expect.any(Number) });
    expect(offeredActions(crashed)).toEqual(['reset', 'destroy']);
    expect(isAllowed('delete', guestCondition(crashed))).toBe(false);
    const refused = await server.api.delete<{ error: { message: string } }>('/api/domains/crash-keep');
    expect(refused.status).toBe(409);
    expect(JSON.stringify(refused.body)).toContain("'crash-keep' is crashed; force it off before deleting it");
    expect((await server.api.post('/api/domains/crash-keep/start')).status).toBe(409);
    expect(processes('crash-keep')).toHaveLength(1);

    const off = (await server.api.post<GuestSummary>('/api/domains/crash-keep/destroy')).body;
    expect(off).toMatchObject({ state: 'shutoff', reason: 'destroyed' });
    expect(processes('crash-keep')).toEqual([]);
    expect(isAllowed('delete', guestCondition(off))).toBe(true);
    expect((await server.api.delete('/api/domains/crash-keep')).status).toBe(204);
    expect((await server.api.get('/api/domains/crash-keep')).status).toBe(404);
  });
});
