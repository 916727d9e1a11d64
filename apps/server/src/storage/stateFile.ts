import { constants } from 'node:fs';
import nodeFs from 'node:fs/promises';

/** Why a file in the state directory cannot be used, in words for the log and the UI. */
export class BadStateFile extends Error {
  constructor(
    readonly file: string,
    readonly why: string,
    /** It is a regular file or a symlink: removing it (unlink, never following) is safe. */
    readonly removable: boolean,
  ) {
    super(`${file} ${why}`);
    this.name = 'BadStateFile';
  }
}

/** Missing files are the caller's ordinary case (no status yet, no hosts.json). */
export class MissingStateFile extends Error {
  constructor(readonly file: string) {
    super(`${file} does not exist`);
    this.name = 'MissingStateFile';
  }
}

/**
 * Reads a file the server itself wrote into its state directory, trusting nothing about it:
 * a symlink is never followed (O_NOFOLLOW: it could point anywhere on the host), only a
 * regular file is read (O_NONBLOCK so a FIFO cannot stall the start; a directory or device
 * is refused), at most `maxBytes`. Throws MissingStateFile or BadStateFile, never hangs.
 */
export async function readStateFile(file: string, maxBytes: number): Promise<Buffer> {
  return withStateFile(file, async (handle, size) => {
    if (size > maxBytes) throw new BadStateFile(file, `is ${size} bytes, more than the ${maxBytes} it may hold`, true);
    const buffer = Buffer.alloc(size);
    const { bytesRead } = await handle.read(buffer, 0, size, 0);
    return buffer.subarray(0, bytesRead);
  });
}

/** The end of a state file (a log) and how many bytes before it were left out. */
export interface StateFileTail {
  data: Buffer;
  skipped: number;
}

/**
 * The last `maxBytes` of a file the server or QEMU appends to (a log), read as readStateFile
 * reads: never through a symlink, never from a FIFO, directory or device.
 */
export async function readStateTail(file: string, maxBytes: number): Promise<StateFileTail> {
  return withStateFile(file, async (handle, size) => {
    const length = Math.min(size, maxBytes);
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(length), 0, length, size - length);
    return { data: buffer.subarray(0, bytesRead), skipped: size - length };
  });
}

/**
 * Opens a log in the state directory for appending, creating it with `mode` if missing, with
 * the same distrust: a symlink planted in its place is never followed (the server is root; the
 * link could name any file on the host), and only a regular file is written.
 */
export async function openStateAppend(file: string, mode = 0o600): Promise<nodeFs.FileHandle> {
  let handle: nodeFs.FileHandle;
  try {
    handle = await nodeFs.open(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK, mode);
  } catch (error) {
    // ENOENT here is a missing folder, whose own error says so best.
    throw (error as NodeJS.ErrnoException).code === 'ELOOP' ? await openFailure(file, error as NodeJS.ErrnoException) : error;
  }
  const stat = await handle.stat();
  if (!stat.isFile()) {
    await handle.close();
    throw new BadStateFile(file, `is ${kindOf(stat)}, not a regular file`, false);
  }
  return handle;
}

async function withStateFile<T>(file: string, read: (handle: nodeFs.FileHandle, size: number) => Promise<T>): Promise<T> {
  let handle: nodeFs.FileHandle;
  try {
    handle = await nodeFs.open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    throw await openFailure(file, error as NodeJS.ErrnoException);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new BadStateFile(file, `is ${kindOf(stat)}, not a regular file`, false);
    return await read(handle, stat.size);
  } catch (error) {
    if (error instanceof BadStateFile) throw error;
    throw new BadStateFile(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`, true);
  } finally {
    await handle.close();
  }
}

/**
 * A state file's text: UTF-8 (what the server writes), no NUL bytes (binary data). The
 * reason names the line of the first bad byte.
 */
export async function readStateText(file: string, maxBytes: number): Promise<string> {
  const buffer = await readStateFile(file, maxBytes);
  const nul = buffer.indexOf(0);
  if (nul >= 0) throw new BadStateFile(file, `is binary data, not text (a NUL byte on line ${lineAt(buffer, nul)})`, true);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buffer);
  } catch {
    const offset = firstInvalidUtf8(buffer);
    throw new BadStateFile(file, `is not UTF-8 text (byte 0x${(buffer[offset] ?? 0).toString(16)} on line ${lineAt(buffer, offset)}; Latin-1, perhaps)`, true);
  }
}

async function openFailure(file: string, error: NodeJS.ErrnoException): Promise<Error> {
  if (error.code === 'ENOENT') return new MissingStateFile(file);
  if (error.code === 'ELOOP') {
    const target = await nodeFs.readlink(file).catch(() => undefined);
    if (target !== undefined) return new BadStateFile(file, `is a symbolic link (to ${target}); the server reads only regular files here and never follows links`, true);
  }
  const removable = await nodeFs.lstat(file).then(
    (s) => s.isFile() || s.isSymbolicLink(),
    () => false,
  );
  return new BadStateFile(file, `cannot be opened (${error.code ?? error.message})`, removable);
}

function kindOf(stat: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a named pipe';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  return 'not a file';
}

function lineAt(buffer: Buffer, offset: number): number {
  let line = 1;
  for (let i = buffer.indexOf(10); i >= 0 && i < offset; i = buffer.indexOf(10, i + 1)) line++;
  return line;
}

/**
 * The offset of the first byte that makes `buffer` invalid UTF-8, from the shortest prefix a
 * streaming decoder rejects: its last byte, or the lead byte before it that began no sequence.
 */
function firstInvalidUtf8(buffer: Buffer): number {
  let good = 0;
  let bad = buffer.length;
  while (bad - good > 1) {
    const mid = (good + bad) >> 1;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(buffer.subarray(0, mid), { stream: true });
      good = mid;
    } catch {
      bad = mid;
    }
  }
  return bad >= 2 && (buffer[bad - 1] ?? 0) < 0x80 ? bad - 2 : bad - 1;
}
