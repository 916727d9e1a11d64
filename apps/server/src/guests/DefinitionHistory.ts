import { constants, type Dirent } from 'node:fs';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { HISTORY_LIMIT } from '@virtdeck/schema';
import type { DefinitionVersion } from '../api.js';
import { describeError, VirtdeckError } from '../errors.js';
import { assertGuestName } from './guestName.js';

const SUFFIX = '.xml';
/** `<ms when it was replaced, 13 digits>-<8 hex>`: sorts by time, unique within the millisecond. */
const VERSION_ID = /^\d{13}-[0-9a-f]{8}$/;
const TEMP_PREFIX = '.tmp-';

/**
 * The definitions a guest had before its saves: `history/NAME/ID.xml`, one file per version,
 * its modification time the moment that version was saved. A save keeps the definition it
 * replaces; a restore is one more save, so it is kept too. Files are never followed through
 * symlinks, and ids are checked before they become paths.
 */
export class DefinitionHistory {
  readonly dir: string;

  constructor(
    stateDir: string,
    private readonly limit = HISTORY_LIMIT,
    private readonly now: () => number = Date.now,
  ) {
    this.dir = path.join(stateDir, 'history');
  }

  /** Keeps `xml`, which was saved at `savedAt` and is being replaced now. */
  async keep(name: string, xml: string, savedAt: Date): Promise<DefinitionVersion> {
    const dir = this.guestDir(name);
    const replacedAt = this.now();
    const id = `${String(replacedAt).padStart(13, '0')}-${randomBytes(4).toString('hex')}`;
    const file = path.join(dir, id + SUFFIX);
    const temp = path.join(dir, `${TEMP_PREFIX}${id}`);
    try {
      await fs.mkdir(dir, { recursive: true, mode: 0o755 });
      await fs.writeFile(temp, xml, { flag: 'wx', mode: 0o644 });
      await fs.utimes(temp, savedAt, savedAt);
      await fs.rename(temp, file);
    } catch (error) {
      await fs.rm(temp, { force: true }).catch(() => undefined);
      throw new VirtdeckError('storage-failed', `Could not keep the previous definition of '${name}' (${describeError(error)}); nothing was saved`, { cause: error });
    }
    await this.prune(name);
    return { id, savedAt: savedAt.toISOString(), replacedAt: new Date(replacedAt).toISOString(), bytes: Buffer.byteLength(xml) };
  }

  /** The versions, newest first. */
  async list(name: string): Promise<DefinitionVersion[]> {
    const versions: DefinitionVersion[] = [];
    for (const id of await this.ids(name)) {
      const stat = await fs.lstat(path.join(this.guestDir(name), id + SUFFIX)).catch(() => undefined);
      if (!stat?.isFile()) continue;
      versions.push({ id, savedAt: stat.mtime.toISOString(), replacedAt: new Date(Number(id.slice(0, 13))).toISOString(), bytes: stat.size });
    }
    return versions;
  }

  async read(name: string, id: string): Promise<string> {
    if (!VERSION_ID.test(id)) throw new VirtdeckError('invalid-request', `'${id}' is not a version id (as GET /api/domains/${name}/history lists them)`);
    let handle: fs.FileHandle | undefined;
    try {
      handle = await fs.open(path.join(this.guestDir(name), id + SUFFIX), constants.O_RDONLY | constants.O_NOFOLLOW);
      return await handle.readFile('utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ELOOP') throw new VirtdeckError('not-found', `'${name}' has no version ${id}`);
      throw error;
    } finally {
      await handle?.close();
    }
  }

  /** The versions follow a renamed guest. */
  async move(from: string, to: string): Promise<void> {
    await fs.rename(this.guestDir(from), this.guestDir(to)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }

  /** Forgets every version (the guest is deleted). */
  async remove(name: string): Promise<void> {
    await fs.rm(this.guestDir(name), { recursive: true, force: true });
  }

  private async ids(name: string): Promise<string[]> {
    let entries: Dirent[];
    try {
      entries = await fs.readdir(this.guestDir(name), { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return entries
      .filter((e) => e.isFile() && e.name.endsWith(SUFFIX) && VERSION_ID.test(e.name.slice(0, -SUFFIX.length)))
      .map((e) => e.name.slice(0, -SUFFIX.length))
      .sort()
      .reverse();
  }

  private async prune(name: string): Promise<void> {
    const stale = (await this.ids(name)).slice(this.limit);
    await Promise.all(stale.map((id) => fs.rm(path.join(this.guestDir(name), id + SUFFIX), { force: true })));
  }

  private guestDir(name: string): string {
    assertGuestName(name);
    return path.join(this.dir, name);
  }
}
