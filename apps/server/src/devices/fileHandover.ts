/**
 * The host files of a device added to a running guest, made usable by its QEMU as a start
 * makes them (confine/launchFiles.ts): images QEMU writes, or may not read, are given to its
 * user for the run (owners remembered in the run folder, given back when the device goes or
 * the guest stops). A file QEMU's user cannot reach by its path is passed open: Node cannot
 * send a descriptor over the monitor socket (SCM_RIGHTS), so a small holder process running
 * as QEMU's user keeps it open and QEMU opens `/proc/PID/fd/3`, which the kernel allows to a
 * process of the same user; once QEMU has the file, the holder ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:fs';
import fs, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import { describeError, VirtdeckError } from '../errors.js';
import { restoreOwners, takeOwnership } from '../confine/ownership.js';
import type { QemuUser } from '../confine/qemuUser.js';
import { permits, reachable, READ } from '../confine/reach.js';
import { HOST_FILE_ROLES, type HostFile } from '../preflight/hostFiles.js';

export interface Handover {
  /** The files given to QEMU's user (real paths), to give back when the device goes. */
  readonly owned: string[];
  /** QEMU has opened what it needs (or given up): the holders may end. */
  release(): Promise<void>;
}

export interface HandoverOptions {
  baseDir: string;
  user: QemuUser | undefined;
  ownersFile: string;
}

export async function handOver(files: readonly HostFile[], options: HandoverOptions): Promise<Handover> {
  const holders: Array<{ child: ChildProcess; handle: FileHandle }> = [];
  const owned: string[] = [];
  const release = async () => {
    await Promise.all(holders.map(async ({ child, handle }) => {
      child.stdin?.end();
      if (child.exitCode === null && child.signalCode === null) child.kill();
      await handle.close().catch(() => undefined);
    }));
  };
  const { user } = options;
  if (!user) return { owned, release };
  try {
    for (const file of files) {
      const absolute = path.resolve(options.baseDir, file.path);
      const stat = await fs.stat(absolute);
      const reach = await reachable(absolute, user);
      if (file.kind === 'directory') {
        if (!reach) throw new VirtdeckError('host-file', `The ${HOST_FILE_ROLES[file.role]} ${file.path} cannot be reached by QEMU, which runs as ${user.name}, and a directory cannot be handed over open`);
        continue;
      }
      const writes = file.use === 'write';
      // QEMU reopens a /proc/PID/fd path, which checks the file's own mode, so such a file must be readable too.
      if (writes || !permits(stat, user, READ)) {
        await takeOwnership(options.ownersFile, [absolute], user);
        owned.push(await fs.realpath(absolute));
      }
      if (reach) continue;
      const handle = await fs.open(absolute, writes ? constants.O_RDWR : constants.O_RDONLY);
      const child = spawn('cat', [], { stdio: ['pipe', 'ignore', 'ignore', handle.fd], uid: user.uid, gid: user.gid });
      holders.push({ child, handle });
      await Promise.race([once(child, 'spawn'), once(child, 'error').then(([error]) => Promise.reject(error as Error))]);
      if (child.pid === undefined) throw new Error('the holder process did not start');
      file.assign(`/proc/${child.pid}/fd/3`);
    }
  } catch (error) {
    await release();
    await restoreOwners(options.ownersFile, new Set(owned)).catch(() => undefined);
    throw error instanceof VirtdeckError ? error : new VirtdeckError('host-file', `Handing the device's files to QEMU failed: ${describeError(error)}`, { cause: error });
  }
  return { owned, release };
}
