import nodeFs from 'node:fs/promises';
import path from 'node:path';
import { describeError, VirtdeckError } from '../errors.js';
import { syncDirectory, TEMP_PREFIX, writeFileAtomically } from '../storage/atomicFile.js';
import { assertGuestName } from './guestName.js';

const SUFFIX = '.xml';

/** The file operations the store uses; a test can hand in a wrapper that fails on purpose. */
export type StoreFs = Pick<typeof nodeFs, 'mkdir' | 'readdir' | 'readFile' | 'open' | 'rename' | 'rm' | 'symlink' | 'lstat'>;

/**
 * Persistent definitions: one `domains/NAME.xml` per guest, and `autostart/NAME.xml`, a
 * symlink to it, for each guest that starts with the server (the layout libvirt uses in
 * /etc/libvirt/qemu). Every write is atomic (writeFileAtomically), so a crash or a full disk
 * mid-write leaves the previous definition intact.
 */
export class DefinitionStore {
  readonly dir: string;
  readonly autostartDir: string;

  constructor(
    stateDir: string,
    private readonly fs: StoreFs = nodeFs,
  ) {
    this.dir = path.join(stateDir, 'domains');
    this.autostartDir = path.join(stateDir, 'autostart');
  }

  async init(): Promise<void> {
    await this.fs.mkdir(this.dir, { recursive: true });
    await this.fs.mkdir(this.autostartDir, { recursive: true });
    // Leftovers of writes interrupted by a crash.
    for (const entry of await this.fs.readdir(this.dir)) {
      if (entry.startsWith(TEMP_PREFIX)) await this.fs.rm(path.join(this.dir, entry), { force: true });
    }
  }

  pathOf(name: string): string {
    assertGuestName(name);
    return path.join(this.dir, name + SUFFIX);
  }

  async list(): Promise<string[]> {
    const entries = await this.fs.readdir(this.dir);
    return entries
      .filter((e) => e.endsWith(SUFFIX) && !e.startsWith('.'))
      .map((e) => e.slice(0, -SUFFIX.length))
      .sort();
  }

  async read(name: string): Promise<string> {
    try {
      return await this.fs.readFile(this.pathOf(name), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new VirtdeckError('not-found', `No guest named '${name}'`);
      throw error;
    }
  }

  async write(name: string, xml: string): Promise<void> {
    try {
      await writeFileAtomically(this.pathOf(name), xml, this.fs);
    } catch (error) {
      throw new VirtdeckError('storage-failed', `Could not save the definition of '${name}' (${describeError(error)}); the previous definition is unchanged`, {
        cause: error,
      });
    }
  }

  /** When the stored definition was last written. */
  async savedAt(name: string): Promise<Date> {
    return (await this.fs.lstat(this.pathOf(name))).mtime;
  }

  async remove(name: string): Promise<void> {
    await this.setAutostart(name, false);
    try {
      await this.fs.rm(this.pathOf(name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new VirtdeckError('not-found', `No guest named '${name}'`);
      throw new VirtdeckError('storage-failed', `Could not delete the definition of '${name}' (${describeError(error)})`, { cause: error });
    }
    await syncDirectory(this.dir, this.fs);
  }

  async autostart(name: string): Promise<boolean> {
    try {
      await this.fs.lstat(this.autostartLink(name));
      return true;
    } catch {
      return false;
    }
  }

  async setAutostart(name: string, enabled: boolean): Promise<void> {
    const link = this.autostartLink(name);
    try {
      await this.fs.rm(link, { force: true });
      if (enabled) await this.fs.symlink(path.relative(this.autostartDir, this.pathOf(name)), link);
      await syncDirectory(this.autostartDir, this.fs);
    } catch (error) {
      throw new VirtdeckError('storage-failed', `Could not ${enabled ? 'set' : 'clear'} autostart for '${name}' (${describeError(error)})`, { cause: error });
    }
  }

  private autostartLink(name: string): string {
    assertGuestName(name);
    return path.join(this.autostartDir, name + SUFFIX);
  }
}
