/**
 * File ownership as libvirt's DAC driver sets it: the files a guest writes are given to QEMU's
 * user at start and given back after it stops. The original owner is remembered before
 * anything changes (libvirt keeps it in a `trusted.libvirt.security.dac` xattr; here a record
 * in the guest's run folder), so that a server killed mid-way still restores it on the guest's
 * next teardown.
 */
import fs from 'node:fs/promises';
import { z } from 'zod';
import { describeError, VirtdeckError } from '../errors.js';
import { writeFileAtomically } from '../storage/atomicFile.js';
import type { QemuUser } from './qemuUser.js';

const ownerRecord = z.object({
  path: z.string(),
  /** The file it was (a file replaced meanwhile is not someone else's to change). */
  dev: z.number(),
  ino: z.number(),
  /** Its owner before the start. */
  uid: z.number(),
  gid: z.number(),
  /** The owner the start gave it. */
  toUid: z.number(),
  toGid: z.number(),
});
type OwnerRecord = z.infer<typeof ownerRecord>;
const ownerRecords = z.array(ownerRecord);

/**
 * Gives the files to QEMU's user, remembering each one's owner first. A file recorded by an
 * earlier attempt keeps its first record (it is QEMU's already; its owner is the one before).
 */
export async function takeOwnership(recordFile: string, files: readonly string[], user: QemuUser): Promise<void> {
  const records = await readRecords(recordFile);
  const changes: OwnerRecord[] = [];
  for (const file of files) {
    const real = await fs.realpath(file);
    const stat = await fs.stat(real);
    if (records.some((r) => r.dev === stat.dev && r.ino === stat.ino)) continue;
    if (stat.uid === user.uid && stat.gid === user.gid) continue;
    changes.push({ path: real, dev: stat.dev, ino: stat.ino, uid: stat.uid, gid: stat.gid, toUid: user.uid, toGid: user.gid });
  }
  if (changes.length === 0) return;
  await writeFileAtomically(recordFile, JSON.stringify([...records, ...changes]), undefined, 0o600);
  for (const change of changes) await fs.chown(change.path, change.toUid, change.toGid);
}

/**
 * Gives every recorded file (or those of `only`, real paths) back to its owner, if it is still the file the start changed and
 * still owned as the start left it (an administrator's later chown wins). Files that could not
 * be restored stay recorded; the error names them.
 */
export async function restoreOwners(recordFile: string, only?: ReadonlySet<string>): Promise<void> {
  const all = await readRecords(recordFile);
  // A device detached from a running guest gives back its own files; the others stay QEMU's.
  const records = only ? all.filter((r) => only.has(r.path)) : all;
  const kept = only ? all.filter((r) => !only.has(r.path)) : [];
  if (records.length === 0) return;
  const failed: OwnerRecord[] = [...kept];
  const reasons: string[] = [];
  for (const record of records) {
    try {
      const stat = await fs.stat(record.path);
      if (stat.dev !== record.dev || stat.ino !== record.ino || stat.uid !== record.toUid || stat.gid !== record.toGid) continue;
      await fs.chown(record.path, record.uid, record.gid);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      failed.push(record);
      reasons.push(`${record.path}: ${describeError(error)}`);
    }
  }
  if (failed.length > 0) await writeFileAtomically(recordFile, JSON.stringify(failed), undefined, 0o600);
  if (reasons.length > 0) throw new VirtdeckError('host-file', `Could not give back to their owners: ${reasons.join('; ')}`);
  if (failed.length === 0) await fs.rm(recordFile, { force: true });
}

async function readRecords(recordFile: string): Promise<OwnerRecord[]> {
  let text: string;
  try {
    text = await fs.readFile(recordFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const parsed = ownerRecords.safeParse(JSON.parse(text));
  if (!parsed.success) throw new VirtdeckError('host-file', `${recordFile} is not a list of remembered owners: ${parsed.error.message}`);
  return parsed.data;
}
