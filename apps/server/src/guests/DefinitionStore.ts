import nodeFs from 'node:fs/promises';
import path from 'node:path';
import { MAX_DOCUMENT_LENGTH, parseDomain, parseXml } from '@virtdeck/schema';
import { describeError, VirtdeckError } from '../errors.js';
import { syncDirectory, TEMP_PREFIX, writeFileAtomically } from '../storage/atomicFile.js';
import { BadStateFile, MissingStateFile, readStateText } from '../storage/stateFile.js';
import { assertGuestName } from './guestName.js';

const SUFFIX = '.xml';
/** The schema's limit is in UTF-16 code units; each is at most 3 bytes of UTF-8. */
const MAX_DEFINITION_BYTES = 3 * MAX_DOCUMENT_LENGTH;

/** A definition as found on disk: its text, or (`problem`) why the file cannot be one. */
export interface StoredDefinition {
  /** The text, when the file is readable UTF-8; '' otherwise. */
  xml: string;
  /** Why the file is not a usable definition, naming it (`domains/NAME.xml is empty`). */
  problem?: string;
}

/** The file operations the store uses; a test can hand in a wrapper that fails on purpose. */
export type StoreFs = Pick<typeof nodeFs, 'mkdir' | 'readdir' | 'open' | 'rename' | 'rm' | 'symlink' | 'lstat'>;

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

  /**
   * Reads a definition without trusting the file: never through a symlink, only a regular
   * UTF-8 text file, well-formed, a <domain> that names the guest its file is named after.
   * What is wrong comes back as `problem`; a definition that is merely invalid (a rule it
   * breaks) is not a problem here: it lists and refuses to start with its diagnostics.
   */
  async load(name: string): Promise<StoredDefinition> {
    const file = `domains/${name}${SUFFIX}`;
    let xml: string;
    try {
      xml = await readStateText(this.pathOf(name), MAX_DEFINITION_BYTES);
    } catch (error) {
      if (error instanceof MissingStateFile) throw new VirtdeckError('not-found', `No guest named '${name}'`);
      if (error instanceof BadStateFile) return { xml: '', problem: `${file} ${error.why}` };
      throw error;
    }
    const problem = contentProblem(xml, name);
    return problem ? { xml, problem: `${file} ${problem}` } : { xml };
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

  /** Removes the definition file, or the symlink in its place (never what it points to); anything else stays. */
  async remove(name: string): Promise<void> {
    const file = this.pathOf(name);
    const stat = await this.fs.lstat(file).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') throw new VirtdeckError('not-found', `No guest named '${name}'`);
      throw new VirtdeckError('storage-failed', `Could not look at the definition of '${name}' (${describeError(error)})`, { cause: error });
    });
    if (!stat.isFile() && !stat.isSymbolicLink()) {
      throw new VirtdeckError('conflict', `domains/${name}${SUFFIX} is not a file virtdeck wrote (it is a directory or a special file); remove it by hand`);
    }
    await this.setAutostart(name, false);
    try {
      await this.fs.rm(file);
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

function contentProblem(xml: string, name: string): string | undefined {
  if (xml.trim() === '') return 'is empty';
  const broken = parseXml(xml).diagnostics.find((d) => d.severity === 'error');
  if (broken) return `is not well-formed XML (line ${broken.range.start.line}, column ${broken.range.start.column}: ${broken.message})`;
  const { domain } = parseDomain(xml);
  if (!domain) return 'has no <domain> root element';
  if (domain.name !== name) return domain.name ? `names the guest '${domain.name}', not '${name}'` : 'has no <name>';
  return undefined;
}
