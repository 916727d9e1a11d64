import { execFile } from 'node:child_process';
import { readdir, readlink, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody, GuestSummary } from '../api.js';
import { demoGuestXml } from '../demoGuest.js';
import { openConsole, type ConsoleClient } from '../testing/consoleClient.js';
import { demoGuest } from '../testing/demoGuest.js';
import { killProcessesMentioning } from '../testing/processes.js';
import { startTestServer, type TestServer } from '../testing/testServer.js';
import { waitFor } from '../testing/waitFor.js';

const run = promisify(execFile);
const guest = demoGuest();

/** The files a process holds open. */
async function openFiles(pid: number): Promise<string[]> {
  const fds = await readdir(`/proc/${pid}/fd`);
  return Promise.all(fds.map((fd) => readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')));
}

describe('devices of a running guest: hot-plug and media changes with the real demo guest under TCG', () => {
  let server: TestServer;
  let console: ConsoleClient;
  let pid: number;
  const file = (name: string) => path.join(server.stateDir, name);

  beforeAll(async () => {
    server = await startTestServer({ demoGuest: guest });
    await run('qemu-img', ['create', '-q', '-f', 'qcow2', file('boot.qcow2'), '32M']);
    await run('qemu-img', ['create', '-q', '-f', 'qcow2', file('hot.qcow2'), '48M']);
    await run('qemu-img', ['create', '-q', '-f', 'raw', file('first.iso'), '1M']);
    await run('qemu-img', ['create', '-q', '-f', 'raw', file('second.iso'), '1M']);
    const devices = [
      `<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${file('boot.qcow2')}'/><target dev='vda' bus='virtio'/></disk>`,
      `<disk type='file' device='cdrom'><driver name='qemu' type='raw'/><source file='${file('first.iso')}'/><target dev='sda' bus='sata'/><readonly/></disk>`,
      // Empty ports for devices plugged in later, as virt-install adds them to a q35 guest.
      ...Array.from({ length: 6 }, (_, i) => `<controller type='pci' index='${i + 1}' model='pcie-root-port'/>`),
    ];
    const xml = demoGuestXml('plug', guest).replace('<devices>', `<devices>\n    ${devices.join('\n    ')}`);
    expect((await server.api.post('/api/domains', { xml })).status).toBe(201);
    const started = await server.api.post<GuestSummary>('/api/domains/plug/start');
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    pid = started.body.pid!;
    console = await openConsole(server.url, server.token.value, 'plug');
    await console.waitFor(guest.readyMarker, { timeoutMs: 90_000 });
  });
  afterAll(async () => {
    console?.close();
    await Promise.allSettled(server.guests.list().filter((g) => g.pid).map((g) => server.guests.destroy(g.name)));
    killProcessesMentioning(server.stateDir);
    await server.dispose();
  });

  /** Runs `command` on the guest's shell until its output (after the command) passes `check`. */
  const shellShows = async (command: string, check: (output: string) => boolean, what: string) => {
    await waitFor(what, async () => {
      const from = console.text().length;
      await console.run(`${command}; echo end-of-$((40+2))`);
      await console.waitFor('end-of-42', { from });
      const output = console.text().slice(from);
      return check(output) ? true : undefined;
    }, 30_000);
  };
  const runningXml = async () => (await server.api.get<string>('/api/domains/plug/xml?running=1')).body;
  const savedXml = async () => (await server.api.get<string>('/api/domains/plug/xml')).body;

  it('attaches a qcow2 disk the guest sees as vdb, and detaches it again', async () => {
    await shellShows('ls /sys/block', (out) => out.includes('vda') && !out.includes('vdb'), 'only vda before the hot-plug');
    const disk = `<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${file('hot.qcow2')}'/><target dev='vdb' bus='virtio'/></disk>`;
    const attached = await server.api.post<GuestSummary & ErrorBody>('/api/domains/plug/devices', { json: { xml: disk, live: true } });
    expect(attached.status, attached.body.message).toBe(200);
    await shellShows('ls /sys/block', (out) => out.includes('vdb'), 'vdb in the guest');
    // 48 MiB = 98304 sectors of 512 bytes, as the guest's kernel reads it.
    await shellShows('cat /sys/block/vdb/size', (out) => out.includes('98304'), 'the size of vdb');
    expect(await openFiles(pid)).toContain(file('hot.qcow2'));
    // QEMU's user writes the image while it is attached (when the server is root), as at a start.
    if (process.getuid?.() === 0) expect((await stat(file('hot.qcow2'))).uid).not.toBe(0);
    expect(await runningXml()).toContain(file('hot.qcow2'));
    expect(await savedXml()).not.toContain(file('hot.qcow2'));
    expect(attached.body.pendingChanges).toBe(true);

    const detached = await server.api.delete<GuestSummary & ErrorBody>('/api/domains/plug/devices?target=vdb&live=1');
    expect(detached.status, detached.body.message).toBe(200);
    await shellShows('ls /sys/block', (out) => out.includes('vda') && !out.includes('vdb'), 'vdb gone from the guest');
    expect(await openFiles(pid)).not.toContain(file('hot.qcow2'));
    expect((await stat(file('hot.qcow2'))).uid).toBe(process.getuid?.() ?? 0);
    expect(await runningXml()).not.toContain(file('hot.qcow2'));
    expect(detached.body.pendingChanges).toBe(false);
  });

  it('attaches a network card the guest lists in /sys/class/net, and detaches it by its MAC', async () => {
    await shellShows('ls /sys/class/net', (out) => out.includes('eth0') && !out.includes('eth1'), 'one card before');
    const nic = `<interface type='user'><mac address='52:54:00:aa:bb:01'/><model type='virtio'/></interface>`;
    const attached = await server.api.post<GuestSummary & ErrorBody>('/api/domains/plug/devices', { json: { xml: nic, live: true, config: true } });
    expect(attached.status, attached.body.message).toBe(200);
    await shellShows('cat /sys/class/net/eth1/address', (out) => out.includes('52:54:00:aa:bb:01'), 'eth1 with the MAC asked for');
    // Both: the saved definition has the card too, placed where the running guest has it.
    expect(await savedXml()).toContain('52:54:00:aa:bb:01');
    expect(attached.body.pendingChanges).toBe(false);

    const detached = await server.api.delete<GuestSummary & ErrorBody>('/api/domains/plug/devices?mac=52:54:00:aa:bb:01&live=1&config=1');
    expect(detached.status, detached.body.message).toBe(200);
    await shellShows('ls /sys/class/net', (out) => out.includes('eth0') && !out.includes('eth1'), 'eth1 gone');
    expect(await savedXml()).not.toContain('52:54:00:aa:bb:01');
  });

  it('ejects the CD-ROM and puts another medium in', async () => {
    expect(await openFiles(pid)).toContain(file('first.iso'));
    const ejected = await server.api.post<GuestSummary & ErrorBody>('/api/domains/plug/disks/sda/media', { json: { source: null, live: true } });
    expect(ejected.status, ejected.body.message).toBe(200);
    expect(await openFiles(pid)).not.toContain(file('first.iso'));
    expect(await runningXml()).not.toContain('first.iso');

    const changed = await server.api.post<GuestSummary & ErrorBody>('/api/domains/plug/disks/sda/media', { json: { source: file('second.iso'), live: true, config: true } });
    expect(changed.status, changed.body.message).toBe(200);
    expect(await openFiles(pid)).toContain(file('second.iso'));
    expect(await runningXml()).toContain('second.iso');
    expect(await savedXml()).toContain('second.iso');
  });

  it('refuses what cannot be done, saying what and where', async () => {
    const missing = `<disk type='file' device='disk'><source file='${file('nowhere.qcow2')}'/><target dev='vdc' bus='virtio'/></disk>`;
    const notThere = await server.api.post<ErrorBody>('/api/domains/plug/devices', { json: { xml: missing, live: true } });
    expect(notThere.status).toBe(422);
    expect(notThere.body.message).toContain('nowhere.qcow2');

    const invalid = await server.api.post<ErrorBody>('/api/domains/plug/devices', { json: { xml: `<disk type='file' device='disk'>\n  <target dev='vdc' bus='nonsense'/>\n</disk>`, live: true } });
    expect(invalid.status).toBe(422);
    expect(invalid.body.message).toMatch(/line 2 of the device XML/);

    const other = await server.api.post<ErrorBody>('/api/domains/plug/devices', { json: { xml: `<video><model type='vga'/></video>`, live: true } });
    expect(other.status).toBe(422);
    expect(other.body.message).toContain('<disk> or <interface>');

    const noSuch = await server.api.delete<ErrorBody>('/api/domains/plug/devices?target=vdq&live=1');
    expect(noSuch.status).toBe(404);
    const disk = await server.api.post<ErrorBody>('/api/domains/plug/disks/vda/media', { json: { source: null, live: true } });
    expect(disk.status).toBe(409);
    expect(disk.body.message).toContain('only a CD-ROM or floppy');
    expect((await server.api.delete<ErrorBody>('/api/domains/plug/devices?target=vdb&mac=52:54:00:00:00:01')).status).toBe(400);
  });
});
