import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { QmpClient, type StatusInfo } from '@virtdeck/qmp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuestSummary } from '../api.js';
import { demoGuestXml } from '../demoGuest.js';
import { RunDir } from '../guests/RunDir.js';
import { demoGuest } from '../testing/demoGuest.js';
import { killProcessesMentioning, processesMentioning } from '../testing/processes.js';
import { spawnServer, type ServerProcess } from '../testing/serverProcess.js';

const guest = demoGuest();
const NAME = 'interrupted';

describe('a start cut short by a server kill', () => {
  let stateDir: string;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-interrupted-'));
  });
  afterAll(async () => {
    server?.child.kill('SIGKILL');
    killProcessesMentioning(stateDir);
    await rm(stateDir, { recursive: true, force: true });
  });

  it("is reported by the next server as a failed start, 'The server stopped while the guest was starting', and its QEMU is ended", { timeout: 240_000 }, async () => {
    server = await spawnServer({ stateDir });
    expect((await server.api.post('/api/domains', { xml: demoGuestXml(NAME, guest) })).status).toBe(201);
    const run = new RunDir(stateDir, NAME);
    void server.api.post(`/api/domains/${NAME}/start`).catch(() => undefined);
    // QEMU writes its pid file long before its monitor answers (it still builds the machine):
    // frozen from then on, it cannot have run `cont` when the server dies.
    while (!existsSync(run.pidFile)) await delay(1);
    let pid = NaN;
    while (!(pid > 0)) pid = Number((await readFile(run.pidFile, 'utf8')).trim());
    process.kill(pid, 'SIGSTOP');
    server.child.kill('SIGKILL');
    await server.exited;
    server = undefined;
    process.kill(pid, 'SIGCONT');
    const qmp = await QmpClient.connect(run.qmpSocket, { timeoutMs: 30_000, retry: true });
    // The precondition: the CPUs never ran.
    expect((await qmp.execute<StatusInfo>('query-status')).status).toBe('prelaunch');
    await qmp.close();

    server = await spawnServer({ stateDir });
    let found: GuestSummary | undefined;
    for (;;) {
      found = (await server.api.get<GuestSummary>(`/api/domains/${NAME}`)).body;
      if (found.state === 'shutoff' && found.pid === undefined) break;
      await delay(100);
    }
    expect(found).toMatchObject({ state: 'shutoff', reason: 'failed', error: 'The server stopped while the guest was starting' });
    // Gone (a zombie its new parent has not reaped yet counts as gone).
    expect(processesMentioning(run.pidFile)).toEqual([]);
    // Kept across one more restart: it is the guest's state, not a message of the moment.
    server.child.kill('SIGTERM');
    await server.exited;
    server = await spawnServer({ stateDir });
    expect((await server.api.get<GuestSummary>(`/api/domains/${NAME}`)).body).toMatchObject({ state: 'shutoff', reason: 'failed', error: 'The server stopped while the guest was starting' });
  });
});
