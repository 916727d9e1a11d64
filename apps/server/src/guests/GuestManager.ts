import { EventEmitter } from 'node:events';
import path from 'node:path';
import type { HostCapabilities } from '@virtdeck/qemu';
import type { QmpClient } from '@virtdeck/qmp';
import { isAllowed, validateDomain } from '@virtdeck/schema';
import type { Logger } from 'pino';
import type { CloneRequest, CommandLine, DefinitionVersion, DomainSummary, GuestAction, GuestStats, LifecycleEvent, SnapshotRequest, SnapshotSummary, ValidateResult } from '../api.js';
import { readLogTail } from '../console/SerialLog.js';
import { SCROLLBACK_BYTES } from '../console/SerialConsole.js';
import type { ActionOptions, DefineOptions, Driver, DriverEvents, GraphicsEndpoint, HostConnection, SerialEndpoint } from '../drivers/Driver.js';
import { describeError, VirtdeckError } from '../errors.js';
import { AcceleratorObservations } from '../host/acceleratorObservations.js';
import { StatsCollector, type StatsSource } from '../stats/StatsCollector.js';
import { embeddedGraphics } from '../vnc/embeddedGraphics.js';
import { qemuUser } from '../confine/qemuUser.js';
import { describeSelector, parseDeviceXml, resolveTargets, withDevice, withMac, withoutDevice, withSavedMedium, type DeviceSelector, type DeviceTargets, type DeviceXml } from '../devices/deviceXml.js';
import { attachLive, changeMediumLive, detachLive, type LiveContext } from '../devices/liveChanges.js';
import { networkHost } from '../networks/networkHost.js';
import { sharedImageProbe } from '../preflight/imageProbe.js';
import { writeFileAtomically } from '../storage/atomicFile.js';
import { GuestActions } from './actions.js';
import { previewCommandLine, validateForHost } from './commandPreview.js';
import { readQemuLog } from './qemuLog.js';
import { DefinitionHistory } from './DefinitionHistory.js';
import { changedMeanwhile, checkDefinition, withIdentity, type CheckedDefinition } from './definitions.js';
import { DefinitionStore, type StoreFs } from './DefinitionStore.js';
import { guestNameProblem } from './guestName.js';
import { GuestProcesses, type ProcessOptions } from './guestProcess.js';
import { conditionOf, newGuest, parseDefinition, toSummary, UNKNOWN_FACTS, type Guest } from './guestRecord.js';
import { GuestStates } from './guestState.js';
import { KeyedMutex } from './KeyedMutex.js';
import { cloneDefinition, type PoolDirectories } from '../clones/cloneGuest.js';
import { refuseWritingBase } from '../clones/linkedClones.js';
import { GuestSnapshots } from '../snapshots/GuestSnapshots.js';
import { LifeWatcher, type LifeWatcherOptions } from './lifeWatcher.js';
import { terminate } from './qemuProcess.js';
import { listRunDirs } from './RunDir.js';

export interface GuestManagerOptions extends ProcessOptions {
  /** The file operations of the definition store (tests hand in one that fails). */
  storeFs?: StoreFs;
  /** How long a started guest may show no sign of life before its page says so (lifeWatcher.ts). */
  lifeWatch?: LifeWatcherOptions;
  /** Where clones' disks may go (the storage pools); the state directory's images/ when absent. */
  poolDirectories?: PoolDirectories;
}

/**
 * The embedded driver: virtdeck's own runtime, needing nothing but QEMU. This class is its
 * facade of locks and routing (libvirt's qemu_driver.c): every operation on one guest runs
 * under that guest's lock (operations on different guests run in parallel) and goes to the
 * module that does it — definitions (definitions.ts, DefinitionStore), processes
 * (guestProcess.ts, startGuest.ts), actions over QMP (actions.ts) — while every state change
 * goes through GuestStates. QMP events change the state at once and queue any follow-up
 * work on the lock. Each state change is announced as the guest's full new summary
 * (`guest`), and each lifecycle event as a `lifecycle` record.
 */
export class GuestManager extends EventEmitter<DriverEvents> implements Driver {
  readonly kind = 'embedded';
  private readonly guests = new Map<string, Guest>();
  private readonly locks = new KeyedMutex();
  /** Serializes the identity checks of definitions (UUID and MAC uniqueness) across guests. */
  private readonly identities = new KeyedMutex();
  private readonly store: DefinitionStore;
  private readonly versions: DefinitionHistory;
  private readonly logger: Logger;
  private readonly states: GuestStates;
  private readonly processes: GuestProcesses;
  private readonly actions: GuestActions;
  private readonly collector = new StatsCollector();
  private readonly observations: AcceleratorObservations;
  private readonly lifeWatcher: LifeWatcher;
  private readonly snapshotOps: GuestSnapshots;

  constructor(private readonly options: GuestManagerOptions) {
    super();
    this.store = new DefinitionStore(options.stateDir, options.storeFs);
    this.versions = new DefinitionHistory(options.stateDir);
    this.logger = options.logger;
    this.states = new GuestStates({
      guest: (summary) => this.emit('guest', summary),
      lifecycle: (event) => this.emit('lifecycle', event),
    });
    this.processes = new GuestProcesses(options, this.states, this.locks);
    this.actions = new GuestActions(this.states);
    this.observations = AcceleratorObservations.inStateDir(options.stateDir);
    this.lifeWatcher = new LifeWatcher(() => this.guests.values(), this.states, this.observations, this.logger, options.lifeWatch);
    this.snapshotOps = new GuestSnapshots(options.stateDir, {
      locked: (name, task) => this.locks.run(name, () => task(this.require(name))),
      start: async (guest, beforeContinue) => {
        if (guest.problem) throw brokenError(guest);
        refuseWritingBase(guest, this.guests.values(), 'starting it');
        await this.processes.start(guest, beforeContinue);
        this.lifeWatcher.watch(guest);
      },
      forceOff: async (guest) => {
        const runtime = guest.runtime;
        if (!runtime) return;
        runtime.stopping ??= 'destroyed';
        await this.processes.stop(runtime);
      },
      refuseWritingBase: (guest, doing) => refuseWritingBase(guest, this.guests.values(), doing),
      restoreDefinition: async (guest, xml, why) => {
        await this.identities.run('', () => this.save(checkDefinition(xml), guest, why));
      },
    });
  }

  get stateDir(): string {
    return this.options.stateDir;
  }

  /** Whether options and programs that reach the host unchecked may start here (ServerConfig.hostPassthrough). */
  get hostPassthrough(): boolean {
    return this.options.hostPassthrough ?? true;
  }

  /** Loads the definitions and finds every guest still running from before (see GuestProcesses.reconnect). */
  async init(): Promise<void> {
    await this.store.init();
    const unreadable = await this.observations.load();
    if (unreadable) this.logger.warn(unreadable);
    const names = await this.store.list();
    for (const name of names) {
      if (guestNameProblem(name)) {
        this.logger.warn({ name }, 'ignoring a definition file whose name is not a usable guest name');
        continue;
      }
      const { xml, problem } = await this.store.load(name);
      const parsed = problem ? { domain: undefined, facts: UNKNOWN_FACTS } : parseDefinition(xml);
      const guest = newGuest(this.stateDir, name, xml, parsed, await this.store.autostart(name));
      if (problem) {
        guest.problem = problem;
        this.logger.warn({ name, problem }, 'a definition file cannot be used; the guest is listed as broken');
      }
      await guest.events.load();
      this.guests.set(name, guest);
    }
    await Promise.all(
      [...this.guests.values()].map((guest) =>
        this.locks.run(guest.name, () => this.processes.reconnect(guest)).catch((error: unknown) => {
          this.logger.error({ name: guest.name, err: error }, 'could not find the guest again');
          this.states.fault(guest, `Could not find the guest's QEMU again: ${describeError(error)}`);
        }),
      ),
    );
    for (const name of await listRunDirs(this.stateDir)) {
      if (!this.guests.has(name)) this.logger.warn({ name }, 'run folder without a definition; leaving it alone');
    }
  }

  /** Starts every guest marked autostart that is not running (at server start, like libvirtd). */
  async autostart(): Promise<void> {
    const candidates = [...this.guests.values()].filter((g) => g.autostart && !g.runtime && !g.problem);
    const results = await Promise.allSettled(candidates.map((g) => this.start(g.name)));
    results.forEach((result, i) => {
      const guest = candidates[i];
      if (result.status === 'rejected' && guest) {
        this.logger.warn({ name: guest.name, err: result.reason }, 'autostart failed');
        this.states.record(guest, 'autostart-failed', describeError(result.reason));
      }
    });
  }

  /** QEMU is this server's own child: there is no connection to lose. */
  connection(): HostConnection {
    return { state: 'connected' };
  }

  list(): DomainSummary[] {
    return [...this.guests.values()].map(toSummary).sort((a, b) => a.name.localeCompare(b.name));
  }

  get(name: string): DomainSummary {
    return toSummary(this.require(name));
  }

  async definition(name: string, { running = false } = {}): Promise<string> {
    const guest = this.require(name);
    if (!running) {
      if (guest.problem && guest.xml === '') throw brokenError(guest);
      return guest.xml;
    }
    if (!guest.runtime) throw new VirtdeckError('conflict', `'${name}' is not running, so it has no running definition`);
    return guest.runtime.xml;
  }

  events(name: string): LifecycleEvent[] {
    return this.require(name).events.recent();
  }

  qemuLog(name: string): Promise<string> {
    return readQemuLog(this.require(name).run.qemuLog);
  }

  /**
   * Saves a definition. `create` refuses an existing name (POST); otherwise (PUT) the guest
   * `expectedName` is redefined, and renamed when the XML names it otherwise. A running
   * guest keeps running with its old definition; the new one applies at its next start. A
   * missing UUID and missing MAC addresses are filled in, as libvirt does.
   */
  async define(xml: string, { create, name: expectedName, unchanged }: DefineOptions): Promise<DomainSummary> {
    const checked = checkDefinition(xml);
    const { name } = checked;
    if (!create && expectedName !== undefined && expectedName !== name) return this.renameTo(expectedName, checked);
    // The guest's own lock, then the one all definitions share: UUIDs and MACs must be unique
    // across guests, so checking them and registering the guest cannot interleave with another define.
    return this.locks.run(name, () => this.identities.run('', async () => {
      const existing = this.guests.get(name);
      if (create && existing) throw new VirtdeckError('conflict', `A guest named '${name}' already exists`);
      if (!create && !existing) throw new VirtdeckError('not-found', `No guest named '${name}'`);
      if (unchanged !== undefined && existing?.xml !== unchanged) throw changedMeanwhile(name);
      return this.save(checked, existing, existing ? 'redefined' : undefined);
    }));
  }

  /** Writes a checked definition as the guest's (new or `existing`), under its lock and the identities lock. */
  private async save(checked: CheckedDefinition, existing: Guest | undefined, why: string | undefined): Promise<DomainSummary> {
    const { name } = checked;
    const { text, parsed } = withIdentity(checked, existing, this.guests.values());
    if (existing && existing.xml !== text && existing.xml !== '') await this.versions.keep(name, existing.xml, await this.store.savedAt(name));
    await this.store.write(name, text);
    const guest = existing ?? newGuest(this.stateDir, name, text, parsed, false);
    guest.xml = text;
    guest.domain = parsed.domain;
    guest.facts = parsed.facts;
    // The save replaced the bad file (a symlink is replaced, not written through).
    guest.problem = undefined;
    this.guests.set(name, guest);
    const summary = this.states.announce(guest);
    this.states.record(guest, 'defined', why !== undefined && guest.runtime ? `${why}; applies at the next start` : why);
    return summary;
  }

  /**
   * A redefinition under a new name: `virsh domrename` and a save in one step, for a guest
   * that is shut off. The definition, its autostart link, its run folder (logs, events), its
   * TPM state, its UEFI variables (unless the definition names their file) and its history
   * move to the new name; the new definition is written first, so a crash midway loses
   * nothing. Disk images are files the definition names and stay where they are.
   */
  private renameTo(from: string, checked: CheckedDefinition): Promise<DomainSummary> {
    const { name } = checked;
    const [first, second] = [from, name].sort();
    return this.locks.run(first as string, () => this.locks.run(second as string, () => this.identities.run('', async () => {
      const guest = this.require(from);
      if (!isAllowed('rename', conditionOf(guest))) {
        throw new VirtdeckError(
          'conflict',
          guest.runtime
            ? `'${from}' is ${guest.state}; a guest is renamed when it is shut off (as virsh domrename does)`
            : `${guest.problem ?? 'It is broken'}: save it under its own name '${from}', or delete it, before renaming`,
        );
      }
      if (this.guests.has(name)) throw new VirtdeckError('conflict', `A guest named '${name}' already exists`);
      // Each snapshot keeps the definition of its time, under the old name (virsh domrename refuses too).
      if (await this.snapshotOps.metadata.has(from)) throw new VirtdeckError('conflict', `'${from}' has snapshots, which keep its definition under this name; delete them before renaming`);
      const { text, parsed } = withIdentity(checked, guest, this.guests.values());
      const savedAt = await this.store.savedAt(from);
      await this.store.write(name, text);
      if (guest.autostart) await this.store.setAutostart(name, true);
      await guest.events.close();
      await guest.status.flush();
      const renamed = newGuest(this.stateDir, name, text, parsed, guest.autostart);
      await guest.run.moveTo(renamed.run);
      await guest.run.moveKeptStateTo(renamed.run, { namedNvram: parsed.domain?.os.nvram?.path !== undefined });
      await renamed.events.load();
      await this.versions.move(from, name);
      if (guest.xml !== text) await this.versions.keep(name, guest.xml, savedAt);
      await this.store.remove(from);
      this.guests.delete(from);
      this.guests.set(name, renamed);
      this.emit('removed', from, name);
      this.emit('lifecycle', { name: from, event: 'undefined', state: 'shutoff', reason: guest.reason, timestamp: new Date().toISOString(), detail: `renamed to '${name}'` });
      const summary = this.states.announce(renamed);
      this.states.record(renamed, 'defined', `renamed from '${from}'`);
      return summary;
    })));
  }

  async history(name: string): Promise<DefinitionVersion[]> {
    this.require(name);
    return this.versions.list(name);
  }

  async version(name: string, id: string): Promise<string> {
    this.require(name);
    return this.versions.read(name, id);
  }

  async undefine(name: string): Promise<void> {
    await this.locks.run(name, async () => {
      const guest = this.require(name);
      if (!isAllowed('delete', conditionOf(guest))) throw new VirtdeckError('conflict', `'${name}' is ${guest.state}; force it off before deleting it`);
      await this.store.remove(name);
      await this.versions.remove(name);
      // As virsh undefine --snapshots-metadata: the snapshots inside the images stay there.
      await this.snapshotOps.metadata.removeAll(name);
      await guest.events.close();
      await guest.status.flush();
      await guest.run.remove();
      // A definition that cannot be read says nothing to keep: its state goes, as libvirt's default does.
      const { domain } = validateDomain(guest.xml);
      await guest.run.removeKeptState({
        namedNvram: domain?.os.nvram?.path !== undefined,
        keepTpm: domain?.devices.tpms.some((tpm) => tpm.backend?.persistentState === true) ?? false,
      });
      this.guests.delete(name);
      this.emit('removed', name);
      this.emit('lifecycle', { name, event: 'undefined', state: 'shutoff', reason: guest.reason, timestamp: new Date().toISOString() });
    });
  }

  setAutostart(name: string, autostart: boolean): Promise<DomainSummary> {
    return this.locks.run(name, async () => {
      const guest = this.require(name);
      await this.store.setAutostart(name, autostart);
      guest.autostart = autostart;
      return this.states.announce(guest);
    });
  }

  act(name: string, action: GuestAction, options: ActionOptions = {}): Promise<DomainSummary> {
    switch (action) {
      case 'start':
        return this.start(name);
      case 'shutdown':
        return this.shutdown(name, options);
      case 'destroy':
        return this.destroy(name);
      case 'reboot':
        return this.changing(name, 'rebooted', (guest) => this.actions.reboot(guest));
      case 'reset':
        return this.changing(name, 'reset', (guest) => this.actions.reset(guest));
      case 'suspend':
        return this.changing(name, 'paused', (guest) => this.actions.suspend(guest));
      case 'resume':
        return this.changing(name, 'resumed', (guest) => this.actions.resume(guest));
      default: {
        const unknown: never = action;
        throw new VirtdeckError('not-found', `Unknown action '${String(unknown)}'`);
      }
    }
  }

  start(name: string): Promise<DomainSummary> {
    return this.locked(name, async (guest) => {
      if (!isAllowed('start', conditionOf(guest))) throw guest.runtime ? new VirtdeckError('conflict', `'${guest.name}' is already ${guest.state}`) : brokenError(guest);
      refuseWritingBase(guest, this.guests.values(), 'starting it');
      await this.processes.start(guest);
      this.lifeWatcher.watch(guest);
    });
  }

  /** The ACPI power button; see GuestActions.shutdown. */
  shutdown(name: string, { escalateAfterMs }: ActionOptions = {}): Promise<DomainSummary> {
    return this.changing(name, 'shut down', (guest) =>
      this.actions.shutdown(guest, escalateAfterMs, () => {
        this.destroy(name).catch((error: unknown) => this.logger.warn({ name, err: error }, 'escalating a shutdown failed'));
      }),
    );
  }

  /**
   * Forces the guest off. It does not wait its turn: a start in progress or a shutdown the
   * guest ignores is cut short at once (the process is signalled before the lock is taken,
   * as libvirt's destroy does), then the final state is reported under the lock.
   */
  destroy(name: string): Promise<DomainSummary> {
    const before = this.require(name).runtime;
    if (before) {
      before.stopping ??= 'destroyed';
      void terminate(before.process, 1000);
    }
    return this.locked(name, async (guest) => {
      const runtime = guest.runtime;
      if (runtime) {
        runtime.stopping ??= 'destroyed';
        await this.processes.stop(runtime);
      } else if (!before) {
        throw new VirtdeckError('conflict', `'${name}' is not running`);
      }
    });
  }

  snapshots(name: string): Promise<SnapshotSummary[]> {
    return this.snapshotOps.list(name);
  }

  snapshotXml(name: string, snapshot: string): Promise<string> {
    return this.snapshotOps.xml(name, snapshot);
  }

  createSnapshot(name: string, request: SnapshotRequest): Promise<SnapshotSummary> {
    return this.snapshotOps.create(name, request);
  }

  async revertSnapshot(name: string, snapshot: string): Promise<DomainSummary> {
    await this.snapshotOps.revert(name, snapshot);
    return this.get(name);
  }

  deleteSnapshot(name: string, snapshot: string): Promise<void> {
    return this.snapshotOps.delete(name, snapshot);
  }

  /** A copy of a shut-off guest under a new name (cloneGuest.ts), defined as a new guest; it stays off while its disks are copied. */
  clone(name: string, request: CloneRequest): Promise<DomainSummary> {
    return this.locks.run(name, async () => {
      const guest = this.require(name);
      if (!isAllowed('clone', conditionOf(guest))) {
        throw guest.runtime ? new VirtdeckError('conflict', `'${name}' is ${guest.state}; a guest is cloned when it is shut off, so its disks do not change while they are copied`) : brokenError(guest);
      }
      if (this.guests.has(request.name)) throw new VirtdeckError('conflict', `A guest named '${request.name}' already exists`);
      const made = await cloneDefinition(guest.xml, request, this.options.poolDirectories ?? (async () => [{ name: 'default', path: path.join(this.stateDir, 'images') }]));
      try {
        return await this.define(made.xml, { create: true });
      } catch (error) {
        await made.remove();
        throw error;
      }
    });
  }

  /** Attaches a <disk> or <interface> (virsh attach-device): to the running guest, the saved definition, or both. */
  attachDevice(name: string, xml: string, targets: DeviceTargets): Promise<DomainSummary> {
    const device = withMac(parseDeviceXml(xml), this.takenMacs());
    return this.changeDevices(name, targets, `attached a ${device.kind}`, {
      live: (ctx) => attachLive(ctx, device),
      config: (saved, placed) => withDevice(saved, placed ?? device).xml,
    });
  }

  /** Detaches a disk (by target), an interface (by MAC) or either by its id (virsh detach-device). */
  detachDevice(name: string, selector: DeviceSelector, targets: DeviceTargets): Promise<DomainSummary> {
    return this.changeDevices(name, targets, `detached ${describeSelector(selector)}`, {
      live: async (ctx) => ({ xml: await detachLive(ctx, selector) }),
      config: (saved) => withoutDevice(saved, selector, name),
    });
  }

  /** Puts a medium (a file) in a CD-ROM or floppy drive, or ejects it (`null`): virsh change-media. */
  changeMedia(name: string, target: string, file: string | null, targets: DeviceTargets): Promise<DomainSummary> {
    return this.changeDevices(name, targets, file === null ? `ejected the medium of ${target}` : `changed the medium of ${target}`, {
      live: async (ctx) => ({ xml: await changeMediumLive(ctx, target, file) }),
      config: (saved) => withSavedMedium(saved, target, file, name),
    });
  }

  /**
   * One device change under the guest's lock: the saved definition's change is checked first
   * (so a bad one changes nothing), then the running guest is changed, then the definition saved.
   */
  private changeDevices(
    name: string,
    targets: DeviceTargets,
    what: string,
    change: { live: (ctx: LiveContext) => Promise<{ xml: string; device?: DeviceXml }>; config: (saved: string, placed?: DeviceXml) => string },
  ): Promise<DomainSummary> {
    return this.locks.run(name, async () => {
      const guest = this.require(name);
      if (guest.problem) throw brokenError(guest);
      const runtime = guest.runtime;
      const { live, config } = resolveTargets(targets, runtime !== undefined);
      const qmp = runtime?.phase === 'active' && runtime.qmp?.state === 'running' ? runtime.qmp : undefined;
      if (live && (!runtime || !qmp)) throw new VirtdeckError('conflict', `'${name}' is ${guest.state}: a change to the running guest needs it running (choose the saved definition instead)`);
      if (config) checkDefinition(change.config(guest.xml));
      let placed: DeviceXml | undefined;
      if (live && runtime && qmp) {
        const result = await change.live(await this.liveContext(guest, runtime.xml, qmp));
        // Replaced, never written through: the run folder's file is read again after a server restart.
        await writeFileAtomically(guest.run.runningXml, result.xml);
        runtime.xml = result.xml;
        runtime.facts = parseDefinition(result.xml).facts;
        placed = result.device;
        this.states.record(guest, 'device-changed', what);
      }
      if (config) {
        // The running guest's placement (a PCI address) is kept in the saved definition too, as libvirt does for both.
        const checked = checkDefinition(change.config(guest.xml, placed));
        return this.identities.run('', () => this.save(checked, guest, what));
      }
      return this.states.announce(guest);
    });
  }

  private async liveContext(guest: Guest, xml: string, qmp: QmpClient): Promise<LiveContext> {
    return {
      name: guest.name,
      qmp,
      xml,
      caps: await this.options.capabilities(),
      networks: await networkHost(this.stateDir, guest.run),
      baseDir: guest.run.dir,
      user: await qemuUser(),
      ownersFile: guest.run.ownersFile,
      tapsFile: guest.run.tapsFile,
      probe: sharedImageProbe,
    };
  }

  private takenMacs(): Set<string> {
    return new Set([...this.guests.values()].flatMap((g) => [...g.facts.macs, ...(g.runtime?.facts.macs ?? [])]));
  }

  /** The live console of a running guest, and the scrollback of any guest. */
  serialConsole(name: string): SerialEndpoint {
    const guest = this.require(name);
    const runtime = guest.runtime?.phase === 'active' ? guest.runtime : undefined;
    const access = runtime?.facts.console;
    const endpoint: SerialEndpoint = { live: runtime?.console, scrollback: () => readLogTail(guest.run.serialLog, SCROLLBACK_BYTES) };
    if (access?.kind === 'unavailable') endpoint.unreadable = access.reason;
    return endpoint;
  }

  async graphicsConsole(name: string): Promise<GraphicsEndpoint> {
    const guest = this.require(name);
    const runtime = guest.runtime;
    const qmp = runtime?.phase === 'active' ? runtime.qmp : undefined;
    if (!runtime || qmp?.state !== 'running') throw new VirtdeckError('conflict', `'${name}' is not running`);
    return embeddedGraphics(name, guest.run, qmp, runtime.xml);
  }

  /** One sample of every guest whose QEMU is up. */
  async stats(): Promise<Record<string, GuestStats>> {
    return (await this.collector.collect(this.statsSources())).guests;
  }

  /** Why an accelerator that opens may still not run guests here, from what its guests showed. */
  acceleratorCaution(accelerator: string): string | undefined {
    return this.observations.caution(accelerator);
  }

  capabilities(): Promise<HostCapabilities> {
    return this.options.capabilities();
  }

  /** The command line of a saved definition, as it would start now. */
  commandLine(name: string): Promise<CommandLine> {
    const guest = this.require(name);
    if (guest.problem) return Promise.reject(brokenError(guest));
    return this.commandLineOf(guest.xml);
  }

  commandLineOf(xml: string): Promise<CommandLine> {
    return previewCommandLine(xml, this.options.capabilities, this.stateDir, this.hostPassthrough);
  }

  validate(xml: string): Promise<ValidateResult> {
    return validateForHost(xml, this.options.capabilities, this.stateDir, this.hostPassthrough);
  }

  /** Lets go of monitors and consoles; the guests themselves keep running. */
  async close(): Promise<void> {
    this.lifeWatcher.close();
    this.processes.close();
    for (const guest of this.guests.values()) guest.runtime?.release(1001, 'the server is stopping');
    await Promise.all([...this.guests.values()].flatMap((g) => [g.status.flush(), g.events.flush()]));
  }

  private statsSources(): StatsSource[] {
    const sources: StatsSource[] = [];
    for (const guest of this.guests.values()) {
      const runtime = guest.runtime;
      if (!runtime || runtime.phase !== 'active' || runtime.process.gone) continue;
      const source: StatsSource = {
        name: guest.name,
        pid: runtime.pid,
        memoryKiB: runtime.facts.memoryKiB,
        balloon: runtime.facts.balloon,
        interfaces: runtime.facts.interfaces,
      };
      if (runtime.qmp?.state === 'running') source.qmp = runtime.qmp;
      sources.push(source);
    }
    return sources;
  }

  /**
   * `locked` for a change to a running guest, refused at once while its watchdog's dump is
   * written: the dump holds the guest's turn until it is done, so the change would wait for
   * it and then find the guest running again. libvirt's dump job likewise lets through only
   * queries and destroy (the others time out on its state change lock); Force off still works.
   */
  private async changing(name: string, done: string, task: (guest: Guest) => Promise<void>): Promise<DomainSummary> {
    if (this.require(name).runtime?.dumping) {
      throw new VirtdeckError('conflict', `'${name}' is paused while its watchdog's memory dump is written; it runs on when the dump is done, and can be ${done} then (Force off works now)`);
    }
    return this.locked(name, task);
  }

  /**
   * Runs `task` in the guest's turn and answers with the guest's summary afterwards, once its
   * status file has it: a server killed right after the answer finds the state it answered
   * (a Pause answered before its status landed came back as paused (reconnected), not (user)).
   */
  private locked(name: string, task: (guest: Guest) => Promise<void>): Promise<DomainSummary> {
    return this.locks.run(name, async () => {
      const guest = this.require(name);
      await task(guest);
      await guest.status.flush();
      return toSummary(guest);
    });
  }

  private require(name: string): Guest {
    const problem = guestNameProblem(name);
    if (problem) throw new VirtdeckError('invalid-request', `Invalid guest name: ${problem}`);
    const guest = this.guests.get(name);
    if (!guest) throw new VirtdeckError('not-found', `No guest named '${name}'`);
    return guest;
  }
}

function brokenError(guest: Guest): VirtdeckError {
  return new VirtdeckError('conflict', `'${guest.name}' is broken: ${guest.problem ?? ''}. Save a definition in its place, or delete it`);
}
