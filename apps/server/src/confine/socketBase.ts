/**
 * Where QEMU's folders (root) or the short aliases of deep run folders (anyone else) live: a
 * directory only the server can write, so that no other local user can pre-create a guest's
 * folder or alias and block (or redirect) its start. It is `/run/virtdeck-qemu` for root
 * (only root may create it there; QEMU's group may pass through it, nobody may list it) and
 * `$TMPDIR/virtdeck-UID` otherwise (0700); a pre-existing one is used only when it is a real
 * directory (no symlink), owned by the server's user, and open to nobody else.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { VirtdeckError } from '../errors.js';

/**
 * The most a trusted directory may allow: its group may pass through (0710, as a confined run
 * leaves it for QEMU's group) but neither list nor create in it, so a run without QEMU's user
 * can still use a directory such a run made.
 */
const SEARCH_ONLY_GROUP = 0o710;

export function socketBaseDir(uid = process.getuid?.() ?? 0): string {
  return uid === 0 ? '/run/virtdeck-qemu' : path.join(os.tmpdir(), `virtdeck-${uid}`);
}

/**
 * Creates the directory (0700, or 0710 with `group`: QEMU's group may search it) or checks
 * the one there; throws a clear error when it cannot be trusted.
 */
export async function ensureSocketBase(dir: string, uid = process.getuid?.() ?? 0, group?: number): Promise<void> {
  const mode = group === undefined ? 0o700 : 0o710;
  const made = await fs.mkdir(dir, { mode }).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
      return false;
    },
  );
  if (made && group !== undefined) {
    await fs.chown(dir, uid, group);
    await fs.chmod(dir, mode);
  }
  const stat = await fs.lstat(dir);
  const problem = !stat.isDirectory()
    ? 'it is not a directory (a symlink?)'
    : stat.uid !== uid
      ? `it belongs to uid ${stat.uid}, not to the server's uid ${uid}`
      : (stat.mode & 0o777 & ~SEARCH_ONLY_GROUP) !== 0
        ? `its mode is ${(stat.mode & 0o777).toString(8)}, open to other users (${mode.toString(8).padStart(4, '0')} expected)`
        : undefined;
  if (problem) {
    throw new VirtdeckError('storage-failed', `The socket directory ${dir} cannot be trusted: ${problem}. Remove it (the server makes its own).`);
  }
  // Only the server's user can have set another group (made before QEMU's user existed): QEMU's it is now.
  if (group !== undefined && stat.gid !== group) {
    await fs.chown(dir, uid, group);
    await fs.chmod(dir, mode);
  }
}
