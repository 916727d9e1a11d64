import nodeFs from 'node:fs/promises';
import path from 'node:path';
import { applyEdits, firstChild, parseSnapshot, removeElementEdit, setTextEdit, type DomainSnapshot } from '@virtdeck/schema';
import type { SnapshotSummary } from '../api.js';
import { describeError, VirtdeckError } from '../errors.js';
import { writeFileAtomically } from '../storage/atomicFile.js';
import { DefinitionFiles } from '../storage/DefinitionFiles.js';
import { MissingStateFile, readStateText } from '../storage/stateFile.js';

/** The folder of the state directory; one subfolder per guest, as libvirt's qemu/snapshot/GUEST/. */
export const SNAPSHOTS_FOLDER = 'snapshots';
const CURRENT_FILE = 'current';

/** One stored snapshot: its XML, its model, and the definition it keeps. */
export interface StoredSnapshot {
  xml: string;
  model: DomainSnapshot;
  summary: SnapshotSummary;
  /** The guest's definition when it was taken (as its own document again), which a revert restores. */
  domainXml: string;
}

/**
 * Every guest's snapshot metadata as libvirt snapshot XML, `snapshots/GUEST/SNAP.xml` (written
 * atomically, read without following links, names checked as guest names are), and the name of
 * the guest's current snapshot in `snapshots/GUEST/current`. The snapshots themselves are in the
 * guest's qcow2 images.
 */
export class SnapshotStore {
  constructor(private readonly stateDir: string) {}

  /** The guest's snapshots whose files read as snapshots, oldest first. */
  async list(guest: string): Promise<StoredSnapshot[]> {
    return (await this.listAll(guest)).snapshots;
  }

  /** Every snapshot file: those that read as snapshots, oldest first, and those that do not, each with why (one broken file hides none of the others). */
  async listAll(guest: string): Promise<{ snapshots: StoredSnapshot[]; broken: { name: string; reason: string }[] }> {
    const files = this.files(guest);
    const current = await this.current(guest);
    const names = await files.list();
    const loaded = await Promise.allSettled(names.map((name) => this.load(files, name, current)));
    const snapshots: StoredSnapshot[] = [];
    const broken: { name: string; reason: string }[] = [];
    for (const [i, result] of loaded.entries()) {
      if (result.status === 'fulfilled') snapshots.push(result.value);
      else broken.push({ name: names[i] ?? '', reason: result.reason instanceof Error ? result.reason.message : describeError(result.reason) });
    }
    snapshots.sort((a, b) => a.summary.createdAt.localeCompare(b.summary.createdAt) || a.summary.name.localeCompare(b.summary.name));
    return { snapshots, broken: broken.sort((a, b) => a.name.localeCompare(b.name)) };
  }

  async read(guest: string, name: string): Promise<StoredSnapshot> {
    const files = this.files(guest);
    if (!(await files.exists(name))) throw new VirtdeckError('not-found', `'${guest}' has no snapshot named '${name}'`);
    return this.load(files, name, await this.current(guest));
  }

  async exists(guest: string, name: string): Promise<boolean> {
    return this.files(guest).exists(name);
  }

  async write(guest: string, name: string, xml: string): Promise<void> {
    const files = this.files(guest);
    await this.makeFolder(files.dir);
    await files.write(name, xml);
  }

  /** Removes one snapshot's metadata; its children are handed to its parent, as libvirt does. */
  async remove(guest: string, name: string): Promise<void> {
    const files = this.files(guest);
    if (!(await files.exists(name))) throw new VirtdeckError('not-found', `'${guest}' has no snapshot named '${name}'`);
    // A file that does not read as a snapshot has no parent or children to hand over: it just goes.
    const gone = await this.read(guest, name).catch(() => undefined);
    const parent = gone?.summary.parent;
    for (const child of await this.list(guest)) {
      if (child.summary.parent === name) await files.write(child.summary.name, withParent(child.xml, parent));
    }
    if (gone && (await this.current(guest)) === name) await this.setCurrent(guest, parent);
    await files.remove(name);
  }

  async current(guest: string): Promise<string | undefined> {
    try {
      const name = (await readStateText(this.currentFile(guest), 1024)).trim();
      return name === '' ? undefined : name;
    } catch (error) {
      if (error instanceof MissingStateFile) return undefined;
      throw error;
    }
  }

  async setCurrent(guest: string, name: string | undefined): Promise<void> {
    const file = this.currentFile(guest);
    try {
      await this.makeFolder(path.dirname(file));
      await writeFileAtomically(file, name === undefined ? '' : `${name}\n`);
    } catch (error) {
      throw new VirtdeckError('storage-failed', `Could not record the current snapshot of '${guest}' (${describeError(error)})`, { cause: error });
    }
  }

  async has(guest: string): Promise<boolean> {
    return (await this.files(guest).list()).length > 0;
  }

  /** Forgets all of a guest's snapshot metadata (undefine, as virsh undefine --snapshots-metadata). */
  async removeAll(guest: string): Promise<void> {
    await nodeFs.rm(this.files(guest).dir, { recursive: true, force: true });
  }

  private files(guest: string): DefinitionFiles {
    return new DefinitionFiles(this.stateDir, { folder: path.join(SNAPSHOTS_FOLDER, guest), noun: 'snapshot' });
  }

  private currentFile(guest: string): string {
    return path.join(this.files(guest).dir, CURRENT_FILE);
  }

  private async makeFolder(dir: string): Promise<void> {
    await nodeFs.mkdir(dir, { recursive: true, mode: 0o700 });
  }

  private async load(files: DefinitionFiles, name: string, current: string | undefined): Promise<StoredSnapshot> {
    const xml = await files.read(name);
    const { snapshot, diagnostics, document } = parseSnapshot(xml);
    const broken = (why: string) => new VirtdeckError('conflict', `The snapshot file ${path.join(SNAPSHOTS_FOLDER, path.basename(files.dir), `${name}.xml`)} ${why}`);
    if (snapshot === undefined || diagnostics.some((d) => d.severity === 'error')) throw broken('is not a snapshot document');
    if (snapshot.name !== name) throw broken(`names the snapshot '${snapshot.name ?? ''}'`);
    if (snapshot.domain === undefined) throw broken('keeps no <domain> definition to revert to');
    const state = snapshot.state === 'running' || snapshot.state === 'paused' ? snapshot.state : 'shutoff';
    const summary: SnapshotSummary = {
      name,
      createdAt: new Date((snapshot.creationTime ?? 0) * 1000).toISOString(),
      state,
      current: current === name,
      memory: snapshot.memory?.snapshot === 'internal',
      disks: snapshot.disks.filter((d) => d.snapshot !== 'no' && d.name !== undefined).map((d) => d.name as string),
    };
    if (snapshot.description !== undefined) summary.description = snapshot.description;
    if (snapshot.parent !== undefined) summary.parent = snapshot.parent;
    return { xml, model: snapshot, summary, domainXml: embeddedDocument(document.text, snapshot.domain.start, snapshot.domain.end) };
  }
}

/** The `<domain>` element as a document of its own: the indentation it got inside `<domainsnapshot>` taken off again. */
export function embeddedDocument(text: string, start: number, end: number): string {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const indent = text.slice(lineStart, start);
  const element = text.slice(start, end);
  const body = /^[ \t]+$/.test(indent) ? element.split('\n').map((line, i) => (i > 0 && line.startsWith(indent) ? line.slice(indent.length) : line)).join('\n') : element;
  return `${body}\n`;
}

/** The snapshot's XML with another parent (or none). */
function withParent(xml: string, parent: string | undefined): string {
  const { document, snapshot } = parseSnapshot(xml);
  const element = snapshot === undefined ? undefined : firstChild(snapshot.node, 'parent');
  const nameElement = element === undefined ? undefined : firstChild(element, 'name');
  if (element === undefined || nameElement === undefined) return xml;
  return applyEdits(xml, [parent === undefined ? removeElementEdit(document, element) : setTextEdit(document, nameElement, parent)]);
}
