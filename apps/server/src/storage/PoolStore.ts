import nodeFs from 'node:fs/promises';
import path from 'node:path';
import { describeError, VirtdeckError } from '../errors.js';
import { guestNameProblem } from '../guests/guestName.js';
import { TEMP_PREFIX, syncDirectory, writeFileAtomically } from './atomicFile.js';

const SUFFIX = '.xml';

/** A pool name becomes a file name as a guest's does, so the same names are safe. */
export function assertPoolName(name: string): void {
  const problem = guestNameProblem(name);
  if (problem) throw new VirtdeckError('invalid-request', `Invalid pool name: ${problem}`);
}

/**
 * Pool definitions: one `pools/NAME.xml` each, as libvirt keeps them in
 * /etc/libvirt/storage, written atomically (a crash mid-write leaves the previous one).
 */
export class PoolStore {
  readonly dir: string;

  constructor(stateDir: string) {
    this.dir = path.join(stateDir, 'pools');
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
    assertPoolName(name);
    return path.join(this.dir, name + SUFFIX);
  }

  async list(): Promise<string[]> {
    const entries = await nodeFs.readdir(this.dir);
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
      return await nodeFs.readFile(this.pathOf(name), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new VirtdeckError('not-found', `No storage pool named '${name}'`);
      throw error;
    }
  }

  async write(name: string, xml: string): Promise<void> {
    try {
      await writeFileAtomically(this.pathOf(name), xml);
    } catch (error) {
      throw new VirtdeckError('storage-failed', `Could not save the pool '${name}' (${describeError(error)}); the previous definition is unchanged`, { cause: error });
    }
  }

  async remove(name: string): Promise<void> {
    try {
      await nodeFs.rm(this.pathOf(name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new VirtdeckError('not-found', `No storage pool named '${name}'`);
      throw new VirtdeckError('storage-failed', `Could not delete the pool '${name}' (${describeError(error)})`, { cause: error });
    }
    await syncDirectory(this.dir);
  }
}
