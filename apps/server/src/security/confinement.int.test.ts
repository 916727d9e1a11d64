import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, copyFile, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QmpClient } from '@virtdeck/qmp';
import type { ErrorBody, GuestSummary, HostInfo } from '../api.js';
import { lookUp, QEMU_USER_NAME } from '../confine/qemuUser.js';
import { demoGuestXml } from '../demoGuest.js';
import { isAlive } from '../guests/qemuProcess.js';
import { RunDir } from '../guests/RunDir.js';
import { demoGuest } from '../testing/demoGuest.js';
import { killProcessesMentioning } from '../testing/processes.js';
import { startTestServer, type TestServer } from '../testing/testServer.js';
import { waitFor, waitForText } from '../testing/waitFor.js';

const guest = demoGuest();

const rawDisk = (file: string, dev: string): string => `    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='${file}'/>
      <target dev='${dev}' bus='virtio'/>
    </disk>`;

/** A line of /proc/PID/status as numbers: Uid (real, effective, saved and file-system uid), Groups (the supplementary groups). */
async function idsOf(pid: number, line: 'Uid' | 'Groups'): Promise<number[]> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return (new RegExp(`^${line}:[ \\t]*(.*)$`, 'm').exec(status)?.[1] ?? '').trim().split(/\s+/).filter(Boolean).map(Number);
}

const ownerOf = async (file: string) => {
  const { uid, gid } = await stat(file);
  return { uid, gid };
};

describe.runIf(process.getuid?.() === 0)('QEMU confined as libvirt confines it (server running as root)', () => {
  let server: TestServer;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-confine-'));
    server = await startTestServer({ demoGuest: guest });
  });
  afterAll(async () => {
    killProcessesMentioning(server.stateDir);
    await server.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it("runs QEMU as virtdeck-qemu, gives it the image it writes for the run and back after, and hands over open what it cannot reach", async () => {
    const user = await lookUp(QEMU_USER_NAME);
    // A folder QEMU's user may pass through, and one it may not (as a checkout under /root).
    const open = path.join(dir, 'open');
    const closed = path.join(dir, 'closed');
    await mkdir(open);
    await mkdir(closed);
    await chmod(dir, 0o755);
    await chmod(open, 0o755);
    await chmod(closed, 0o700);
    const kernel = path.join(closed, 'vmlinuz');
    const initrd = path.join(closed, 'initrd.img');
    await copyFile(guest.kernel, kernel);
    await copyFile(guest.initrd, initrd);
    const reachableImage = path.join(open, 'data.img');
    const hiddenImage = path.join(closed, 'data.img');
    for (const image of [reachableImage, hiddenImage]) execFileSync('qemu-img', ['create', '-q', '-f', 'raw', image, '1M']);

    const xml = demoGuestXml('confined', { ...guest, kernel, initrd }).replace('  </devices>', `${rawDisk(reachableImage, 'vdb')}\n${rawDisk(hiddenImage, 'vdc')}\n  </devices>`);
    expect((await server.api.post<ErrorBody>('/api/domains', { xml })).status).toBe(201);
    const started = await server.api.post<GuestSummary & ErrorBody>('/api/domains/confined/start');
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const run = new RunDir(server.stateDir, 'confined');
    // The kernel and initrd under the 0700 folder were read: the guest boots to its shell.
    await waitForText(run.serialLog, guest.readyMarker, 90_000);

    const pid = Number((await readFile(run.pidFile, 'utf8')).trim());
    expect(await idsOf(pid, 'Uid')).toEqual([user.uid, user.uid, user.uid, user.uid]);
    expect(await idsOf(pid, 'Groups')).toEqual(expect.arrayContaining([...user.groups]));
    expect(await ownerOf(reachableImage)).toEqual({ uid: user.uid, gid: user.gid });
    // The image it cannot reach by path stays root's: QEMU got it open.
    expect(await ownerOf(hiddenImage)).toEqual({ uid: 0, gid: 0 });
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    expect(cmdline.filter((a) => a.startsWith('fd=')).length).toBeGreaterThanOrEqual(2);
    expect(cmdline.some((a) => a.includes(hiddenImage) && !a.startsWith('fd='))).toBe(false);
    expect(cmdline).toContain('-sandbox');

    const destroyed = await server.api.post<GuestSummary>('/api/domains/confined/destroy');
    expect(destroyed.body).toMatchObject({ state: 'shutoff' });
    expect(await ownerOf(reachableImage)).toEqual({ uid: 0, gid: 0 });
    await expect(stat(run.ownersFile)).rejects.toThrow(/ENOENT/);
  });

  // The set-up (npm test) puts virtdeck-qemu in group kvm and gives a /dev/kvm no udev manages udev's root:kvm 0666.
  it.runIf(existsSync('/dev/kvm'))('starts a KVM guest: QEMU, confined with its user’s groups, opens /dev/kvm and QMP reports KVM enabled', async () => {
    const user = await lookUp(QEMU_USER_NAME);
    const kvmGid = Number(execFileSync('getent', ['group', 'kvm'], { encoding: 'utf8' }).split(':')[2]);
    expect(user.groups).toContain(kvmGid);
    const host = (await server.api.get<HostInfo>('/api/host')).body;
    expect(host.kvmDevice).toEqual({ path: '/dev/kvm', usable: true });
    expect(host.accelerators.find((a) => a.name === 'kvm')).toMatchObject({ usable: true });

    // A second QMP monitor for the test, in a folder QEMU's user may create its socket in.
    await chmod(dir, 0o755);
    const monitorDir = await mkdtemp(path.join(dir, 'monitor-'));
    await chown(monitorDir, user.uid, user.gid);
    const monitor = path.join(monitorDir, 'qmp.sock');
    const xml = demoGuestXml('confined-kvm', guest)
      .replace("<domain type='qemu'>", "<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>")
      .replace('</domain>', `  <qemu:commandline>\n    <qemu:arg value='-qmp'/>\n    <qemu:arg value='unix:${monitor},server=on,wait=off'/>\n  </qemu:commandline>\n</domain>`);
    expect((await server.api.post<ErrorBody>('/api/domains', { xml })).status).toBe(201);
    const started = await server.api.post<GuestSummary & ErrorBody>('/api/domains/confined-kvm/start');
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const pid = Number((await readFile(new RunDir(server.stateDir, 'confined-kvm').pidFile, 'utf8')).trim());
    // The pid the server spawned is QEMU's own: setpriv execs it.
    expect(started.body.pid).toBe(pid);
    expect(await idsOf(pid, 'Uid')).toEqual([user.uid, user.uid, user.uid, user.uid]);
    expect(await idsOf(pid, 'Groups')).toContain(kvmGid);

    const qmp = await QmpClient.connect(monitor, { retry: true, timeoutMs: 30_000 });
    try {
      // Under nested virtualization the guest may hang at boot: QEMU having KVM is what counts.
      expect(await qmp.execute('query-kvm')).toEqual({ enabled: true, present: true });
    } finally {
      await qmp.close();
    }
    const destroyed = await server.api.post<GuestSummary>('/api/domains/confined-kvm/destroy');
    expect(destroyed.body).toMatchObject({ state: 'shutoff' });
    await waitFor('QEMU gone', async () => (isAlive(pid) ? undefined : true), 30_000);
  });
});
