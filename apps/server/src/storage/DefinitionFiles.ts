import nodeFs from 'node:fs/promises';
import path from 'node:path';
import { describeError, VirtdeckError } from '../errors.js';
import { guestNameProblem } from '../guests/guestName.js';
import { TEMP_PREFIX, syncDirectory, writeFileAtomically } from './atomicFile.js';
import { BadStateFile, MissingStateFile, readStateText } from './stateFile.js';

const SUFFIX = '.xml';
/** A network or pool definition is a few KiB; the schema's own limit is 4 MiB. */
const MAX_DEFINITION_BYTES = 4 * 1024 * 1024;

export interface DefinitionKind {
  /** The folder in the state directory. */
  folder: string;
  /** What one is called in messages ('network', 'pool'). */
  noun: string;
  /** What one is called where it is not found ('storage pool'); the noun otherwise. */
  fullNoun?: string;
}

/**
 * Definitions kept as one `FOLDER/NAME.xml` each, as libvirt keeps networks and pools in
 * /etc/libvirt: names are safe as a guest's are, a write is atomic (a crash mid-write leaves
 * the previous one), and a read never follows a symlink nor opens a FIFO or a directory.
 */
export class DefinitionFiles {
  readonly dir: string;

  constructor(stateDir: string, private readonly kind: DefinitionKind) {
    this.dir = path.join(stateDir, kind.folder);
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
    const problem = guestNameProblem(name);
    if (problem) throw new VirtdeckError('invalid-request', `Invalid ${this.kind.noun} name: ${problem}`);
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
      return await readStateText(this.pathOf(name), MAX_DEFINITION_BYTES);
    } catch (error) {
      if (error instanceof MissingStateFile) throw this.notFound(name);
      if (error instanceof BadStateFile) {
        throw new VirtdeckError('conflict', `The ${this.kind.noun} '${name}' cannot be read: ${this.kind.folder}/${name}${SUFFIX} ${error.why}`);
      }
      throw error;
    }
  }

  async write(name: string, xml: string): Promise<void> {
    try {
      await writeFileAtomically(this.pathOf(name), xml);
    } catch (error) {
      throw new VirtdeckError('storage-failed', `Could not save the ${this.kind.noun} '${name}' (${describeError(error)}); the previous definition is unchanged`, { cause: error });
    }
  }

  async remove(name: string): Promise<void> {
    try {
      await nodeFs.rm(this.pathOf(name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw this.notFound(name);
      throw new VirtdeckError('storage-failed', `Could not delete the ${this.kind.noun} '${name}' (${describeError(error)})`, { cause: error });
    }
    await syncDirectory(this.dir);
  }

  private notFound(name: string): VirtdeckError {
    return new VirtdeckError('not-found', `No ${this.kind.fullNoun ?? this.kind.noun} named '${name}'`);
  }
}
