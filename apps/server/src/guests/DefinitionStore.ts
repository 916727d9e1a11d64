import { constants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { VirtdeckError } from '../errors.js';
import { assertGuestName } from './guestName.js';

const SUFFIX = '.xml';

/**
 * Persistent definitions: one `domains/NAME.xml` per guest. Every write goes to a
 * temporary file in the same directory, is fsynced, then renamed over the old file, so a
 * crash or a full disk mid-write leaves the previous definition intact.
 */
export class DefinitionStore {
  readonly dir: string;

  constructor(stateDir: string) {
    this.dir = path.join(stateDir, 'domains');
  }

  async init(): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    // Leftovers of writes interrupted by a crash.
    for (const entry of await fs.readdir(this.dir)) {
      if (entry.startsWith('.tmp-')) await fs.rm(path.join(this.dir, entry), { force: true });
    }
  }

  pathOf(name: string): string {
    assertGuestName(name);
    return path.join(this.dir, name + SUFFIX);
  }

  async list(): Promise<string[]> {
    const entries = await fs.readdir(this.dir);
    return entries
      .filter((e) => e.endsWith(SUFFIX) && !e.startsWith('.'))
      .map((e) => e.slice(0, -SUFFIX.length))
      .sort();
  }

  async exists(name: string): Promise<boolean> {
    try {
      await fs.access(this.pathOf(name), constants.F_OK);
      return true;
    } catch {
      return false;
    }
  }

  async read(name: string): Promise<string> {
    try {
      return await fs.readFile(this.pathOf(name), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new VirtdeckError('not-found', `No guest named '${name}'`);
      }
      throw error;
    }
  }

  async write(name: string, xml: string): Promise<void> {
    const target = this.pathOf(name);
    const temp = path.join(this.dir, `.tmp-${process.pid}-${Date.now()}-${name}`);
    let handle: fs.FileHandle | undefined;
    try {
      handle = await fs.open(temp, 'wx', 0o644);
      await handle.writeFile(xml, 'utf8');
      await handle.sync();
      await handle.close();
      handle = undefined;
      await fs.rename(temp, target);
      await syncDirectory(this.dir);
    } catch (error) {
      await handle?.close().catch(() => undefined);
      await fs.rm(temp, { force: true });
      const code = (error as NodeJS.ErrnoException).code;
      throw new VirtdeckError('internal', `Could not save the definition of '${name}'${code ? ` (${code})` : ''}; the previous definition is unchanged`, { cause: error });
    }
  }

  async remove(name: string): Promise<void> {
    try {
      await fs.rm(this.pathOf(name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new VirtdeckError('not-found', `No guest named '${name}'`);
      }
      throw error;
    }
    await syncDirectory(this.dir);
  }
}

/** Makes a rename durable: the directory entry itself must reach the disk. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
