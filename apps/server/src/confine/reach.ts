/**
 * What QEMU's user may do with a host file, read from the mode bits (the server, as root,
 * cannot ask access(2) on that user's behalf). QEMU runs with the user's groups from the
 * group database (guests/qemuProcess.ts), so a file of any of them is in the group class.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { QemuUser } from './qemuUser.js';

export const READ = 4;
export const WRITE = 2;
export const SEARCH = 1;

/** Does the mode grant `want` (READ | WRITE | SEARCH) to the user? The owner class decides for the owner, and the group class for a member, as the kernel does, even when a later class would be allowed more. */
export function permits(stat: { uid: number; gid: number; mode: number }, user: QemuUser, want: number): boolean {
  const shift = stat.uid === user.uid ? 6 : stat.gid === user.gid || user.groups.includes(stat.gid) ? 3 : 0;
  return ((stat.mode >> shift) & want) === want;
}

/**
 * Can the user get to the file by its path: every directory on the way searchable, both on
 * the path as written and where it really is (symlinks resolved)? A file it cannot reach is
 * handed to QEMU open instead.
 */
export async function reachable(absolute: string, user: QemuUser): Promise<boolean> {
  const real = await fs.realpath(absolute).catch(() => absolute);
  for (const file of new Set([absolute, real])) {
    for (const dir of ancestors(file)) {
      const stat = await fs.stat(dir).catch(() => undefined);
      if (!stat || !permits(stat, user, SEARCH)) return false;
    }
  }
  return true;
}

/** `/a/b/c` → `/`, `/a`, `/a/b`. */
function ancestors(file: string): string[] {
  const dirs: string[] = [];
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    dirs.unshift(dir);
    if (dir === path.dirname(dir)) return dirs;
  }
}
