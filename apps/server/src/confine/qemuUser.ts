/**
 * Who QEMU runs as. A server running as root starts QEMU as the unprivileged system user
 * `virtdeck-qemu` (made by the set-up scripts, scripts/lib/system.mjs), as libvirt runs it
 * as `libvirt-qemu`; a server running as anyone else starts QEMU as itself.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { VirtdeckError } from '../errors.js';

export const QEMU_USER_NAME = 'virtdeck-qemu';

export interface QemuUser {
  name: string;
  uid: number;
  gid: number;
  /** Every group QEMU runs with: the user's own and those the group database lists it in (initgroups(3), as libvirt's virGetGroupList gives QEMU). */
  groups: readonly number[];
}

const run = promisify(execFile);
let found: QemuUser | undefined;

/** QEMU's user when it is not the server's own (the server is root), otherwise undefined. */
export async function qemuUser(serverUid = process.getuid?.() ?? 0): Promise<QemuUser | undefined> {
  if (serverUid !== 0) return undefined;
  found ??= await lookUp(QEMU_USER_NAME);
  return found;
}

/** The user's passwd entry (through NSS, as `getent` reads it); a missing user is a set-up error, never a reason to run QEMU as root. */
export async function lookUp(name: string): Promise<QemuUser> {
  let entry: string;
  try {
    entry = (await run('getent', ['passwd', name])).stdout.trim();
  } catch (error) {
    throw new VirtdeckError(
      'qemu-missing',
      `The user ${name}, whom QEMU runs as when the server runs as root, does not exist: npm start creates it, or run useradd --system --user-group --no-create-home --shell /usr/sbin/nologin ${name}`,
      { cause: error },
    );
  }
  const [, , uid, gid] = entry.split(':');
  const user = { name, uid: Number(uid), gid: Number(gid) };
  if (!Number.isSafeInteger(user.uid) || !Number.isSafeInteger(user.gid) || user.uid === 0) {
    throw new VirtdeckError('qemu-missing', `The user ${name} is not an unprivileged user (passwd entry '${entry}')`);
  }
  return { ...user, groups: await groupsOf(name, user.gid) };
}

/** The user's groups as initgroups(3) makes them (`id -G` asks getgrouplist(3), through NSS), its own group first. */
async function groupsOf(name: string, gid: number): Promise<number[]> {
  let listed: string;
  try {
    listed = (await run('id', ['-G', name])).stdout.trim();
  } catch (error) {
    throw new VirtdeckError('qemu-missing', `The groups of ${name}, whom QEMU runs as, cannot be read (id -G ${name})`, { cause: error });
  }
  const groups = listed.split(/\s+/).map(Number);
  if (groups.some((group) => !Number.isSafeInteger(group) || group === 0)) {
    throw new VirtdeckError('qemu-missing', `The user ${name} is in a group QEMU must not run with (id -G: '${listed}'): root's group 0 gives it root's files`);
  }
  return [...new Set([gid, ...groups])];
}
