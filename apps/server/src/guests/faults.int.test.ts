import { access, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody, GuestSummary } from '../api.js';
import { demoGuestXml } from '../demoGuest.js';
import { RunDir } from './RunDir.js';
import { probeCapabilities } from '../host/probeCapabilities.js';
import { demoGuest } from '../testing/demoGuest.js';
import { withEmulator, writeFakeQemu } from '../testing/fakeQemu.js';
import { killProcessesMentioning, processesMentioning } from '../testing/processes.js';
import { spawnServer } from '../testing/serverProcess.js';
import { startTestServer, type TestServer } from '../testing/testServer.js';
import { waitFor } from '../testing/waitFor.js';

const guest = demoGuest();
const MONITOR_TIMEOUT_MS = 2000;

describe('bad input and faults: a clear error, the true state, no orphan QEMU, no lost definition', () => {
  let server: TestServer;
  let fakes: string;
  let silentQemu: string;
  let dyingQemu: string;

  beforeAll(async () => {
    fakes = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-fakes-'));
    silentQemu = await writeFakeQemu(fakes, 'silent');
    dyingQemu = await writeFakeQemu(fakes, 'dies-mid-start');
    server = await startTestServer({
      demoGuest: guest,
      capabilities: async () => withEmulator(withEmulator(await probeCapabilities(), silentQemu), dyingQemu),
      guestOptions: { monitorTimeoutMs: MONITOR_TIMEOUT_MS },
    });
  });
  afterAll(async () => {
    killProcessesMentioning(server.stateDir);
    await server.dispose();
    await rm(fakes, { recursive: true, force: true });
  });

  const define = async (name: string, emulator?: string) => {
    const xml = demoGuestXml(name, guest, emulator);
    expect((await server.api.post('/api/domains', { xml })).status).toBe(201);
    return xml;
  };
  const act = (name: string, action: string) => server.api.post<GuestSummary & ErrorBody>(`/api/domains/${name}/${action}`);
  const guestProcesses = (name: string) => processesMentioning(path.join(server.stateDir, 'run', name) + '/');

  it('starts a guest once when two starts race, and refuses the second', async () => {
    await define('twice');
    const results = await Promise.all([act('twice', 'start'), act('twice', 'start')]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const refused = results.find((r) => r.status === 409)!;
    expect(refused.body).toMatchObject({ code: 'conflict', message: expect.stringMatching(/already running/) as unknown });
    expect(guestProcesses('twice')).toHaveLength(1);
    await act('twice', 'destroy');
    expect(guestProcesses('twice')).toEqual([]);
  });

  it('lets a destroy cut a start short, with both answers telling what happened', async () => {
    await define('cut', silentQemu);
    const start = act('cut', 'start');
    const pidFile = new RunDir(server.stateDir, 'cut').pidFile;
    await waitFor('the launch', () => access(pidFile).then(() => true, () => undefined));
    const t0 = Date.now();
    const destroyed = await act('cut', 'destroy');
    const started = await start;
    expect(Date.now() - t0).toBeLessThan(MONITOR_TIMEOUT_MS);
    expect(destroyed.body).toMatchObject({ state: 'shutoff', reason: 'destroyed' });
    expect(started.status).toBe(409);
    expect(started.body.message).toMatch(/forced off while starting/);
    expect(guestProcesses('cut')).toEqual([]);

    // With the real QEMU, racing start and destroy end with the guest off and no process.
    await define('race');
    const [raceStart, raceDestroy] = await Promise.all([act('race', 'start'), act('race', 'destroy')]);
    expect([200, 409]).toContain(raceStart.status);
    expect([200, 409]).toContain(raceDestroy.status);
    const final = (await server.api.get<GuestSummary>('/api/domains/race')).body;
    if (final.state !== 'shutoff') await act('race', 'destroy');
    expect(guestProcesses('race')).toEqual([]);
  });

  it('refuses to undefine a running guest and keeps its definition', async () => {
    const xml = await define('busy');
    await act('busy', 'start');
    const refused = await server.api.delete<ErrorBody>('/api/domains/busy');
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/force it off/);
    expect(await readFile(path.join(server.stateDir, 'domains', 'busy.xml'), 'utf8')).toContain(xml.split('\n')[2]);
    expect(server.guests.get('busy').state).toBe('running');
    await act('busy', 'destroy');
    expect((await server.api.delete('/api/domains/busy')).status).toBe(204);
  });

  it('reports QEMU dying in the middle of a start with what it said', async () => {
    await define('dies', dyingQemu);
    const failed = await act('dies', 'start');
    expect(failed.status).toBe(502);
    expect(failed.body.code).toBe('qemu-failed');
    expect(failed.body.message).toMatch(/simulated crash while running query-status/);
    expect(server.guests.get('dies')).toMatchObject({ state: 'shutoff', reason: 'failed', error: expect.stringMatching(/simulated crash/) as unknown });
    expect(guestProcesses('dies')).toEqual([]);
    expect((await server.api.get<string>('/api/domains/dies/xml')).status).toBe(200);
  });

  it('gives up on a monitor that never answers, and ends that QEMU', async () => {
    await define('mute', silentQemu);
    const t0 = Date.now();
    const failed = await act('mute', 'start');
    expect(Date.now() - t0).toBeLessThan(MONITOR_TIMEOUT_MS + 3000);
    expect(failed.status).toBe(504);
    expect(failed.body.code).toBe('timeout');
    expect(failed.body.message).toMatch(/did not answer on its monitor/);
    expect(server.guests.get('mute')).toMatchObject({ state: 'shutoff', reason: 'failed' });
    expect(guestProcesses('mute')).toEqual([]);
  });

  it('says so when the emulator is missing', async () => {
    await define('nowhere', '/nonexistent/qemu-system-x86_64');
    const failed = await act('nowhere', 'start');
    expect(failed.status).toBeGreaterThanOrEqual(400);
    expect(['qemu-missing', 'invalid-xml']).toContain(failed.body.code);
    expect(failed.body.message).toMatch(/nonexistent/);
    expect(server.guests.get('nowhere')).toMatchObject({ state: 'shutoff', reason: 'failed' });
  });

  it('keeps the old definition when the disk fills up during a save (a real file size limit on the server)', async () => {
    const stateDir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-full-'));
    // Every file the server writes is cut at 8 KiB (EFBIG), as a full disk would cut it.
    const limited = await spawnServer({ stateDir, wrapper: ['prlimit', '--fsize=8192', '--'] });
    try {
      const small = demoGuestXml('saved', guest);
      expect((await limited.api.post('/api/domains', { xml: small })).status).toBe(201);
      const before = await readFile(path.join(stateDir, 'domains', 'saved.xml'), 'utf8');
      const big = small.replace('<description>', `<description>${'a long story '.repeat(2000)}`);
      const failed = await limited.api.put<ErrorBody>('/api/domains/saved/xml', { xml: big });
      expect(failed.status).toBe(507);
      expect(failed.body.code).toBe('storage-failed');
      expect(failed.body.message).toMatch(/EFBIG.*previous definition is unchanged/);
      expect((await limited.api.get<string>('/api/domains/saved/xml')).body).toBe(before);
      expect(await readFile(path.join(stateDir, 'domains', 'saved.xml'), 'utf8')).toBe(before);
      expect(await readdir(path.join(stateDir, 'domains'))).toEqual(['saved.xml']);
    } finally {
      limited.child.kill('SIGKILL');
      await limited.exited;
      await rm(stateDir, { recursive: true, force: true });
    }
  });
});
