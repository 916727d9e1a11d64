/**
 * qemu-img, the one program that reads and writes image files: always through execFile with an
 * argument array (never a shell), with `--` before a path where it takes one, in the C locale.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { VirtdeckError } from '../errors.js';

const run = promisify(execFile);
const TIMEOUT_MS = 60_000;

/** One image of `qemu-img info --output=json --backing-chain`, as far as the API reports it. */
export interface ImageInfo {
  filename: string;
  format: string;
  'virtual-size': number;
  'actual-size'?: number;
  'backing-filename'?: string;
  /** The backing file as QEMU would open it (relative names resolved against the image's folder). */
  'full-backing-filename'?: string;
  'backing-filename-format'?: string;
}

async function qemuImg(args: string[], what: string): Promise<string> {
  try {
    const { stdout } = await run('qemu-img', args, { timeout: TIMEOUT_MS, env: { ...process.env, LC_ALL: 'C' }, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const failure = error as { stderr?: string; killed?: boolean; code?: string };
    if (failure.code === 'ENOENT') throw new VirtdeckError('qemu-missing', 'qemu-img is not installed (Debian package qemu-utils)');
    const reason = failure.killed ? `no answer within ${TIMEOUT_MS} ms` : (failure.stderr ?? '').trim().replace(/^qemu-img: /, '') || String(error);
    throw new VirtdeckError('host-file', `${what}: ${reason}`, { cause: error });
  }
}

/**
 * One image's own header: its backing file is named, never opened (qemu-img info without
 * --backing-chain opens the image alone), so a header that names a FIFO, a device or a file
 * outside the pool makes qemu-img touch none of them.
 */
export async function imageInfo(file: string): Promise<ImageInfo> {
  return JSON.parse(await qemuImg(['info', '--output=json', '-U', '--', file], `qemu-img info of ${file}`)) as ImageInfo;
}

export async function createImage(file: string, format: 'qcow2' | 'raw', bytes: bigint, backing?: { file: string; format: string }): Promise<void> {
  const args = ['create', '-q', '-f', format];
  if (backing !== undefined) args.push('-b', backing.file, '-F', backing.format);
  await qemuImg([...args, '--', file, String(bytes)], `Creating ${file}`);
}

export async function resizeImage(file: string, format: string, bytes: bigint): Promise<void> {
  await qemuImg(['resize', '-q', '-f', format, '--', file, String(bytes)], `Resizing ${file}`);
}

/** The image as `--image-opts`: its format said, never probed, and the path escaped for QEMU's option syntax. */
const qcow2ImageOpts = (file: string): string => `driver=qcow2,file.driver=file,file.filename=${file.replaceAll(',', ',,')}`;

/** What `qemu-img snapshot` does to an image's internal snapshots: create, apply (revert to), delete. */
export type ImageSnapshotOperation = 'create' | 'apply' | 'delete';
const SNAPSHOT_FLAGS = { create: '-c', apply: '-a', delete: '-d' } as const satisfies Record<ImageSnapshotOperation, string>;

/** One internal snapshot of a qcow2 image that no running QEMU has open. */
export async function snapshotImage(file: string, operation: ImageSnapshotOperation, tag: string): Promise<void> {
  const flag = SNAPSHOT_FLAGS[operation];
  await qemuImg(['snapshot', '-q', '--image-opts', flag, tag, '--', qcow2ImageOpts(file)], `qemu-img snapshot ${flag} '${tag}' of ${file}`);
}

/** The names of a qcow2 image's internal snapshots. */
export async function imageSnapshotTags(file: string): Promise<string[]> {
  const info = JSON.parse(await qemuImg(['info', '--output=json', '-U', '--image-opts', '--', qcow2ImageOpts(file)], `qemu-img info of ${file}`)) as { snapshots?: { name: string }[] };
  return (info.snapshots ?? []).map((s) => s.name);
}

/** A full copy of an image (its active layer with the backing files merged in, no internal snapshots) as a new qcow2. */
export async function convertToQcow2(source: string, format: string, target: string): Promise<void> {
  await qemuImg(['convert', '-q', '-f', format, '-O', 'qcow2', '--', source, target], `Copying ${source} to ${target}`);
}
