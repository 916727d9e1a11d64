/**
 * Can the QEMU the server starts open /dev/kvm? The server, as root, always can; QEMU runs
 * as its own user with that user's groups (confine/qemuUser.ts), and gets KVM only when the
 * device's mode lets that user read and write it, as the kernel decides at open(2).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { KvmDeviceStatus } from '@virtdeck/qemu';
import type { QemuUser } from '../confine/qemuUser.js';
import { permits, READ, WRITE } from '../confine/reach.js';

/** The group systemd's udev rules give /dev/kvm (50-udev-default.rules), which npm start gives QEMU's user. */
export const KVM_GROUP = 'kvm';

export interface DeviceNode {
  uid: number;
  gid: number;
  mode: number;
}

/** Names for the numbers in the words: the device's owner and group, and QEMU's user's groups in order. */
export interface NodeNames {
  owner: string;
  group: string;
  userGroups: readonly string[];
}

/**
 * The device as QEMU's user finds it: usable, or why not (mode, owner, group, who QEMU runs
 * as) and what to do: join the group when the group may read and write it (as Debian puts
 * libvirt-qemu in kvm for a 0660 root:kvm device), otherwise udev's group and mode.
 */
export function kvmAccessFor(path: string, node: DeviceNode, user: QemuUser, names: NodeNames): KvmDeviceStatus {
  if (permits(node, user, READ | WRITE)) return { path, usable: true };
  const mode = (node.mode & 0o7777).toString(8).padStart(4, '0');
  const detail = `mode ${mode}, owner ${names.owner}, group ${names.group}; QEMU runs as ${user.name}, in groups ${names.userGroups.join(', ')}`;
  const groupMayUse = ((node.mode >> 3) & (READ | WRITE)) === (READ | WRITE);
  const inGroup = node.gid === user.gid || user.groups.includes(node.gid);
  const advice =
    groupMayUse && !inGroup && node.uid !== user.uid
      ? `Add ${user.name} to group ${names.group}, which may read and write it (usermod -aG ${names.group} ${user.name}), then restart virtdeck.`
      : `Give it group ${KVM_GROUP} and mode 0666 as systemd's udev rules do (chown ${names.owner}:${KVM_GROUP} ${path} && chmod 0666 ${path}; npm start does where no udev manages /dev), then restart virtdeck.`;
  return { path, usable: false, problem: 'qemu-user', detail, advice };
}

const run = promisify(execFile);

/** The name of a user or group id in the account databases (through NSS, as `getent` reads them), or the number when it has none. */
export async function accountName(database: 'passwd' | 'group', id: number): Promise<string> {
  try {
    return (await run('getent', [database, String(id)])).stdout.split(':')[0] || String(id);
  } catch {
    return String(id);
  }
}

export async function nodeNames(node: DeviceNode, user: QemuUser): Promise<NodeNames> {
  const [owner, group, ...userGroups] = await Promise.all([
    accountName('passwd', node.uid),
    accountName('group', node.gid),
    ...user.groups.map((gid) => accountName('group', gid)),
  ]);
  return { owner: owner ?? String(node.uid), group: group ?? String(node.gid), userGroups };
}
