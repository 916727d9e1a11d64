import { randomBytes } from 'node:crypto';
import nodeFs from 'node:fs/promises';
import path from 'node:path';
import { describeError, VirtdeckError } from '../errors.js';
import { guestNameProblem } from '../guests/guestName.js';
import { BadStateFile, MissingStateFile, readStateText } from '../storage/stateFile.js';

const SUFFIX = '.xml';
const TEMP_PREFIX = '.tmp-';
/** A network definition is a few KiB; the schema's own limit is 4 MiB. */
const MAX_NETWORK_BYTES = 4 * 1024 * 1024;

/** A network name becomes a file name as a guest's does, so the same names are safe. */
export function assertNetworkName(name: string): void {
  const problem = guestNameProblem(name);
  if (problem) throw new VirtdeckError('invalid-request', `Invalid network name: ${problem}`);
}

/**
 * Network definitions: one `networks/NAME.xml` each, as libvirt keeps them in
 * /etc/libvirt/qemu/networks. A write goes to a temporary file, is fsynced and renamed over
 * the old one, so a crash mid-write leaves the previous definition.
 */
export class NetworkStore {
  readonly dir: string;

  constructor(stateDir: string) {
    this.dir = path.join(stateDir, 'networks');
  }

  /** Makes the folder; true when it did not exist (the first start, when `default` is defined). */
  async init(): Promise<boolean> {
    const created = (await nodeFs.mkdir(this.dir, { recursive: true })) !== undefined;
    for (const entry of await nodeFs.readdir(this.dir)) {
      if (entry.startsWith(TEMP_PREFIX)) await nodeFs.rm(path.join(this.dir, entry), { force: true });
    }
    return created;
  }

  pathOf(name: string): string {
    assertNetworkName(name);
    return path.join(this.dir, name + SUFFIX);
  }

  async list(): Promise<string[]> {
    const entries = await nodeFs.readdir(this.dir).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? [] : Promise.reject(error)));
    return entries
      .filter((e) => e.endsWith(SUFFIX) && !e.startsWith('.') && guestNameProblem(e.slice(0, -SUFFIX.length)) === undefined)
      .map((e) => e.slice(0, -SUFFIX.length))
      .sort();
  }

  async exists(name: string): Promise<boolean> {
    return nodeFs.access(this.pathOf(name)).then(
      () => true,
      () => false,
    );
  }

  async read(name: string): Promise<string> {
    try {
      // Never through a symlink, never a FIFO or a directory: see readStateText.
      return await readStateText(this.pathOf(name), MAX_NETWORK_BYTES);
    } catch (error) {
      if (error instanceof MissingStateFile) throw new VirtdeckError('not-found', `No network named '${name}'`);
      if (error instanceof BadStateFile) throw new VirtdeckError('conflict', `The network '${name}' cannot be read: networks/${name}${SUFFIX} ${error.why}`);
      throw error;
    }
  }

  async write(name: string, xml: string): Promise<void> {
    const target = this.pathOf(name);
    const temp = path.join(this.dir, `${TEMP_PREFIX}${name}-${process.pid}-${randomBytes(4).toString('hex')}`);
    let handle: nodeFs.FileHandle | undefined;
    try {
      handle = await nodeFs.open(temp, 'wx', 0o644);
      await handle.writeFile(xml, 'utf8');
      await handle.sync();
      await handle.close();
      handle = undefined;
      await nodeFs.rename(temp, target);
      await this.syncDirectory();
    } catch (error) {
      await handle?.close().catch(() => undefined);
      await nodeFs.rm(temp, { force: true }).catch(() => undefined);
      throw new VirtdeckError('storage-failed', `Could not save the network '${name}' (${describeError(error)}); the previous definition is unchanged`, { cause: error });
    }
  }

  async remove(name: string): Promise<void> {
    try {
      await nodeFs.rm(this.pathOf(name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new VirtdeckError('not-found', `No network named '${name}'`);
      throw new VirtdeckError('storage-failed', `Could not delete the network '${name}' (${describeError(error)})`, { cause: error });
    }
    await this.syncDirectory();
  }

  /** Makes a rename durable: the directory entry itself must reach the disk. */
  private async syncDirectory(): Promise<void> {
    const handle = await nodeFs.open(this.dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}
