import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { GuestSummary } from '../api.js';
import { demoGuestXml } from '../demoGuest.js';
import { demoGuest } from '../testing/demoGuest.js';
import { killProcessesMentioning } from '../testing/processes.js';
import { spawnServer, type ServerProcess } from '../testing/serverProcess.js';

const guest = demoGuest();
const supervisor = fileURLToPath(new URL('../../../../scripts/lib/supervise.mjs', import.meta.url));

/** How a console WebSocket ended: its close code, or the error that ended it. */
function consoleClose(server: ServerProcess, name: string): Promise<number | string> {
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}api/domains/${encodeURIComponent(name)}/console`, { headers: { Authorization: `Bearer ${server.token}` } });
  return new Promise((resolve) => {
    ws.on('close', (code) => resolve(code));
    ws.on('error', (error) => resolve(error.message));
  });
}

describe('the server under `npm start` supervision', () => {
  let stateDir: string;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-death-'));
  });
  afterAll(async () => {
    server?.child.kill('SIGKILL');
    killProcessesMentioning(stateDir);
    await rm(stateDir, { recursive: true, force: true });
  });

  it('survives the console of a long-named guest; when killed anyway, the supervisor says so and exits non-zero, and the guest keeps running', async () => {
    server = await spawnServer({ stateDir, wrapper: [process.execPath, supervisor] });
    // Its stdout is a pipe, as when logged to a file: the token is not printed, the file is named.
    expect(server.output()).not.toContain(server.token);
    expect(server.output()).toContain(path.join(stateDir, 'token'));
    const name = '漢'.repeat(36);
    expect((await server.api.post('/api/domains', { xml: demoGuestXml(name, guest) })).status).toBe(201);
    expect(await consoleClose(server, name)).toBe(4409);
    expect(await consoleClose(server, `${name}字`)).toBe(4404);
    const started = await server.api.post<GuestSummary>(`/api/domains/${encodeURIComponent(name)}/start`);
    expect(started.body, JSON.stringify(started.body)).toMatchObject({ state: "running" });
    const { pid } = (await server.api.get<GuestSummary>(`/api/domains/${encodeURIComponent(name)}`)).body;

    const serverPid = Number((await readFile(path.join(stateDir, 'server.pid'), 'utf8')).trim());
    expect(serverPid).not.toBe(server.child.pid);
    process.kill(serverPid, 'SIGKILL');
    const exit = await server.exited;
    expect(exit.code).not.toBe(0);
    expect(server.output()).toMatch(/\[virtdeck\] the server stopped unexpectedly \(killed by SIGKILL\); running guests keep running/);
    expect(() => process.kill(pid!, 0)).not.toThrow();
    server = undefined;
  });
});
