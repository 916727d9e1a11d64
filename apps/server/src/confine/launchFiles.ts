/**
 * The host files of one start, opened by the server and handed to QEMU as descriptors where
 * that matters, as libvirt does:
 * - files QEMU would create or empty (file character devices, their logs) are opened without
 *   truncating and passed in an fd set; they are emptied only once the start has succeeded,
 *   and a file the start created is removed again when it fails, so a failed start leaves
 *   every host file as it was;
 * - when QEMU runs as its own user (see qemuUser.ts), the files it writes and can reach by path
 *   are given to that user for the run (ownership.ts, as libvirt's DAC driver), and files it
 *   cannot reach by path (a directory on the way it may not search, see `reach.ts`) or may not
 *   read are passed open, read-only and (for a writable image) read-write, as libvirt passes
 *   fd sets, so QEMU needs no access to their directories;
 * - a missing NVRAM store is made from its template (and removed again if the start fails).
 * The model the files belong to is pointed at the descriptors (`/dev/fdset/N`, or
 * `/proc/self/fd/N` where QEMU opens with plain open()).
 */
import { constants } from 'node:fs';
import fs, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { escapeOptionValue } from '@virtdeck/qemu';
import { describeError, VirtdeckError } from '../errors.js';
import { HOST_FILE_ROLES, type HostFile } from '../preflight/hostFiles.js';
import { restoreOwners, takeOwnership } from './ownership.js';
import type { QemuUser } from './qemuUser.js';
import { permits, reachable, READ, SEARCH, WRITE } from './reach.js';

/** Descriptors 0–2 are QEMU's stdio; passed files follow. */
const FIRST_CHILD_FD = 3;

export interface LaunchFiles {
  /** The server's descriptors, in the order the child gets them (from fd 3 on). */
  readonly fds: number[];
  /** `-add-fd` options for the command line. */
  readonly args: string[];
  /** The start succeeded up to running the CPUs: empty what append='off' asks to empty. */
  commit(): Promise<void>;
  /** The start failed: remove what it created, give back what it gave QEMU's user. */
  abort(): Promise<void>;
}

export interface LaunchFilesOptions {
  /** What relative paths are relative to (QEMU's working directory). */
  baseDir: string;
  /** QEMU's user, when it is not the server's own: files are made reachable for it. */
  user?: QemuUser;
  /** Where the owners of files given to that user are remembered until the guest stops. */
  ownersFile: string;
}

interface Opened {
  handle: FileHandle;
  file: HostFile;
  created: boolean;
  truncate: boolean;
}

export async function openLaunchFiles(files: readonly HostFile[], options: LaunchFilesOptions): Promise<LaunchFiles> {
  const opened: Opened[] = [];
  const created: string[] = [];
  const args: string[] = [];
  const fds: number[] = [];
  const owned: string[] = [];
  let nextSet = 0;
  /** The descriptor number the child gets for `handle`. */
  const pass = (handle: FileHandle): number => {
    fds.push(handle.fd);
    return FIRST_CHILD_FD + fds.length - 1;
  };
  try {
    for (const file of files) {
      const absolute = path.resolve(options.baseDir, file.path);
      if (file.role === 'nvram' && !(await exists(absolute))) {
        await makeNvram(file, files, absolute, options);
        created.push(absolute);
      }
      if (file.use === 'create') {
        const { handle, made } = await openForAppend(absolute);
        if (made) created.push(absolute);
        opened.push({ handle, file, created: made, truncate: file.truncate });
        file.appendInstead?.();
        const set = nextSet++;
        args.push('-add-fd', `fd=${pass(handle)},set=${set},opaque=${escapeOptionValue(`${file.role}:${file.path}`)}`);
        file.assign(`/dev/fdset/${set}`);
        continue;
      }
      // The template is read by the server (above), never by QEMU.
      if (!options.user || file.role === 'nvram-template') continue;
      const access = await accessFor(file, absolute, options.user);
      if (access.chown) owned.push(absolute);
      if (!access.pass) continue;
      const modes = file.use === 'write' && !file.plainOpen ? [constants.O_RDWR, constants.O_RDONLY] : [file.use === 'write' ? constants.O_RDWR : constants.O_RDONLY];
      const handles: FileHandle[] = [];
      for (const mode of modes) {
        const handle = await fs.open(absolute, mode);
        handles.push(handle);
        opened.push({ handle, file, created: false, truncate: false });
      }
      if (file.plainOpen) {
        // QEMU dups an -add-fd descriptor and closes the original, so the path names the inherited one directly.
        file.assign(`/proc/self/fd/${pass(handles[0] as FileHandle)}`);
        continue;
      }
      const set = nextSet++;
      for (const handle of handles) args.push('-add-fd', `fd=${pass(handle)},set=${set},opaque=${escapeOptionValue(`${file.role}:${file.path}`)}`);
      file.assign(`/dev/fdset/${set}`);
    }
    if (options.user) await takeOwnership(options.ownersFile, owned, options.user);
  } catch (error) {
    await Promise.all(opened.map((o) => o.handle.close().catch(() => undefined)));
    await restoreOwners(options.ownersFile).catch(() => undefined);
    await Promise.all(created.map((p) => fs.rm(p, { force: true })));
    throw error instanceof VirtdeckError ? error : new VirtdeckError('host-file', `Preparing the guest's files failed: ${describeError(error)}`, { cause: error });
  }
  let settled = false;
  const closeAll = () => Promise.all(opened.map((o) => o.handle.close().catch(() => undefined)));
  return {
    fds,
    args,
    async commit() {
      if (settled) return;
      settled = true;
      try {
        for (const o of opened) if (o.truncate && !o.created) await o.handle.truncate(0);
      } finally {
        await closeAll();
      }
    },
    async abort() {
      if (settled) return;
      settled = true;
      await closeAll();
      await restoreOwners(options.ownersFile);
      await Promise.all(created.map((p) => fs.rm(p, { force: true })));
    },
  };
}

const describe = (file: HostFile): string => `The ${HOST_FILE_ROLES[file.role]} ${file.path} (${file.where})`;

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}

/**
 * How QEMU's user gets to a file: by path, given to it for the run (a file it writes, as
 * libvirt's DAC driver does), and/or passed open (a file it cannot reach or read by path). A
 * descriptor reached through /proc/self/fd is opened again by QEMU, which checks the file's own
 * mode: such a file it cannot read is also given to it.
 */
async function accessFor(file: HostFile, absolute: string, user: QemuUser): Promise<{ chown: boolean; pass: boolean }> {
  if (file.use === 'socket') {
    const dir = path.dirname(absolute);
    const stat = await fs.stat(dir);
    if (!(await reachable(absolute, user)) || !permits(stat, user, WRITE | SEARCH)) {
      throw new VirtdeckError('host-file', `${describe(file)} cannot be made by QEMU, which runs as ${user.name}: that user may not create files in ${dir}. Choose a folder it may write to.`);
    }
    return { chown: false, pass: false };
  }
  const reach = await reachable(absolute, user);
  const stat = await fs.stat(absolute);
  if (file.kind === 'directory') {
    if (!reach || !permits(stat, user, READ | SEARCH)) {
      throw new VirtdeckError('host-file', `${describe(file)} cannot be read by QEMU, which runs as ${user.name}, and a directory cannot be handed over open: make it and the folders above it readable for that user.`);
    }
    return { chown: false, pass: false };
  }
  if (file.use === 'write') return reach ? { chown: true, pass: false } : { chown: false, pass: true };
  const readable = permits(stat, user, READ);
  if (reach && readable) return { chown: false, pass: false };
  return { chown: file.plainOpen && !readable, pass: true };
}

/**
 * Opens for writing at the end, creating the file when missing (never following a symlink
 * planted in its place between the check and now) — without emptying it.
 */
async function openForAppend(file: string): Promise<{ handle: FileHandle; made: boolean }> {
  const { O_WRONLY, O_APPEND, O_CREAT, O_EXCL, O_NOFOLLOW } = constants;
  try {
    return { handle: await fs.open(file, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600), made: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return { handle: await fs.open(file, O_WRONLY | O_APPEND), made: false };
}

/** libvirt's first start of a UEFI guest: the variable store is a copy of the template. */
async function makeNvram(file: HostFile, files: readonly HostFile[], absolute: string, options: LaunchFilesOptions): Promise<void> {
  const template = files.find((f) => f.role === 'nvram-template' && f.node === file.node);
  if (!template) throw new VirtdeckError('host-file', `${describe(file)} does not exist and has no template to make it from`);
  await fs.copyFile(path.resolve(options.baseDir, template.path), absolute, constants.COPYFILE_EXCL);
  await fs.chmod(absolute, 0o600);
}
