/**
 * Guests whose serial port is not a pty start, and the console says what it can do: it reads
 * a UNIX socket QEMU serves (one named under a libvirt host's runtime folder lands in the run
 * folder), and for a file serial it says why it cannot, while the file gets the output.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CLOSE_CODES } from '../api.js';
import { demoGuestXml } from '../demoGuest.js';
import { RunDir } from '../guests/RunDir.js';
import { openConsole } from '../testing/consoleClient.js';
import { demoGuest } from '../testing/demoGuest.js';
import { killProcessesMentioning } from '../testing/processes.js';
import { startTestServer, type TestServer } from '../testing/testServer.js';
import { waitFor } from '../testing/waitFor.js';
import { probeCapabilities } from './probeCapabilities.js';

const guest = demoGuest();
const PTY_SERIAL = /<serial type='pty'>[\s\S]*?<\/console>/;

describe('serial ports of every kind', () => {
  let server: TestServer;
  let files: string;
  const withSerial = (name: string, serial: string) => demoGuestXml(name, guest).replace(PTY_SERIAL, serial);

  beforeAll(async () => {
    files = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-serial-'));
    server = await startTestServer({ demoGuest: guest, capabilities: probeCapabilities });
  });
  afterAll(async () => {
    killProcessesMentioning(server.stateDir);
    await server.dispose();
    await rm(files, { recursive: true, force: true });
  });

  it('starts a guest whose only serial port is a file, and the console says why it cannot attach', async () => {
    const log = path.join(files, 'serial.txt');
    const xml = withSerial('file-serial', `<serial type='file'><source path='${log}'/><target port='0'/></serial>`);
    expect((await server.api.post('/api/domains', { xml })).status).toBe(201);
    expect((await server.api.post('/api/domains/file-serial/start')).status).toBe(200);
    await waitFor('the ready marker in the serial file', () => (readFileSync(log, 'utf8').includes(guest.readyMarker) ? true : undefined), 60_000);
    const console = await openConsole(server.url, server.token.value, 'file-serial');
    const closed = await console.closed;
    expect(closed.code).toBe(CONSOLE_CLOSE_CODES.unreadable);
    expect(closed.reason).toMatch(/writes to a file on the host/);
    await server.api.post('/api/domains/file-serial/destroy');
  });

  it("attaches the console to a UNIX serial socket, moving a libvirt host's runtime path into the run folder", async () => {
    const xml = withSerial('unix-serial', "<serial type='unix'><source mode='bind' path='/run/libvirt/qemu/unix-serial.console'/><target port='0'/></serial>");
    expect((await server.api.post('/api/domains', { xml })).status).toBe(201);
    const argv = await server.api.get<string>('/api/domains/unix-serial/argv');
    expect(JSON.stringify(argv.body)).toContain(path.join(new RunDir(server.stateDir, 'unix-serial').qemuDir, 'unix-serial.console'));
    expect((await server.api.post('/api/domains/unix-serial/start')).status).toBe(200);
    const console = await openConsole(server.url, server.token.value, 'unix-serial');
    await console.waitFor(guest.readyMarker);
    await console.run('true');
    console.close();
    await server.api.post('/api/domains/unix-serial/destroy');
  });
});
