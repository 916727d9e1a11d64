import { randomBytes } from 'node:crypto';
import nodeFs from 'node:fs/promises';
import path from 'node:path';

/** The file operations an atomic write uses; a test can hand in a wrapper that fails on purpose. */
export type AtomicFs = Pick<typeof nodeFs, 'open' | 'rename' | 'rm'>;

/** The prefix of the temporary files: leftovers of a crash mid-write carry it. */
export const TEMP_PREFIX = '.tmp-';

/**
 * Replaces `target` with `text` so that a crash or a full disk mid-write leaves the old
 * content intact: a temporary file in the same directory, fsynced, renamed over the target,
 * and the directory fsynced so the rename itself is durable. On failure the temporary file
 * is removed and the error is thrown as it came.
 */
export async function writeFileAtomically(target: string, text: string, fs: AtomicFs = nodeFs, mode = 0o644): Promise<void> {
  const dir = path.dirname(target);
  const temp = path.join(dir, `${TEMP_PREFIX}${path.basename(target)}-${process.pid}-${randomBytes(4).toString('hex')}`);
  let handle: nodeFs.FileHandle | undefined;
  try {
    handle = await fs.open(temp, 'wx', mode);
    await handle.writeFile(text, 'utf8');
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.rename(temp, target);
    await syncDirectory(dir, fs);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
}

/** Makes a rename or an unlink durable: the directory entry itself must reach the disk. */
export async function syncDirectory(dir: string, fs: Pick<typeof nodeFs, 'open'> = nodeFs): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
