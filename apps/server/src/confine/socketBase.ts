/**
 * Where the short aliases of deep run folders live: a directory only the server can write,
 * so that no other local user can pre-create a guest's alias and block (or redirect) its
 * start. It is `/run/virtdeck` for root (only root may create it there) and
 * `$TMPDIR/virtdeck-UID` otherwise; a pre-existing one is used only when it is a real
 * directory (no symlink), owned by the server's user, and open to nobody else.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { VirtdeckError } from '../errors.js';

export function socketBaseDir(uid = process.getuid?.() ?? 0): string {
  return uid === 0 ? '/run/virtdeck' : path.join(os.tmpdir(), `virtdeck-${uid}`);
}

/** Creates the directory (0700) or checks the one there; throws a clear error when it cannot be trusted. */
export async function ensureSocketBase(dir: string, uid = process.getuid?.() ?? 0): Promise<void> {
  await fs.mkdir(dir, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  const stat = await fs.lstat(dir);
  const problem = !stat.isDirectory()
    ? 'it is not a directory (a symlink?)'
    : stat.uid !== uid
      ? `it belongs to uid ${stat.uid}, not to the server's uid ${uid}`
      : (stat.mode & 0o077) !== 0
        ? `its mode is ${(stat.mode & 0o777).toString(8)}, open to other users (0700 expected)`
        : undefined;
  if (problem) {
    throw new VirtdeckError('storage-failed', `The socket directory ${dir} cannot be trusted: ${problem}. Remove it (the server makes its own).`);
  }
}
