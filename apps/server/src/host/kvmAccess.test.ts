import { describe, expect, it } from 'vitest';
import { kvmAccessFor } from './kvmAccess.js';

const KVM_GID = 992;
const qemu = { name: 'virtdeck-qemu', uid: 999, gid: 995, groups: [995, KVM_GID] };
const withoutKvm = { ...qemu, groups: [995] };
const names = (group: string, userGroups: string[]) => ({ owner: 'root', group, userGroups });
const device = (gid: number, mode: number) => ({ uid: 0, gid, mode: 0o20000 | mode });

describe('whether the QEMU the server starts can open /dev/kvm', () => {
  it('can where udev set it up: root:kvm 0666 for anyone, 0660 for a member of kvm', () => {
    expect(kvmAccessFor('/dev/kvm', device(KVM_GID, 0o666), withoutKvm, names('kvm', ['virtdeck-qemu']))).toEqual({ path: '/dev/kvm', usable: true });
    expect(kvmAccessFor('/dev/kvm', device(KVM_GID, 0o660), qemu, names('kvm', ['virtdeck-qemu', 'kvm']))).toEqual({ path: '/dev/kvm', usable: true });
  });

  it('cannot open a container’s root:root 0600 device, and is told udev’s group and mode', () => {
    const status = kvmAccessFor('/dev/kvm', device(0, 0o600), qemu, names('root', ['virtdeck-qemu', 'kvm']));
    expect(status).toEqual({
      path: '/dev/kvm',
      usable: false,
      problem: 'qemu-user',
      detail: 'mode 0600, owner root, group root; QEMU runs as virtdeck-qemu, in groups virtdeck-qemu, kvm',
      advice:
        "Give it group kvm and mode 0666 as systemd's udev rules do (chown root:kvm /dev/kvm && chmod 0666 /dev/kvm; npm start does where no udev manages /dev), then restart virtdeck.",
    });
  });

  it('cannot open a 0660 root:kvm device outside group kvm, and is told to join it', () => {
    const status = kvmAccessFor('/dev/kvm', device(KVM_GID, 0o660), withoutKvm, names('kvm', ['virtdeck-qemu']));
    expect(status.usable).toBe(false);
    expect(status.detail).toBe('mode 0660, owner root, group kvm; QEMU runs as virtdeck-qemu, in groups virtdeck-qemu');
    expect(status.advice).toBe('Add virtdeck-qemu to group kvm, which may read and write it (usermod -aG kvm virtdeck-qemu), then restart virtdeck.');
  });

  it('cannot open a device its group may only read, member or not', () => {
    const status = kvmAccessFor('/dev/kvm', device(KVM_GID, 0o640), qemu, names('kvm', ['virtdeck-qemu', 'kvm']));
    expect(status).toMatchObject({ usable: false, problem: 'qemu-user' });
    expect(status.advice).toMatch(/^Give it group kvm and mode 0666/);
  });
});
