/**
 * The host files of one start, opened by the server and handed to QEMU as descriptors where
 * that matters, as libvirt does:
 * - files QEMU would create or empty (file character devices, their logs) are opened without
 *   truncating and passed in an fd set; they are emptied only once the start has succeeded,
 *   and a file the start created is removed again when it fails, so a failed start leaves
 *   every host file as it was;
 * - a missing NVRAM store is made from its template (and removed again if the start fails).
 * The model the files belong to is pointed at the descriptors (`/dev/fdset/N`).
 */
import { constants } from 'node:fs';
import fs, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { escapeOptionValue } from '@virtdeck/qemu';
import { describeError, VirtdeckError } from '../errors.js';
import { HOST_FILE_ROLES, type HostFile } from '../preflight/hostFiles.js';

/** Descriptors 0–2 are QEMU's stdio; passed files follow. */
const FIRST_CHILD_FD = 3;

export interface LaunchFiles {
  /** The server's descriptors, in the order the child gets them (from fd 3 on). */
  readonly fds: number[];
  /** `-add-fd` options for the command line. */
  readonly args: string[];
  /** The start succeeded up to running the CPUs: empty what append='off' asks to empty. */
  commit(): Promise<void>;
  /** The start failed: remove what it created. */
  abort(): Promise<void>;
}

export interface LaunchFilesOptions {
  /** What relative paths are relative to (QEMU's working directory). */
  baseDir: string;
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
      }
    }
  } catch (error) {
    await Promise.all(opened.map((o) => o.handle.close().catch(() => undefined)));
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
