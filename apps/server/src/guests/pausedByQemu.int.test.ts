import { chmod, chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { QmpClient } from '@virtdeck/qmp';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainSummary, LifecycleEvent } from '../api.js';
import { lookUp, QEMU_USER_NAME } from '../confine/qemuUser.js';
import { demoGuestXml } from '../demoGuest.js';
import { probeCapabilities } from '../host/probeCapabilities.js';
import { demoGuest } from '../testing/demoGuest.js';
import { haltingKernel, watchdogKernel } from '../testing/haltingKernel.js';
import { GuestManager } from './GuestManager.js';

const guest = demoGuest();

/** The demo guest booting `kernel` (no initramfs), with more devices, and more elements of <domain>. */
function guestXml(name: string, kernel: string, { devices = '', extra = '' } = {}): string {
  return demoGuestXml(name, { ...guest, kernel })
    .replace(/\s*<initrd>[^<]*<\/initrd>/, '')
    .replace('</devices>', `${devices}\n  </devices>`)
    .replace('</domain>', `${extra}</domain>`);
}

describe('a guest QEMU paused by itself, not the user', () => {
  let dir: string;
  let manager: GuestManager;
  const events: LifecycleEvent[] = [];
  const summaries: DomainSummary[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-paused-'));
    await writeFile(path.join(dir, 'watchdog.bin'), watchdogKernel());
    await writeFile(path.join(dir, 'halt.bin'), haltingKernel());
    manager = new GuestManager({ stateDir: path.join(dir, 'state'), logger: pino({ level: 'silent' }), capabilities: () => probeCapabilities() });
    manager.on('lifecycle', (event) => events.push(event));
    manager.on('guest', (summary) => summaries.push(summary));
    await manager.init();
  });

  afterAll(async () => {
    for (const { name, state } of manager.list()) if (state !== 'shutoff') await manager.destroy(name);
    await manager.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('says its watchdog paused it and what to do, until Resume lets it run on', async () => {
    // The kernel arms the ib700 for 2 s and halts: QEMU carries out action='pause' on its own.
    await manager.define(guestXml('watched', path.join(dir, 'watchdog.bin'), { devices: "    <watchdog model='ib700' action='pause'/>" }), { create: true });
    await manager.start('watched');
    await expect.poll(() => manager.get('watched').state, { timeout: 60_000, interval: 200 }).toBe('paused');
    const { reason, error = '' } = manager.get('watched');
    expect(reason).toBe('watchdog');
    // QEMU logged nothing in this run (its details would be that log).
    expect(error).toBe("The guest's watchdog expired and QEMU paused it: the guest stopped feeding it. Resume lets it run on, Reset restarts it.");
    expect(events.filter((e) => e.name === 'watched' && e.event === 'suspended')).toEqual([
      expect.objectContaining({ state: 'paused', reason: 'watchdog', detail: "the guest's watchdog expired and paused it" }),
    ]);

    const resumed = await manager.act('watched', 'resume');
    expect(resumed).toMatchObject({ state: 'running', reason: 'user' });
    expect(resumed.error).toBeUndefined();

    // A pause the user asks for is the user's, at once and without an error.
    const paused = await manager.act('watched', 'suspend');
    expect(paused).toMatchObject({ state: 'paused', reason: 'user' });
    expect(paused.error).toBeUndefined();
  });

  it("dumps its memory and lets it run on when its watchdog's action is dump, as libvirt does", async () => {
    await manager.define(guestXml('dumped', path.join(dir, 'watchdog.bin'), { devices: "    <watchdog model='ib700' action='dump'/>" }), { create: true });
    // A change asked for while the dump is written is refused at once, with the reason.
    const refusals: Promise<string>[] = [];
    const outcome = (asked: Promise<unknown>) => asked.then(() => 'done', (error: unknown) => String(error));
    manager.on('guest', (summary) => {
      if (summary.name === 'dumped' && summary.reason === 'dumping' && refusals.length === 0) refusals.push(outcome(manager.act('dumped', 'resume')), outcome(manager.shutdown('dumped')));
    });
    await manager.start('dumped');
    await expect.poll(() => events.find((e) => e.name === 'dumped' && e.event === 'core-dumped'), { timeout: 90_000, interval: 200 }).toBeDefined();
    const file = events.find((e) => e.name === 'dumped' && e.event === 'core-dumped')?.detail ?? '';
    expect(file.startsWith(path.join(dir, 'state', 'dumps', 'dumped-'))).toBe(true);
    // An ELF core of the guest's memory (256 MiB).
    const core = await readFile(file);
    expect(core.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
    expect(core.length).toBeGreaterThan(256 * 1024 * 1024);
    await expect.poll(() => manager.get('dumped').state, { timeout: 30_000, interval: 200 }).toBe('running');
    expect(manager.get('dumped').error).toBeUndefined();
    // Paused while QEMU wrote the dump (its CPUs were stopped), as libvirt's PAUSED_DUMP, then running on as before.
    const states = summaries.filter((s) => s.name === 'dumped').map((s) => `${s.state} (${s.reason})`);
    expect(states.filter((s, i) => s !== states[i - 1])).toEqual(['shutoff (defined)', 'running (booted)', 'paused (dumping)', 'running (booted)']);
    expect(events.find((e) => e.name === 'dumped' && e.event === 'core-dumped')).toMatchObject({ state: 'paused', reason: 'dumping' });
    // One line for the dump: its pause and its resume are not a Pause and a Resume of their own.
    const pausesAndDumps = events.filter((e) => e.name === 'dumped' && ['suspended', 'resumed', 'core-dumped'].includes(e.event));
    expect(pausesAndDumps.map((e) => e.event)).toEqual(['core-dumped']);
    expect(refusals).toHaveLength(2);
    expect(await Promise.all(refusals)).toEqual([
      expect.stringMatching(/'dumped' is paused while its watchdog's memory dump is written; it runs on when the dump is done, and can be resumed then \(Force off works now\)/),
      expect.stringMatching(/can be shut down then/),
    ]);
  });

  it('takes a pause from a monitor of someone else’s for a request, not an error', async () => {
    // A second QMP monitor, as `virsh qemu-monitor-command` or a debugging user would use, where QEMU's user may make its socket.
    const monitorDir = await mkdtemp(path.join(dir, 'monitor-'));
    if (process.getuid?.() === 0) {
      const user = await lookUp(QEMU_USER_NAME);
      await chmod(dir, 0o755);
      await chown(monitorDir, user.uid, user.gid);
    }
    const socket = path.join(monitorDir, 'qmp.sock');
    const extra = `  <qemu:commandline>\n    <qemu:arg value='-qmp'/>\n    <qemu:arg value='unix:${socket},server=on,wait=off'/>\n  </qemu:commandline>\n`;
    const xml = guestXml('outside', path.join(dir, 'halt.bin'), { extra }).replace("<domain type='qemu'>", "<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>");
    await manager.define(xml, { create: true });
    await manager.start('outside');
    const qmp = await QmpClient.connect(socket, { retry: true, timeoutMs: 30_000 });
    try {
      await qmp.execute('stop');
      await expect.poll(() => manager.get('outside').state, { timeout: 30_000, interval: 100 }).toBe('paused');
    } finally {
      await qmp.close();
    }
    expect(manager.get('outside').reason).toBe('user');
    expect(manager.get('outside').error).toBeUndefined();
    expect(events.filter((e) => e.name === 'outside' && e.event === 'suspended').map((e) => e.detail)).toEqual(['paused from outside virtdeck (QEMU: paused)']);
  });
});
