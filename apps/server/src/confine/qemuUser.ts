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
  return user;
}
