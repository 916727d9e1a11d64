import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { qemuLogFile } from './qemuLogFile.js';

describe("where QEMU's log of a libvirt guest is read", () => {
  it("is the system libvirtd's folder for qemu:///system, the user's cache for qemu:///session", async () => {
    expect(await qemuLogFile('qemu:///system', 'web')).toBe('/var/log/libvirt/qemu/web.log');
    const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
    expect(await qemuLogFile('qemu:///session', 'web')).toBe(path.join(cache, 'libvirt/qemu/log/web.log'));
  });

  it("is never this machine's system folder for another machine's libvirtd, or a socket no daemon listens on", async () => {
    await expect(qemuLogFile('qemu+ssh://root@rack1/system', 'web')).rejects.toMatchObject({ code: 'unavailable', message: expect.stringContaining('on the host of qemu+ssh://root@rack1/system') });
    await expect(qemuLogFile('qemu+tcp://rack1/system', 'web')).rejects.toMatchObject({ code: 'unavailable' });
    const socket = path.join(os.tmpdir(), `vd-nobody-${process.pid}`, 'libvirt-sock');
    await expect(qemuLogFile(`qemu+unix:///system?socket=${socket}`, 'web')).rejects.toMatchObject({ code: 'unavailable', message: expect.stringContaining(`no libvirtd on this machine listens on ${socket}`) });
    await expect(qemuLogFile('qemu:///embed?root=/srv/vms', 'web')).rejects.toMatchObject({ code: 'unavailable' });
  });
});
