/**
 * Displays never open by accident: two SPICE guests with autoport get different free ports,
 * and a VNC password reaches QEMU (an RFB client is offered VNC authentication only, the right
 * password passes and a wrong one does not) without ever being on the command line or left on
 * disk; a password past its passwdValidTo lets no one in, on a UNIX socket as on TCP.
 */
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoGuestXml } from '../demoGuest.js';
import { RunDir } from '../guests/RunDir.js';
import { probeCapabilities } from './probeCapabilities.js';
import { demoGuest } from '../testing/demoGuest.js';
import { killProcessesMentioning } from '../testing/processes.js';
import { vncResponse } from '../testing/rfbClient.js';
import { startTestServer, type TestServer } from '../testing/testServer.js';

const guest = demoGuest();

/** The running QEMU's argv, as any local user can read it in /proc. */
function qemuArgv(server: TestServer, name: string): string[] {
  const pid = readFileSync(new RunDir(server.stateDir, name).pidFile, 'utf8').trim();
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '');
}

const valueOf = (argv: string[], flag: string): string => argv[argv.indexOf(flag) + 1] ?? '';

/**
 * The RFB version exchange and the security types the server offers (RFC 6143 §7.1.2); with
 * a password, VNC authentication too and its SecurityResult (0: accepted).
 */
function rfbSecurity(target: { port: number } | { path: string }, password?: string): Promise<{ types: number[]; result?: number }> {
  return new Promise((resolve, reject) => {
    const socket = 'path' in target ? net.connect(target.path) : net.connect(target.port, '127.0.0.1');
    let buffer = Buffer.alloc(0);
    let step: 'version' | 'types' | 'challenge' | 'result' = 'version';
    let types: number[] = [];
    const done = (result?: number) => {
      resolve(result === undefined ? { types } : { types, result });
      socket.destroy();
    };
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (step === 'version' && buffer.length >= 12) {
        buffer = buffer.subarray(12);
        socket.write('RFB 003.008\n');
        step = 'types';
      }
      const count = buffer[0];
      if (step === 'types' && count !== undefined && buffer.length >= 1 + count) {
        types = [...buffer.subarray(1, 1 + count)];
        buffer = buffer.subarray(1 + count);
        if (password === undefined || !types.includes(2)) return done();
        socket.write(Buffer.from([2]));
        step = 'challenge';
      }
      if (step === 'challenge' && buffer.length >= 16) {
        socket.write(vncResponse(buffer.subarray(0, 16), password ?? ''));
        buffer = buffer.subarray(16);
        step = 'result';
      }
      if (step === 'result' && buffer.length >= 4) done(buffer.readUInt32BE(0));
    });
    socket.on('error', reject);
  });
}

describe('displays', () => {
  let server: TestServer;
  const withGraphics = (name: string, graphics: string) => demoGuestXml(name, guest).replace('<memballoon', `${graphics}\n    <memballoon`);

  beforeAll(async () => {
    server = await startTestServer({ demoGuest: guest, capabilities: probeCapabilities });
  });
  afterAll(async () => {
    killProcessesMentioning(server.stateDir);
    await server.dispose();
  });

  it('runs two SPICE guests with autoport at once, each on its own free port with ticketing off', async () => {
    for (const name of ['spice-a', 'spice-b']) {
      expect((await server.api.post('/api/domains', { xml: withGraphics(name, "<graphics type='spice' autoport='yes'/>") })).status).toBe(201);
    }
    const started = await Promise.all(['spice-a', 'spice-b'].map((name) => server.api.post(`/api/domains/${name}/start`)));
    expect(started.map((r) => r.status)).toEqual([200, 200]);
    const spice = ['spice-a', 'spice-b'].map((name) => valueOf(qemuArgv(server, name), '-spice'));
    const ports = spice.map((value) => Number(/(?:^|,)port=(\d+)/.exec(value)?.[1]));
    expect(ports[0]).not.toBe(ports[1]);
    for (const value of spice) expect(value).toContain('disable-ticketing=on');
    for (const port of ports) {
      await new Promise<void>((resolve, reject) => net.connect(port, '127.0.0.1', resolve).on('error', reject));
    }
    await Promise.all(['spice-a', 'spice-b'].map((name) => server.api.post(`/api/domains/${name}/destroy`)));
  });

  it('enforces a VNC password: RFB offers VNC authentication only, and the password is nowhere to read', async () => {
    const xml = withGraphics('vnc-pw', "<graphics type='vnc' autoport='yes' passwd='pa55word'/>");
    expect((await server.api.post('/api/domains', { xml })).status).toBe(201);
    expect((await server.api.post('/api/domains/vnc-pw/start')).status).toBe(200);
    const argv = qemuArgv(server, 'vnc-pw');
    expect(argv.join(' ')).not.toContain('pa55word');
    const display = /^127\.0\.0\.1:(\d+),/.exec(valueOf(argv, '-vnc'));
    expect(display).not.toBeNull();
    expect(existsSync(path.join(server.stateDir, 'run', 'vnc-pw', 'vnc-password.secret'))).toBe(false);
    expect((await rfbSecurity({ port: 5900 + Number(display?.[1]) })).types).toEqual([2]);
    expect(await rfbSecurity({ port: 5900 + Number(display?.[1]) }, 'pa55word')).toEqual({ types: [2], result: 0 });
    expect((await rfbSecurity({ port: 5900 + Number(display?.[1]) }, 'wrong')).result).not.toBe(0);
    await server.api.post('/api/domains/vnc-pw/destroy');
  });

  it('honours passwdValidTo on a VNC UNIX socket: the right password of an expired one is refused', async () => {
    const xml = withGraphics('vnc-old', "<graphics type='vnc' passwd='pa55word' passwdValidTo='2010-04-09T15:51:00'><listen type='socket'/></graphics>");
    expect((await server.api.post('/api/domains', { xml })).status).toBe(201);
    expect((await server.api.post('/api/domains/vnc-old/start')).status).toBe(200);
    const listen = valueOf(qemuArgv(server, 'vnc-old'), '-vnc');
    const socketPath = /^(?:vnc=)?unix:([^,]+)/.exec(listen)?.[1];
    expect(socketPath, listen).toBeDefined();
    const outcome = await rfbSecurity({ path: path.resolve(path.join(server.stateDir, 'run', 'vnc-old'), socketPath ?? '') }, 'pa55word');
    expect(outcome.types).toEqual([2]);
    expect(outcome.result).not.toBe(0);
    await server.api.post('/api/domains/vnc-old/destroy');
  });
});
