import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoGuestXml } from '../demoGuest.js';
import { probeCapabilities } from '../host/probeCapabilities.js';
import { isAlive } from './qemuProcess.js';
import { GuestManager } from './GuestManager.js';
import { RunDir } from './RunDir.js';
import { demoGuest } from '../testing/demoGuest.js';
import { waitForText } from '../testing/waitFor.js';

const guest = demoGuest();

describe('GuestManager with the real demo guest under TCG', () => {
  let stateDir: string;
  let manager: GuestManager;

  beforeEach(async () => {
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-gm-'));
    manager = new GuestManager({ stateDir, logger: pino({ level: 'silent' }), capabilities: () => probeCapabilities() });
    await manager.init();
  });

  afterEach(async () => {
    for (const { name, state } of manager.list()) if (state !== 'shutoff') await manager.destroy(name);
    await manager.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('boots the guest to its ready marker, then forces it off', async () => {
    await manager.define(demoGuestXml('demo', guest), { create: true });
    const started = await manager.start('demo');
    expect(started.state).toBe('running');
    expect(started.pid).toBeGreaterThan(0);

    const log = await waitForText(new RunDir(stateDir, 'demo').serialLog, guest.readyMarker);
    expect(log).toContain(guest.readyMarker);

    const stopped = await manager.destroy('demo');
    expect(stopped).toMatchObject({ state: 'shutoff', reason: 'destroyed' });
    expect(isAlive(started.pid!)).toBe(false);
  });

  it('refuses a second start and reports QEMU failures with its stderr', async () => {
    await manager.define(demoGuestXml('demo', guest), { create: true });
    await manager.start('demo');
    await expect(manager.start('demo')).rejects.toMatchObject({ code: 'conflict' });
    await manager.destroy('demo');

    // A kernel that does not exist: the pre-flight refuses it before QEMU runs.
    await manager.define(demoGuestXml('nokernel', { ...guest, kernel: path.join(stateDir, 'no-such-kernel') }), { create: true });
    await expect(manager.start('nokernel')).rejects.toMatchObject({ code: 'host-file', message: expect.stringMatching(/no-such-kernel/) as unknown });

    // A device this QEMU does not have: QEMU refuses it at launch, and says why.
    const xml = demoGuestXml('broken', guest)
      .replace("<domain type='qemu'>", "<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>")
      .replace('</domain>', "  <qemu:commandline>\n    <qemu:arg value='-device'/>\n    <qemu:arg value='no-such-device'/>\n  </qemu:commandline>\n</domain>");
    await manager.define(xml, { create: true });
    const failure = manager.start('broken');
    await expect(failure).rejects.toMatchObject({ code: 'qemu-failed' });
    await expect(failure).rejects.toThrow(/no-such-device/);
    expect(manager.get('broken')).toMatchObject({ state: 'shutoff', reason: 'failed' });
    expect(await readFile(new RunDir(stateDir, 'broken').qemuLog, 'utf8')).toContain('no-such-device');
  });

  it('keeps sockets usable under a state directory too deep for a UNIX socket path', async () => {
    const deep = path.join(stateDir, 'a-rather-long-folder-name-to-push-the-socket-path'.repeat(2), 'state');
    const deepManager = new GuestManager({ stateDir: deep, logger: pino({ level: 'silent' }), capabilities: () => probeCapabilities() });
    await deepManager.init();
    await deepManager.define(demoGuestXml('demo', guest), { create: true });
    expect(new RunDir(deep, 'demo').serialLog.length).toBeGreaterThan(107);
    try {
      expect((await deepManager.start('demo')).state).toBe('running');
      await waitForText(new RunDir(deep, 'demo').serialLog, guest.readyMarker);
    } finally {
      await deepManager.destroy('demo');
      // Undefining also removes the short socket alias in the temp folder.
      await deepManager.undefine('demo');
      await deepManager.close();
    }
  });
});
