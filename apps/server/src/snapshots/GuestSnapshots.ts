import { validateDomain, snapshotXml, type Domain } from '@virtdeck/schema';
import type { QmpClient } from '@virtdeck/qmp';
import type { SnapshotRequest, SnapshotSummary } from '../api.js';
import { describeError, VirtdeckError } from '../errors.js';
import { pauseCpus, withPauseRequested } from '../guests/actions.js';
import type { Guest } from '../guests/guestRecord.js';
import { guestNameProblem } from '../guests/guestName.js';
import { imageSnapshotTags, snapshotImage } from '../storage/qemuImg.js';
import { internalSnapshotDisks, type SnapshotDisk } from './snapshotDisks.js';
import { runSnapshotJob, writableQcow2Nodes } from './snapshotJobs.js';
import { SnapshotStore, type StoredSnapshot } from './SnapshotStore.js';

/** What the snapshots need of the embedded driver; every call but `locked` is made inside the guest's lock. */
export interface SnapshotHost {
  /** Runs `task` in the guest's turn (GuestManager's per-guest lock). */
  locked<T>(name: string, task: (guest: Guest) => Promise<T>): Promise<T>;
  /** Starts the guest from its saved definition; `beforeContinue` runs while its CPUs are still stopped. */
  start(guest: Guest, beforeContinue?: (qmp: QmpClient) => Promise<void>): Promise<void>;
  /** Forces the guest's QEMU off and waits until that is handled. */
  forceOff(guest: Guest): Promise<void>;
  /** Throws when other guests read the guest's images as their backing files (linked clones). */
  refuseWritingBase(guest: Guest, doing: string): void;
  /** Saves `xml` as the guest's definition (as a redefinition does), recording why. */
  restoreDefinition(guest: Guest, xml: string, why: string): Promise<void>;
}

/**
 * Internal snapshots of the embedded driver's guests (libvirt's qemuSnapshot*): the disks'
 * snapshots live in their qcow2 images, the metadata in SnapshotStore. A running guest's are
 * QMP jobs and hold its memory; a shut-off guest's are `qemu-img snapshot` of each disk.
 */
export class GuestSnapshots {
  private readonly store: SnapshotStore;

  constructor(
    stateDir: string,
    private readonly host: SnapshotHost,
  ) {
    this.store = new SnapshotStore(stateDir);
  }

  /** For rename and undefine, which hold the guest's lock already. */
  get metadata(): SnapshotStore {
    return this.store;
  }

  /** The snapshots, and after them any file that does not read as one, with why (so it can be deleted). */
  list(name: string): Promise<SnapshotSummary[]> {
    return this.host.locked(name, async () => {
      const { snapshots, broken } = await this.store.listAll(name);
      return [
        ...snapshots.map((s) => s.summary),
        ...broken.map(({ name: snapshot, reason }): SnapshotSummary => ({ name: snapshot, createdAt: '', state: 'shutoff', current: false, memory: false, disks: [], broken: reason })),
      ];
    });
  }

  xml(name: string, snapshot: string): Promise<string> {
    return this.host.locked(name, async () => (await this.store.read(name, checkSnapshotName(snapshot))).xml);
  }

  create(name: string, request: SnapshotRequest): Promise<SnapshotSummary> {
    const snapshot = checkSnapshotName(request.name);
    return this.host.locked(name, async (guest) => {
      if (guest.problem) throw new VirtdeckError('conflict', `'${name}' is broken: ${guest.problem}`);
      if (await this.store.exists(name, snapshot)) throw new VirtdeckError('conflict', `'${name}' already has a snapshot named '${snapshot}'`);
      const parent = await this.store.current(name);
      const qmp = liveMonitor(guest);
      // A QEMU still starting has the images open already: qemu-img must not write them under it.
      if (!qmp && guest.runtime) throw new VirtdeckError('conflict', `'${name}' is starting; take its snapshot once it runs or is off`);
      const definition = qmp ? (guest.runtime?.xml ?? guest.xml) : guest.xml;
      const disks = internalSnapshotDisks(domainOf(definition, name));
      let undo: () => Promise<void>;
      let state: SnapshotSummary['state'];
      if (qmp) {
        state = guest.state === 'paused' ? 'paused' : 'running';
        const nodes = await writableQcow2Nodes(qmp, name);
        await pausingAsAsked(guest, () => runSnapshotJob(qmp, 'snapshot-save', { tag: snapshot, vmstate: nodes[0], devices: nodes }));
        undo = () => runSnapshotJob(qmp, 'snapshot-delete', { tag: snapshot, devices: nodes });
      } else {
        state = 'shutoff';
        undo = await snapshotImages(disks, snapshot);
      }
      const xml = snapshotXml({
        name: snapshot,
        description: request.description,
        state,
        creationTime: Date.now() / 1000,
        parent,
        memory: state === 'shutoff' ? 'no' : 'internal',
        disks: disks.map((d) => ({ name: d.target, snapshot: 'internal' })),
        domainXml: definition,
      });
      try {
        await this.store.write(name, snapshot, xml);
        await this.store.setCurrent(name, snapshot);
      } catch (error) {
        await undo().catch(() => undefined);
        throw error;
      }
      return (await this.store.read(name, snapshot)).summary;
    });
  }

  /**
   * Brings the guest back to the snapshot, and its definition to the one of that time. A
   * snapshot with memory resumes the guest where it was (starting it, or restarting it when it
   * runs from another definition); one without stops a running guest and reverts its disks.
   */
  revert(name: string, snapshot: string): Promise<void> {
    const snapshotName = checkSnapshotName(snapshot);
    return this.host.locked(name, async (guest) => {
      const stored = await this.store.read(name, snapshotName);
      const { summary, domainXml } = stored;
      const disks = internalSnapshotDisks(domainOf(domainXml, name));
      this.host.refuseWritingBase(guest, 'reverting it to a snapshot');
      const why = `reverted to the snapshot '${snapshotName}'`;
      const live = liveMonitor(guest);
      if (summary.memory) {
        if (live && sameDefinition(guest.runtime?.xml, domainXml)) {
          await pausingAsAsked(guest, () => loadSnapshot(live, name, snapshotName));
          if (!sameDefinition(guest.xml, domainXml)) await this.host.restoreDefinition(guest, domainXml, why);
        } else {
          if (guest.runtime) await this.host.forceOff(guest);
          if (!sameDefinition(guest.xml, domainXml)) await this.host.restoreDefinition(guest, domainXml, why);
          await this.host.start(guest, (qmp) => loadSnapshot(qmp, name, snapshotName));
        }
        await matchRunState(guest, summary.state);
      } else {
        if (guest.runtime) await this.host.forceOff(guest);
        for (const disk of disks) await snapshotImage(disk.file, 'apply', snapshotName);
        if (!sameDefinition(guest.xml, domainXml)) await this.host.restoreDefinition(guest, domainXml, why);
      }
      await this.store.setCurrent(name, snapshotName);
    });
  }

  /** Deletes the snapshot from the images and its metadata; its children then hang from its parent. */
  delete(name: string, snapshot: string): Promise<void> {
    const snapshotName = checkSnapshotName(snapshot);
    return this.host.locked(name, async (guest) => {
      if (!(await this.store.exists(name, snapshotName))) throw new VirtdeckError('not-found', `'${name}' has no snapshot named '${snapshotName}'`);
      const stored = await this.store.read(name, snapshotName).catch(() => undefined);
      // A file that does not read as a snapshot names no disks: only it goes (a tag of its name in the images stays).
      if (stored === undefined) {
        await this.store.remove(name, snapshotName);
        return;
      }
      const live = liveMonitor(guest);
      if (live) {
        // QEMU deletes it from every image that has it and skips the others.
        await runSnapshotJob(live, 'snapshot-delete', { tag: snapshotName, devices: await writableQcow2Nodes(live, name) });
      } else {
        if (guest.runtime) throw new VirtdeckError('conflict', `'${name}' is starting; delete its snapshot once it runs or is off`);
        for (const disk of disksOf(stored)) {
          const tags = await imageSnapshotTags(disk.file).catch((): string[] => []);
          if (tags.includes(snapshotName)) await snapshotImage(disk.file, 'delete', snapshotName);
        }
      }
      await this.store.remove(name, snapshotName);
    });
  }
}

/**
 * Snapshot names are file names as guest names are; one of digits only is refused because QEMU
 * and qemu-img look a snapshot up by its numeric id as well as by its name.
 */
export function snapshotNameProblem(name: string): string | undefined {
  return guestNameProblem(name) ?? (/^[0-9]+$/.test(name) ? 'a name of digits only would be taken for the number QEMU gives each snapshot' : undefined);
}

export function checkSnapshotName(name: string): string {
  const problem = snapshotNameProblem(name);
  if (problem) throw new VirtdeckError('invalid-request', `Invalid snapshot name: ${problem}`);
  return name;
}

/** The snapshot keeps a definition without its XML declaration and trailing blank lines (snapshotXml). */
const sameDefinition = (a: string | undefined, b: string): boolean => a !== undefined && a.replace(/^\s*<\?xml[^>]*\?>\s*/, '').trimEnd() === b.trimEnd();

/** The monitor of a guest whose QEMU runs and answers; undefined while it is off (or still starting). */
/** QEMU stops the CPUs while it saves or loads a snapshot: a pause asked for, which the guest's state and event log show as one. */
function pausingAsAsked(guest: Guest, job: () => Promise<void>): Promise<void> {
  return guest.runtime ? withPauseRequested(guest.runtime, job) : job();
}

function liveMonitor(guest: Guest): QmpClient | undefined {
  const runtime = guest.runtime;
  if (runtime === undefined) return undefined;
  if (runtime.phase !== 'active' || runtime.qmp?.state !== 'running') return undefined;
  return runtime.qmp;
}

function domainOf(xml: string, name: string): Domain {
  const { domain, valid } = validateDomain(xml);
  if (!valid || domain === undefined) throw new VirtdeckError('conflict', `The definition of '${name}' has errors; fix it before taking or reverting a snapshot`);
  return domain;
}

/** The disks of the definition the snapshot keeps; one that cannot be read as such has none to clean. */
function disksOf(stored: StoredSnapshot): SnapshotDisk[] {
  try {
    return internalSnapshotDisks(domainOf(stored.domainXml, stored.summary.name));
  } catch {
    return [];
  }
}

async function loadSnapshot(qmp: QmpClient, guest: string, snapshot: string): Promise<void> {
  const nodes = await writableQcow2Nodes(qmp, guest);
  await runSnapshotJob(qmp, 'snapshot-load', { tag: snapshot, vmstate: nodes[0], devices: nodes });
}

/** QEMU resumes after a load only what ran before it: the guest ends in the snapshot's state. */
async function matchRunState(guest: Guest, state: SnapshotSummary['state']): Promise<void> {
  const qmp = liveMonitor(guest);
  if (qmp === undefined || guest.runtime === undefined) return;
  const { running } = await qmp.execute<{ running: boolean }>('query-status');
  if (state === 'running' && !running) await qmp.execute('cont');
  if (state === 'paused' && running) await pauseCpus(guest.runtime, qmp);
}

/** `qemu-img snapshot -c` of every disk; on a failure the ones made are deleted again. Returns the undo. */
async function snapshotImages(disks: readonly SnapshotDisk[], tag: string): Promise<() => Promise<void>> {
  for (const disk of disks) {
    if ((await imageSnapshotTags(disk.file)).includes(tag)) {
      throw new VirtdeckError('conflict', `The image ${disk.file} already holds a snapshot named '${tag}' that virtdeck does not know of; choose another name`);
    }
  }
  const done: SnapshotDisk[] = [];
  const undo = async () => {
    for (const disk of done.reverse()) await snapshotImage(disk.file, 'delete', tag);
  };
  try {
    for (const disk of disks) {
      await snapshotImage(disk.file, 'create', tag);
      done.push(disk);
    }
  } catch (error) {
    await undo().catch(() => undefined);
    throw new VirtdeckError('host-file', `Could not take the snapshot '${tag}': ${describeError(error)}`, { cause: error });
  }
  return undo;
}
