import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody } from '../api.js';
import { readLogTail } from '../console/SerialLog.js';
import { readQemuLog } from '../guests/qemuLog.js';
import { launchQemu, tailOf } from '../guests/qemuProcess.js';
import { RunDir } from '../guests/RunDir.js';
import { notProbed, startTestServer, type TestServer } from '../testing/testServer.js';

const SECRET = 'secret-of-the-host: not for the browser\n';
/** About 4 MiB of QEMU output: twice what the guest page gets. */
const LONG_LOG = Array.from({ length: 40_000 }, (_, i) => `line ${i} ${'x'.repeat(90)}\n`).join('');

describe("QEMU's log is read as a state file: no link followed, bounded", () => {
  let dir: string;
  let secret: string;
  let server: TestServer;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-qemulog-'));
    secret = path.join(dir, 'host-secret');
    await writeFile(secret, SECRET);
    const stateDir = path.join(dir, 'state');
    await mkdir(path.join(stateDir, 'domains'), { recursive: true });
    for (const name of ['linked', 'long']) {
      await writeFile(path.join(stateDir, 'domains', `${name}.xml`), `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><os><type arch='x86_64' machine='q35'>hvm</type></os></domain>\n`);
      await mkdir(new RunDir(stateDir, name).dir, { recursive: true });
    }
    await symlink(secret, new RunDir(stateDir, 'linked').qemuLog);
    await writeFile(new RunDir(stateDir, 'long').qemuLog, LONG_LOG);
    server = await startTestServer({ stateDir, capabilities: notProbed });
  });
  afterAll(async () => {
    await server?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('GET /qemu-log refuses a log that is a symlink, naming it, and never serves its target', async () => {
    const served = await server.api.get<ErrorBody>('/api/domains/linked/qemu-log');
    expect(served.status).toBe(503);
    expect(served.body.message).toMatch(/run\/linked\/qemu\.log is a symbolic link \(to .*host-secret\); the server reads only regular files here and never follows links/);
    expect(JSON.stringify(served.body)).not.toContain('secret-of-the-host');
  });

  it('GET /qemu-log of a log past the limit gives its last whole lines after a note of what was cut', async () => {
    const served = await server.api.get<string>('/api/domains/long/qemu-log');
    expect(served.status).toBe(200);
    const shownFrom = LONG_LOG.indexOf('\n', LONG_LOG.length - 2 * 1024 * 1024) + 1;
    const [note, ...rest] = served.body.split('\n');
    expect(note).toBe(`[virtdeck: the first ${(shownFrom / 1048576).toFixed(1)} MiB (${shownFrom} bytes) of QEMU's log are cut; the last 2.0 MiB follow]`);
    expect(rest.join('\n')).toBe(LONG_LOG.slice(shownFrom));
  });

  it('reads a short log whole, a missing one as empty, and a FIFO not at all (no hang)', async () => {
    const short = path.join(dir, 'short.log');
    await writeFile(short, 'qemu: one line\n');
    expect(await readQemuLog(short)).toBe('qemu: one line\n');
    expect(await readQemuLog(path.join(dir, 'absent.log'))).toBe('');
    const fifo = path.join(dir, 'fifo.log');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    await expect(readQemuLog(fifo)).rejects.toMatchObject({ code: 'unavailable', message: /fifo\.log is a named pipe, not a regular file/ });
  });

  it("a start never appends to a symlink in the log's place, and a failed start's message does not quote its target", async () => {
    const log = path.join(dir, 'planted-qemu.log');
    await symlink(secret, log);
    await expect(launchQemu(['/bin/true'], {}, log, dir)).rejects.toThrow(/planted-qemu\.log is a symbolic link/);
    expect(await readFile(secret, 'utf8')).toBe(SECRET);
    expect(await tailOf(log)).toBe('');
  });

  it('the serial scrollback skips a planted link too', async () => {
    const serial = path.join(dir, 'serial.log');
    await symlink(secret, serial);
    expect((await readLogTail(serial, 4096)).length).toBe(0);
  });
});
