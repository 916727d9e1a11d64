import { randomBytes } from 'node:crypto';
import { constants, createWriteStream } from 'node:fs';
import nodeFs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { validateVolume } from '@virtdeck/schema';
import type { VolumeSummary } from '../api.js';
import { describeError, VirtdeckError } from '../errors.js';
import { KeyedMutex } from '../guests/KeyedMutex.js';
import type { Pools } from './Pools.js';
import { createImage, imageInfo, resizeImage, type ImageInfo } from './qemuImg.js';
import { assertVolumeName } from './volumeName.js';
import { volumeUsers, type GuestLookup } from './volumeUsers.js';

/** The prefix of a file being uploaded; the listing skips it and a restart removes leftovers. */
const UPLOAD_PREFIX = '.upload-';
/** Deeper chains than this are not followed (nor is a loop of backing files). */
const MAX_CHAIN_DEPTH = 64;
/** The formats virtdeck creates and resizes. */
const WRITABLE_FORMATS = new Set(['qcow2', 'raw']);

/**
 * The volumes of the pools: the files in each pool's directory. Every path is the pool's
 * directory joined with a checked volume name (one file name, no dot first), and files are
 * opened with O_NOFOLLOW or lstat-ed first, so nothing here reaches outside the pool, not even
 * through a symlink someone put in it. A volume a guest's definition uses is neither
 * replaced nor deleted.
 */
export class PoolVolumes {
  private readonly lock = new KeyedMutex();

  constructor(
    private readonly pools: Pools,
    private readonly guests: GuestLookup,
  ) {}

  /** Removes uploads a crash or a restart cut off. */
  async init(): Promise<void> {
    for (const pool of await this.pools.list()) {
      for (const entry of await nodeFs.readdir(pool.path).catch(() => [])) {
        if (entry.startsWith(UPLOAD_PREFIX)) await nodeFs.rm(path.join(pool.path, entry), { force: true });
      }
    }
  }

  async list(poolName: string): Promise<VolumeSummary[]> {
    const dir = await this.dirOf(poolName);
    const users = await volumeUsers(this.guests);
    const volumes: VolumeSummary[] = [];
    for (const entry of (await nodeFs.readdir(dir)).sort()) {
      if (entry.startsWith('.')) continue;
      const file = path.join(dir, entry);
      const stat = await nodeFs.lstat(file).catch(() => undefined);
      if (!stat?.isFile()) continue;
      volumes.push(await this.summarize(poolName, entry, file, users));
    }
    return volumes;
  }

  async get(poolName: string, volume: string): Promise<VolumeSummary> {
    const file = await this.existingFile(poolName, volume);
    return this.summarize(poolName, volume, file, await volumeUsers(this.guests));
  }

  /** vol-create: a qcow2 or raw image of the capacity the `<volume>` gives, optionally over a backing volume of the same pool. */
  async create(poolName: string, xml: string): Promise<VolumeSummary> {
    const { volume, diagnostics, valid } = validateVolume(xml);
    if (!valid || volume === undefined) throw new VirtdeckError('invalid-xml', 'The volume definition has errors', { diagnostics });
    const name = volume.name ?? '';
    assertVolumeName(name);
    const format = volume.target?.format ?? 'raw';
    if (format !== 'qcow2' && format !== 'raw') throw new VirtdeckError('invalid-request', `virtdeck creates qcow2 and raw volumes, not ${format}`);
    const dir = await this.dirOf(poolName);
    const file = path.join(dir, name);
    let backing: { file: string; format: string } | undefined;
    if (volume.backingStore?.path !== undefined) {
      const backingFile = path.resolve(volume.backingStore.path);
      if (path.dirname(backingFile) !== dir) throw new VirtdeckError('invalid-request', `The backing store ${volume.backingStore.path} is not a volume of the pool '${poolName}'`);
      const chain = await poolChain(dir, await this.existingFile(poolName, path.basename(backingFile)));
      const outside = chain.find((image) => image.outside);
      if (outside) throw new VirtdeckError('invalid-request', `The backing store ${volume.backingStore.path} has ${outside.filename} below it, which is not a volume of the pool '${poolName}'`);
      backing = { file: backingFile, format: volume.backingStore.format ?? chain[0]?.format ?? 'raw' };
    }
    return this.lock.run(file, async () => {
      if (await exists(file)) throw new VirtdeckError('conflict', `The pool '${poolName}' already has a volume named '${name}'`);
      await createImage(file, format, volume.capacity?.bytes ?? 0n, backing);
      return this.get(poolName, name);
    });
  }

  /**
   * An upload: the body streamed to a temporary file in the pool (never held in memory),
   * fsynced and renamed over the volume when it is complete. A body cut off midway is removed.
   * Answers whether the volume is new.
   */
  async upload(poolName: string, volume: string, body: Readable): Promise<{ created: boolean; volume: VolumeSummary }> {
    assertVolumeName(volume);
    const dir = await this.dirOf(poolName);
    const file = path.join(dir, volume);
    return this.lock.run(file, async () => {
      const stat = await nodeFs.lstat(file).catch(() => undefined);
      if (stat !== undefined && !stat.isFile()) throw new VirtdeckError('conflict', `'${volume}' in the pool '${poolName}' is not a regular file`);
      if (stat !== undefined) await this.assertUnused(file, poolName, volume, 'replaced');
      const temp = path.join(dir, `${UPLOAD_PREFIX}${volume}-${process.pid}-${randomBytes(4).toString('hex')}`);
      const handle = await nodeFs.open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
      try {
        await pipeline(body, createWriteStream('', { fd: handle.fd, autoClose: false }));
        await handle.sync();
        await handle.close();
        await nodeFs.rename(temp, file);
      } catch (error) {
        await handle.close().catch(() => undefined);
        await nodeFs.rm(temp, { force: true });
        if ((error as NodeJS.ErrnoException).code === 'ENOSPC') throw new VirtdeckError('storage-failed', `The pool '${poolName}' is full: the upload of '${volume}' was removed`, { cause: error });
        throw new VirtdeckError('invalid-request', `The upload of '${volume}' did not complete (${describeError(error)}) and was removed`, { cause: error });
      }
      return { created: stat === undefined, volume: await this.get(poolName, volume) };
    });
  }

  /**
   * An open file to download: a regular file of the pool, opened without following a symlink and
   * without waiting on a FIFO (O_NONBLOCK: a plain open of one stalled the request, and a thread
   * of Node's file-system pool with it, until something wrote to it).
   */
  async open(poolName: string, volume: string): Promise<{ handle: nodeFs.FileHandle; size: number }> {
    assertVolumeName(volume);
    const file = path.join(await this.dirOf(poolName), volume);
    let handle: nodeFs.FileHandle;
    try {
      handle = await nodeFs.open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (error) {
      throw this.openError(error, poolName, volume);
    }
    const stat = await handle.stat();
    if (!stat.isFile()) {
      await handle.close();
      throw new VirtdeckError('not-found', `'${volume}' in the pool '${poolName}' is not a regular file`);
    }
    return { handle, size: stat.size };
  }

  /** vol-resize: grows the image to `bytes`; shrinking would cut off what the guest wrote there, so it is refused. */
  async resize(poolName: string, volume: string, bytes: bigint): Promise<VolumeSummary> {
    const file = await this.existingFile(poolName, volume);
    return this.lock.run(file, async () => {
      const info = await imageInfo(file);
      if (info === undefined || !WRITABLE_FORMATS.has(info.format)) throw new VirtdeckError('invalid-request', `virtdeck resizes qcow2 and raw volumes, not ${info?.format ?? 'this one'}`);
      if (bytes < BigInt(info['virtual-size'])) throw new VirtdeckError('conflict', `'${volume}' is ${info['virtual-size']} bytes: shrinking it to ${bytes} would cut off the end of the disk`);
      await resizeImage(file, info.format, bytes);
      return this.get(poolName, volume);
    });
  }

  async remove(poolName: string, volume: string): Promise<void> {
    const file = await this.existingFile(poolName, volume);
    await this.lock.run(file, async () => {
      await this.assertUnused(file, poolName, volume, 'deleted');
      await nodeFs.rm(file);
    });
  }

  private async assertUnused(file: string, poolName: string, volume: string, what: string): Promise<void> {
    const users = await volumeUsers(this.guests);
    const guests = [...new Set([...(users.get(file) ?? []), ...(users.get(`pool:${poolName}/${volume}`) ?? [])])];
    if (guests.length > 0) throw new VirtdeckError('conflict', `'${volume}' is used by the guest${guests.length > 1 ? 's' : ''} ${guests.map((g) => `'${g}'`).join(', ')} and cannot be ${what}: remove it from ${guests.length > 1 ? 'their definitions' : 'its definition'} first`);
  }

  private async dirOf(poolName: string): Promise<string> {
    return path.resolve((await this.pools.pool(poolName)).targetPath as string);
  }

  /** The path of a volume that is there as a regular file (not a symlink, not a folder). */
  private async existingFile(poolName: string, volume: string): Promise<string> {
    assertVolumeName(volume);
    const file = path.join(await this.dirOf(poolName), volume);
    const stat = await nodeFs.lstat(file).catch(() => undefined);
    if (stat === undefined) throw new VirtdeckError('not-found', `The pool '${poolName}' has no volume named '${volume}'`);
    if (!stat.isFile()) throw new VirtdeckError('not-found', `'${volume}' in the pool '${poolName}' is not a regular file`);
    return file;
  }

  private openError(error: unknown, poolName: string, volume: string): VirtdeckError {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return new VirtdeckError('not-found', `The pool '${poolName}' has no volume named '${volume}'`);
    if (code === 'ELOOP') return new VirtdeckError('not-found', `'${volume}' in the pool '${poolName}' is a symbolic link, which is not served`);
    return new VirtdeckError('storage-failed', `Could not open '${volume}' (${describeError(error)})`, { cause: error });
  }

  private async summarize(poolName: string, name: string, file: string, users: Map<string, string[]>): Promise<VolumeSummary> {
    const [top, ...below] = await poolChain(path.dirname(file), file);
    return {
      name,
      path: file,
      format: top?.format ?? 'raw',
      capacity: top?.['virtual-size'] ?? 0,
      allocation: top?.['actual-size'] ?? 0,
      backingChain: below.map((image) => ({ path: image.filename, format: image.format })),
      usedBy: [...new Set([...(users.get(file) ?? []), ...(users.get(`pool:${poolName}/${name}`) ?? [])])].sort(),
    };
  }
}

function exists(file: string): Promise<boolean> {
  return nodeFs.lstat(file).then(
    () => true,
    () => false,
  );
}

/**
 * A volume's backing chain, top first, as far as it stays in the pool: each image is read alone
 * (imageInfo), and a backing file elsewhere (or a link, a FIFO, a device in the pool) is listed
 * from its name in the header, `outside`, and not opened. qemu-img's --backing-chain opened
 * every file a header named, as root: a FIFO there stalled the listing for a minute.
 */
async function poolChain(dir: string, file: string): Promise<(ImageInfo & { outside?: boolean })[]> {
  const chain: (ImageInfo & { outside?: boolean })[] = [];
  const seen = new Set<string>();
  for (let current: string | undefined = file; current !== undefined && chain.length < MAX_CHAIN_DEPTH; ) {
    seen.add(current);
    const info = await imageInfo(current);
    chain.push(info);
    const backing = info['full-backing-filename'];
    current = undefined;
    if (backing === undefined) break;
    const resolved = path.resolve(path.dirname(file), backing);
    const stat = await nodeFs.lstat(resolved).catch(() => undefined);
    if (path.dirname(resolved) === dir && stat?.isFile() && !seen.has(resolved)) current = resolved;
    else chain.push({ filename: backing, format: info['backing-filename-format'] ?? 'unknown', 'virtual-size': 0, outside: true });
  }
  return chain;
}
