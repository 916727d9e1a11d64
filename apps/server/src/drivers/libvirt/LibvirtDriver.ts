import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { buildArgv, formatCommandLine, type HostCapabilities, type QemuDiagnostic } from '@virtdeck/qemu';
import { applyEdits, capDiagnostics, firstChild, guestCondition, insertChildEdit, isAllowed, isValidDocument, validateDomain } from '@virtdeck/schema';
import type { Logger } from 'pino';
import type { CloneRequest, CommandLine, DefinitionVersion, DomainSummary, GuestAction, GuestStats, LifecycleEvent, SnapshotRequest, SnapshotSummary, ValidateResult } from '../../api.js';
import { moveLog, readLogTail } from '../../console/SerialLog.js';
import { SCROLLBACK_BYTES } from '../../console/SerialConsole.js';
import { describeError, VirtdeckError } from '../../errors.js';
import { DefinitionHistory } from '../../guests/DefinitionHistory.js';
import { changedMeanwhile, checkDefinition, type CheckedDefinition } from '../../guests/definitions.js';
import { assertGuestName } from '../../guests/guestName.js';
import { parseDefinition } from '../../guests/guestRecord.js';
import { KeyedMutex } from '../../guests/KeyedMutex.js';
import { hostDiagnostics } from '../../guests/qemuCommand.js';
import { readQemuLog } from '../../guests/qemuLog.js';
import type { HostEntry } from '../../hosts/hostConfig.js';
import { parseDeviceXml, type DeviceSelector, type DeviceTargets } from '../../devices/deviceXml.js';
import type { ActionOptions, DefineOptions, Driver, DriverEvents, GraphicsEndpoint, HostConnection, SerialEndpoint } from '../Driver.js';
import { ConsoleFollower } from './ConsoleFollower.js';
import { EventBatches } from './eventBatches.js';
import { libvirtGraphics } from './libvirtGraphics.js';
import { splitCommandLine } from './nativeArgv.js';
import { qemuLogFile } from './qemuLogFile.js';
import { isActiveDomain, lifecycleEventOf, parseCapabilities, parseDomInfo, parseDomState, parseDomStats, parseEventLine, parseNames, toGuestStats, type VirshEvent } from './parseVirsh.js';
import { KEEPALIVE_ARGS, virsh, virshEnvironment, VirshError, virshWithFile } from './virsh.js';
import { VirshSession } from './virshSession.js';

/** How many lifecycle events of a guest are kept for its page. */
const MAX_EVENTS = 200;
/** Waits between attempts to reach a lost host, growing up to the last. */
const RETRY_DELAYS_MS = [500, 1000, 2000, 5000];
/** How long after starting `virsh event` the guests are read a second time. */
const SETTLE_MS = 3000;
/** Reads of different guests at once, so a host with many guests is read quickly without flooding it. */
const READ_CONCURRENCY = 8;
/** How long a live migration may take: a big guest's memory over a slow link. */
const MIGRATION_TIMEOUT_MS = 30 * 60_000;

export interface LibvirtDriverOptions {
  logger: Logger;
  /** Where the serial logs of this host's guests are kept (under the state directory). */
  dataDir: string;
}

interface LibvirtGuest {
  summary: DomainSummary;
  /** The saved definition as last read, and since when virtdeck has seen it. */
  xml: string;
  xmlSeenAt: Date;
  /** Whether it has `<nvram>` (UEFI variables), which undefine must remove as well. */
  nvram: boolean;
  /** Its interfaces' types, in order: domstats names no host device for a user-mode one. */
  interfaceTypes: string[];
  events: LifecycleEvent[];
  console?: ConsoleFollower;
  serialLog: string;
}

/**
 * The libvirt driver: one libvirt URI (`qemu:///system`, `qemu+ssh://user@host/system`)
 * through libvirt's own tools. A command that changes something is a `virsh --connect URI …`
 * of its own (virsh.ts), one that only reads goes to the host's long-lived virsh
 * (virshSession.ts); what changes on the host comes
 * from one long-running `virsh event --all --loop --timestamp`, and after every start of it
 * every guest is read again, so nothing that happened while it was down is missed. When the
 * connection fails the host shows as lost (its guests keep their last known state) and the
 * driver keeps trying to reach it. A lifecycle event means "read this guest again": the
 * summary is always libvirt's truth, never patched.
 */
export class LibvirtDriver extends EventEmitter<DriverEvents> implements Driver {
  readonly kind = 'libvirt';
  readonly uri: string;
  private readonly guests = new Map<string, LibvirtGuest>();
  private readonly locks = new KeyedMutex();
  /** Events no read of their guest has answered yet. */
  private readonly batches = new EventBatches<VirshEvent>();
  /** The host's long-lived virsh for commands that only read. */
  private readonly session: VirshSession;
  private state: HostConnection = { state: 'connecting' };
  private eventProcess: ChildProcess | undefined;
  private closed = false;
  /** Cuts the waits of the follow loop short when the driver is closed. */
  private readonly closing = new AbortController();
  private readonly loop: Promise<void>;
  private lastStats: { at: bigint; cpu: Map<string, number> } | undefined;
  /** What the host can run, read once per connection (validation asks on every pause in typing). */
  private capabilitiesRead: Promise<HostCapabilities> | undefined;
  /** Every definition a guest had before a change virtdeck saw (its own saves and `virsh define` from outside). */
  private readonly versions: DefinitionHistory;

  constructor(
    entry: HostEntry,
    private readonly options: LibvirtDriverOptions,
  ) {
    super();
    this.uri = entry.uri;
    this.session = new VirshSession(entry.uri);
    this.versions = new DefinitionHistory(options.dataDir);
    this.loop = this.follow().catch((error: unknown) => {
      this.setConnection({ state: 'lost', error: `virtdeck stopped following this host: ${describeError(error)}` });
    });
  }

  connection(): HostConnection {
    return this.state;
  }

  list(): DomainSummary[] {
    return [...this.guests.values()].map((g) => g.summary).sort((a, b) => a.name.localeCompare(b.name));
  }

  get(name: string): DomainSummary {
    return this.require(name).summary;
  }

  async definition(name: string, { running = false } = {}): Promise<string> {
    this.require(name);
    return this.read(['dumpxml', '--domain', name, ...(running ? [] : ['--inactive'])]);
  }

  events(name: string): LifecycleEvent[] {
    return [...this.require(name).events];
  }

  /** QEMU's log as the libvirtd serving this URI wrote it (qemuLogFile.ts): its end, as an embedded guest's is shown. */
  async qemuLog(name: string): Promise<string> {
    this.require(name);
    return readQemuLog(await qemuLogFile(this.uri, name));
  }

  /** `virsh define --validate`: libvirt checks the definition against its own schema, too. */
  async define(xml: string, { create, name: expectedName, unchanged }: DefineOptions): Promise<DomainSummary> {
    const checked = checkDefinition(xml);
    const { name } = checked;
    if (!create && expectedName !== undefined && expectedName !== name) return this.renameTo(expectedName, checked);
    return this.locks.run(name, async () => {
      const existing = this.guests.get(name);
      if (create && existing) throw new VirtdeckError('conflict', `A guest named '${name}' already exists on this host`);
      if (!create && !existing) throw new VirtdeckError('not-found', `No guest named '${name}' on this host`);
      if (unchanged !== undefined && existing?.xml !== unchanged) throw changedMeanwhile(name);
      await this.guard(virshWithFile(this.uri, keepingUuid(checked, existing), (file) => ['define', '--validate', file]));
      return this.readGuest(name);
    });
  }

  /** Saved under a new name: `virsh domrename` (libvirt renames shut-off guests only), then the save. */
  private renameTo(from: string, checked: CheckedDefinition): Promise<DomainSummary> {
    const { name } = checked;
    const [first, second] = [from, name].sort();
    return this.locks.run(first as string, () => this.locks.run(second as string, async () => {
      const guest = this.require(from);
      if (!isAllowed('rename', guestCondition(guest.summary))) throw new VirtdeckError('conflict', `'${from}' is ${guest.summary.state}; a guest is renamed when it is shut off (as virsh domrename does)`);
      if (this.guests.has(name)) throw new VirtdeckError('conflict', `A guest named '${name}' already exists on this host`);
      await this.run(['domrename', '--domain', from, '--new-name', name]);
      await this.versions.move(from, name);
      // The guest is read afresh under its new name, so what this save replaces is kept here.
      await this.versions.keep(name, guest.xml, guest.xmlSeenAt);
      this.forget(from, name);
      // Its console log and its lifecycle events go with it, as an embedded guest's run folder does.
      await moveLog(guest.serialLog, this.serialLogOf(name));
      await this.guard(virshWithFile(this.uri, keepingUuid(checked, guest), (file) => ['define', '--validate', file]));
      const summary = await this.readGuest(name);
      this.guests.get(name)?.events.unshift(...guest.events);
      return summary;
    }));
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
      // virsh undefine would make an active guest (a crashed one kept included) transient, not delete it.
      if (!isAllowed('delete', guestCondition(guest.summary))) {
        throw new VirtdeckError('conflict', `'${name}' is ${guest.summary.state}; force it off before deleting it`);
      }
      await this.run(['undefine', '--domain', name, ...(guest.nvram ? ['--nvram'] : [])]);
      await this.versions.remove(name);
      this.forget(name);
    });
  }

  setAutostart(name: string, autostart: boolean): Promise<DomainSummary> {
    return this.locks.run(name, async () => {
      this.require(name);
      await this.run(['autostart', '--domain', name, ...(autostart ? [] : ['--disable'])]);
      return this.readGuest(name);
    });
  }

  act(name: string, action: GuestAction, options: ActionOptions = {}): Promise<DomainSummary> {
    return this.locks.run(name, async () => {
      this.require(name);
      // virsh's commands are named as the actions are.
      await this.run([action, '--domain', name]);
      if (action === 'shutdown' && options.escalateAfterMs !== undefined) this.escalate(name, options.escalateAfterMs);
      return this.readGuest(name);
    });
  }

  /**
   * Live migration of a running guest to another libvirt host: `virsh migrate --live --p2p
   * --persistent --undefinesource`, so this host's libvirtd talks to the target's itself
   * (`targetUri` is the target as this host's libvirtd reaches it), and the guest is defined
   * there and no longer here. In the guest's turn, so no other change of it runs meanwhile.
   * When libvirt fails, the guest is still running here (libvirt resumes it): it is read
   * again so its summary is libvirt's, and the VirshError says what libvirt said.
   */
  migrate(name: string, targetUri: string): Promise<void> {
    return this.locks.run(name, async () => {
      const guest = this.require(name);
      if (guest.summary.state !== 'running' && guest.summary.state !== 'paused') {
        throw new VirtdeckError('conflict', `'${name}' is ${guest.summary.state}: live migration moves a running guest; a shut-off one is moved without live`);
      }
      try {
        await virsh(this.uri, ['migrate', '--live', '--p2p', '--persistent', '--undefinesource', '--domain', name, '--desturi', targetUri], { timeoutMs: MIGRATION_TIMEOUT_MS });
      } catch (error) {
        await this.readGuest(name).catch(() => undefined);
        throw error;
      }
      // Gone from here now; the 'undefined' event that follows finds nothing left to forget.
      this.forget(name);
    });
  }

  /** Reads one guest anew, in its turn: one that came from elsewhere (a migration) is listed at once. */
  refresh(name: string): Promise<DomainSummary> {
    assertGuestName(name);
    return this.locks.run(name, () => this.readGuest(name));
  }

  /** The live console of a running guest (`virsh console` in a pty), and what any guest printed last. */
  serialConsole(name: string): SerialEndpoint {
    const guest = this.require(name);
    const endpoint: SerialEndpoint = { scrollback: () => readLogTail(guest.serialLog, SCROLLBACK_BYTES) };
    const heldElsewhere = guest.console?.heldNotice();
    if (heldElsewhere) endpoint.heldElsewhere = heldElsewhere;
    else if (guest.console?.live) endpoint.live = guest.console.live;
    return endpoint;
  }

  /** Takes a running guest's serial console from the client that holds it (`virsh console --force`), as a person asked. */
  takeOverConsole(name: string): void {
    const guest = this.require(name);
    if (!guest.summary.active || !guest.console) throw new VirtdeckError('conflict', `'${name}' is not running (${guest.summary.state})`);
    guest.console.takeOver();
  }

  attachDevice(name: string, xml: string, targets: DeviceTargets): Promise<DomainSummary> {
    const device = parseDeviceXml(xml);
    return this.changeDevice(name, () => this.guard(virshWithFile(this.uri, device.text, (file) => ['attach-device', '--domain', name, '--file', file, ...virshTargets(targets)])));
  }

  detachDevice(name: string, selector: DeviceSelector, targets: DeviceTargets): Promise<DomainSummary> {
    return this.changeDevice(name, async () => {
      const flags = virshTargets(targets);
      if ('target' in selector) return this.run(['detach-disk', '--domain', name, '--target', selector.target, ...flags]);
      if ('alias' in selector) return this.run(['detach-device-alias', '--domain', name, '--alias', selector.alias, ...flags]);
      // virsh finds an interface by its type and MAC; the type is the definition's.
      const xml = await this.read(['dumpxml', '--domain', name, ...(targets.config && !targets.live ? ['--inactive'] : [])]);
      const iface = validateDomain(xml).domain?.devices.interfaces.find((i) => i.mac?.toLowerCase() === selector.mac.toLowerCase());
      if (!iface) throw new VirtdeckError('not-found', `'${name}' has no interface with MAC ${selector.mac}`);
      return this.run(['detach-interface', '--domain', name, '--type', iface.type, '--mac', selector.mac, ...flags]);
    });
  }

  changeMedia(name: string, target: string, file: string | null, targets: DeviceTargets): Promise<DomainSummary> {
    return this.changeDevice(name, () => this.run(['change-media', '--domain', name, '--path', target, ...(file === null ? ['--eject'] : ['--source', file, '--update']), '--force', ...virshTargets(targets)]));
  }

  private changeDevice(name: string, change: () => Promise<string>): Promise<DomainSummary> {
    return this.locks.run(name, async () => {
      this.require(name);
      await change();
      return this.readGuest(name);
    });
  }

  /** The display as the running guest's live definition has it (with its password: `--security-info`). */
  async graphicsConsole(name: string): Promise<GraphicsEndpoint> {
    const guest = this.require(name);
    if (!guest.summary.active) throw new VirtdeckError('conflict', `'${name}' is not running (${guest.summary.state})`);
    return libvirtGraphics(this.uri, name, await this.read(['dumpxml', '--domain', name, '--security-info']));
  }

  snapshots(name: string): Promise<SnapshotSummary[]> {
    return this.notYet(name, 'snapshots', `virsh --connect ${this.uri} snapshot-list ${name}`);
  }

  snapshotXml(name: string, snapshot: string): Promise<string> {
    return this.notYet(name, 'snapshots', `virsh --connect ${this.uri} snapshot-dumpxml ${name} ${snapshot}`);
  }

  createSnapshot(name: string, request: SnapshotRequest): Promise<SnapshotSummary> {
    return this.notYet(name, 'snapshots', `virsh --connect ${this.uri} snapshot-create-as ${name} ${request.name}`);
  }

  revertSnapshot(name: string, snapshot: string): Promise<DomainSummary> {
    return this.notYet(name, 'snapshots', `virsh --connect ${this.uri} snapshot-revert ${name} ${snapshot}`);
  }

  deleteSnapshot(name: string, snapshot: string): Promise<void> {
    return this.notYet(name, 'snapshots', `virsh --connect ${this.uri} snapshot-delete ${name} ${snapshot}`);
  }

  clone(name: string, request: CloneRequest): Promise<DomainSummary> {
    return this.notYet(name, 'clones', `virt-clone --connect ${this.uri} --original ${name} --name ${request.name}`);
  }

  /** What virtdeck does not do on libvirt hosts yet: a 501 that says what to run instead. */
  private notYet(name: string, what: string, instead: string): Promise<never> {
    this.require(name);
    return Promise.reject(new VirtdeckError('not-implemented', `virtdeck does not yet make ${what} of guests on libvirt hosts; use ${instead}`));
  }

  /**
   * One `virsh domstats` for all the active guests of the host (paused ones and crashed ones
   * kept by on_crash too: their QEMU still answers), not one call per guest; CPU use from
   * the previous sample. The time of a sample is when virsh answered, so a slow
   * (remote) answer shifts the window, not the figure.
   */
  async stats(): Promise<Record<string, GuestStats>> {
    if (this.state.state !== 'connected') return {};
    const output = await this.read(['domstats', '--list-active', '--cpu-total', '--balloon', '--block', '--interface']);
    const at = process.hrtime.bigint();
    const previous = this.lastStats;
    const elapsedNs = previous ? Number(at - previous.at) : 0;
    const result: Record<string, GuestStats> = {};
    const cpu = new Map<string, number>();
    for (const [name, values] of parseDomStats(output)) {
      const sample = toGuestStats(values, elapsedNs, previous?.cpu.get(name), this.guests.get(name)?.interfaceTypes);
      result[name] = sample;
      cpu.set(name, sample.cpuTimeNs);
    }
    this.lastStats = { at, cpu };
    return result;
  }

  /**
   * `virsh capabilities`, `domcapabilities` and `version` of THIS host, read once per
   * connection: the editor's checks and the accelerator form ask often, and over SSH each
   * read is three round trips. A new connection (libvirtd restarted, perhaps upgraded) reads
   * them again; while the host is lost the last ones known still answer, so its guests'
   * definitions can still be checked. A failed read is not kept.
   */
  capabilities(): Promise<HostCapabilities> {
    if (this.capabilitiesRead) return this.capabilitiesRead;
    const read = Promise.all([this.read(['capabilities']), this.read(['domcapabilities']), this.read(['version'])]).then(([caps, domCaps, version]) => parseCapabilities(caps, domCaps, version));
    this.capabilitiesRead = read;
    read.catch(() => {
      if (this.capabilitiesRead === read) this.capabilitiesRead = undefined;
    });
    return read;
  }

  /** `virsh domxml-to-native`: libvirt's own command line for a saved definition. */
  async commandLine(name: string): Promise<CommandLine> {
    this.require(name);
    return this.nativeCommandLine(await this.definition(name), ['domxml-to-native', 'qemu-argv', '--domain', name]);
  }

  async commandLineOf(xml: string): Promise<CommandLine> {
    const { valid, diagnostics } = validateDomain(xml);
    if (!valid) throw new VirtdeckError('invalid-xml', 'The definition has errors', { diagnostics });
    return this.nativeCommandLine(xml);
  }

  /** Document diagnostics, and the checks against this host's capabilities (its files are on the host and not looked at). */
  async validate(xml: string): Promise<ValidateResult> {
    const { domain, diagnostics, valid } = validateDomain(xml);
    if (!domain || !valid) return { valid, startable: false, diagnostics };
    const all: QemuDiagnostic[] = [...diagnostics, ...hostDiagnostics(domain, await this.capabilities())];
    const verdict = { valid: isValidDocument(all), startable: !all.some((d) => d.severity === 'error') };
    capDiagnostics(all);
    return { ...verdict, diagnostics: all };
  }

  /** Stops following the host; its guests are untouched. */
  async close(): Promise<void> {
    this.closed = true;
    this.closing.abort();
    this.eventProcess?.kill('SIGTERM');
    this.session.close();
    for (const guest of this.guests.values()) guest.console?.stop(1001, 'the server is stopping');
    await this.loop;
  }

  /**
   * libvirt's own command line where the host gives it; where libvirt refuses the definition
   * (a network or pool it does not have, …) virtdeck's builder makes one from the host's
   * capabilities, labelled so, with libvirt's reason. A lost connection is an error, as ever.
   */
  private async nativeCommandLine(xml: string, args?: string[]): Promise<CommandLine> {
    const native = (args ? this.run(args) : this.guard(virshWithFile(this.uri, xml, (file) => ['domxml-to-native', 'qemu-argv', file]))).then(
      (output) => ({ output }),
      (error: unknown) => {
        const refusal = error instanceof VirtdeckError && error.cause instanceof VirshError && error.cause.connection === undefined ? error.cause : undefined;
        if (!refusal) throw error;
        return { refusal };
      },
    );
    const { domain } = validateDomain(xml);
    const [result, caps] = await Promise.all([native, this.capabilities()]);
    const built = domain ? buildArgv(domain, caps, undefined, { now: Date.now() }) : { argv: [], diagnostics: [] };
    const startable = !built.diagnostics.some((d) => d.severity === 'error');
    if ('refusal' in result) {
      const note = `libvirt could not give its own command line: ${result.refusal.message}`;
      return { argv: built.argv, line: formatCommandLine(built.argv), builtBy: 'virtdeck', note, startable, diagnostics: built.diagnostics };
    }
    const argv = splitCommandLine(result.output);
    return { argv, line: formatCommandLine(argv), builtBy: 'libvirt', startable, diagnostics: built.diagnostics };
  }

  /**
   * The driver's life: start following events, read every guest, and when the event stream
   * ends (the connection broke, libvirtd restarted) do it all again; while the host cannot
   * be reached it is `lost` (or `auth-failed`) and tried again, ever less often.
   */
  private async follow(): Promise<void> {
    await mkdir(this.options.dataDir, { recursive: true, mode: 0o700 });
    let failures = 0;
    while (!this.closed) {
      const events = this.followEvents();
      try {
        await this.readAll();
        failures = 0;
        this.setConnection({ state: 'connected' });
        // virsh event gives no sign of when its callbacks are in place: read everything once
        // more after it has been up a moment, so a change made meanwhile is not missed.
        const settled = await Promise.race([events.ended.then(() => false), this.pause(SETTLE_MS).then(() => true)]);
        if (settled && !this.closed) await this.readAll();
        await events.ended;
        if (!this.closed) this.options.logger.info({ uri: this.uri }, 'the libvirt event stream ended; reading every guest again');
      } catch (error) {
        events.stop();
        await events.ended;
        if (this.closed) break;
        // A failed command has set the state already when the connection was its cause.
        if (error instanceof VirshError) this.setConnection({ state: error.connection ?? 'lost', error: error.message });
        else if (this.state.state === 'connected' || this.state.state === 'connecting') this.setConnection({ state: 'lost', error: describeError(error) });
        await this.pause(RETRY_DELAYS_MS[Math.min(failures++, RETRY_DELAYS_MS.length - 1)] ?? 5000);
      }
    }
  }

  /** Waits, or less when the driver is closed meanwhile. */
  private pause(ms: number): Promise<void> {
    return delay(ms, undefined, { signal: this.closing.signal }).catch(() => undefined);
  }

  /** One `virsh event --all --loop --timestamp`: each event re-reads its guest (in the guest's turn). */
  private followEvents(): { ended: Promise<void>; stop: () => void } {
    const child = spawn('virsh', [...KEEPALIVE_ARGS, '--connect', this.uri, 'event', '--all', '--loop', '--timestamp'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: virshEnvironment(),
    });
    this.eventProcess = child;
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      stderr = (stderr + text).slice(-4096);
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      const event = parseEventLine(line);
      if (event) this.onEvent(event);
    });
    const ended = new Promise<void>((resolve) => {
      child.on('close', () => {
        if (stderr.trim()) this.options.logger.debug({ uri: this.uri, stderr: stderr.trim() }, 'virsh event ended');
        resolve();
      });
      child.on('error', () => resolve());
    });
    return { ended, stop: () => child.kill('SIGTERM') };
  }

  /**
   * An event means "read this guest again". Events that come while a read of the guest is
   * queued join that read (EventBatches), and a read that begins for another reason (an
   * action's, every guest's) answers the events waiting, so a start's three events cost one
   * read, not three in a row. An undefined guest is forgotten in its turn; events after that
   * wait for a read of their own.
   */
  private onEvent(event: VirshEvent): void {
    const name = event.name;
    if (lifecycleEventOf(event) === 'undefined') {
      this.batches.seal(name);
      void this.locks.run(name, async () => {
        this.batches.lift(name);
        if (this.guests.has(name)) this.forget(name);
      });
      return;
    }
    const batch = this.batches.add(name, event);
    if (!batch) return;
    this.locks
      .run(name, async () => {
        const events = this.batches.takeBatch(name, batch);
        // Answered already by a read that began after they came.
        if (events.length > 0) await this.readGuest(name, events);
      })
      .catch((error: unknown) => {
        if ((error as VirtdeckError).code === 'not-found') {
          if (this.guests.has(name)) this.forget(name);
          return;
        }
        this.options.logger.warn({ uri: this.uri, name, err: describeError(error) }, 'reading a guest after an event failed');
      });
  }

  /** Reads every guest: new ones appear, vanished ones go, the others get libvirt's current state. */
  private async readAll(): Promise<void> {
    const names = parseNames(await this.session.run(['list', '--all', '--name']));
    for (const name of [...this.guests.keys()]) if (!names.includes(name)) this.forget(name);
    const queue = [...names];
    const worker = async () => {
      for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
        const current = name;
        await this.locks.run(current, () => this.readGuest(current)).catch((error: unknown) => {
          if (error instanceof VirtdeckError && error.code === 'not-found') return;
          throw error;
        });
      }
    };
    await Promise.all(Array.from({ length: READ_CONCURRENCY }, worker));
  }

  /**
   * Reads one guest's definition, state and autostart from libvirt, announces its new
   * summary when anything changed and records the events it answers: `events`, and those
   * that came before it began and no read took yet (each event is recorded once, however
   * many reads there are). Runs in the guest's turn.
   */
  private async readGuest(name: string, events: VirshEvent[] = []): Promise<DomainSummary> {
    events.push(...this.batches.take(name));
    const event = events.at(-1);
    const [xml, stateText, infoText] = await Promise.all([
      this.read(['dumpxml', '--domain', name, '--inactive']),
      this.read(['domstate', '--domain', name, '--reason']),
      this.read(['dominfo', '--domain', name]),
    ]);
    const { facts } = parseDefinition(xml);
    const { state, reason } = parseDomState(stateText);
    const info = parseDomInfo(infoText);
    const existing = this.guests.get(name);
    const previous = existing?.summary;
    const summary: DomainSummary = {
      name,
      state,
      reason,
      accelerator: facts.accelerator,
      vcpus: facts.vcpus,
      memoryKiB: facts.memoryKiB,
      active: isActiveDomain(info),
      since: previous && previous.state === state && previous.reason === reason ? previous.since : (event?.timestamp ?? new Date().toISOString()),
      autostart: info.Autostart === 'enable',
      pendingChanges: false,
      tags: facts.tags,
    };
    if (facts.title) summary.title = facts.title;
    if (facts.description) summary.description = facts.description;
    if (facts.display) summary.display = facts.display;
    const guest: LibvirtGuest = existing ?? { summary, xml, xmlSeenAt: new Date(), nvram: false, interfaceTypes: [], events: [], serialLog: this.serialLogOf(name) };
    if (guest.xml !== xml) {
      await this.versions.keep(name, guest.xml, guest.xmlSeenAt);
      guest.xml = xml;
      guest.xmlSeenAt = new Date();
    }
    guest.summary = summary;
    guest.nvram = /<nvram[\s>/]/.test(xml);
    guest.interfaceTypes = facts.interfaces.map((nic) => nic.type);
    this.guests.set(name, guest);
    if (JSON.stringify(previous) !== JSON.stringify(summary)) this.emit('guest', summary);
    for (const answered of events) {
      const happened = lifecycleEventOf(answered);
      if (happened) this.record(guest, happened, answered.detail, answered.timestamp);
    }
    this.followConsole(guest);
    return summary;
  }

  /**
   * An active guest's console (running, paused, or crashed and kept) is read from the moment
   * it is seen active, so the log and the scrollback miss nothing; it is there at once
   * (synchronously), so a viewer who connects right after a start gets the live console.
   */
  private followConsole(guest: LibvirtGuest): void {
    if (this.closed) return;
    const name = guest.summary.name;
    guest.console ??= new ConsoleFollower({
      uri: this.uri,
      name,
      logPath: guest.serialLog,
      wanted: () => !this.closed && this.guests.get(name) === guest && guest.summary.active,
      onLogError: (message) => this.options.logger.warn({ uri: this.uri, name }, message),
      onHolderChange: (heldElsewhere) => this.options.logger.info({ uri: this.uri, name, heldElsewhere }, heldElsewhere ? 'another client holds the serial console' : 'virtdeck has the serial console'),
    });
    guest.console.follow();
  }

  private escalate(name: string, afterMs: number): void {
    setTimeout(() => {
      const guest = this.guests.get(name);
      if (!guest?.summary.active || this.closed) return;
      this.act(name, 'destroy').catch((error: unknown) => this.options.logger.warn({ uri: this.uri, name, err: describeError(error) }, 'escalating a shutdown failed'));
    }, afterMs).unref();
  }

  private forget(name: string, renamedTo?: string): void {
    const guest = this.guests.get(name);
    if (!guest) return;
    this.guests.delete(name);
    guest.console?.stop();
    this.emit('removed', name, renamedTo);
    this.emit('lifecycle', { name, event: 'undefined', state: 'shutoff', reason: guest.summary.reason, timestamp: new Date().toISOString() });
  }

  private record(guest: LibvirtGuest, event: LifecycleEvent['event'], detail?: string, timestamp = new Date().toISOString()): void {
    const entry: LifecycleEvent = { name: guest.summary.name, event, state: guest.summary.state, reason: guest.summary.reason, timestamp };
    if (detail) entry.detail = detail;
    guest.events.push(entry);
    if (guest.events.length > MAX_EVENTS) guest.events.splice(0, guest.events.length - MAX_EVENTS);
    this.emit('lifecycle', entry);
  }

  private setConnection(next: HostConnection): void {
    if (this.state.state === next.state && this.state.error === next.error) return;
    if (next.state !== 'connected') this.options.logger.warn({ uri: this.uri, state: next.state, error: next.error }, 'libvirt host not reachable');
    // Connected again: the host may have changed meanwhile (libvirt or QEMU upgraded), so its capabilities are read anew.
    if (next.state === 'connected') this.capabilitiesRead = undefined;
    this.state = next;
    this.emit('connection', next);
  }

  /** A virsh command; a failure becomes the project's error, and a broken connection shows at once. */
  private run(args: string[]): Promise<string> {
    return this.guard(virsh(this.uri, args));
  }

  /** A command that only reads, in the host's virsh session (VirshSession), as run() otherwise. */
  private read(args: string[]): Promise<string> {
    return this.guard(this.session.run(args));
  }

  private async guard(command: Promise<string>): Promise<string> {
    try {
      return await command;
    } catch (error) {
      if (!(error instanceof VirshError)) throw error;
      if (error.connection) this.setConnection({ state: error.connection, error: error.message });
      throw error.toVirtdeckError();
    }
  }

  /** Where virtdeck keeps what a guest of this host printed on its serial console. */
  private serialLogOf(name: string): string {
    return path.join(this.options.dataDir, `${name}.serial.log`);
  }

  private require(name: string): LibvirtGuest {
    assertGuestName(name);
    const guest = this.guests.get(name);
    if (!guest) throw new VirtdeckError('not-found', `No guest named '${name}' on ${this.uri}`);
    return guest;
  }
}

/** The definition to save: one without `<uuid>` gets the guest's own, or libvirt would take it for another guest of that name. */
function keepingUuid({ xml, document, domain }: CheckedDefinition, existing: { xml: string } | undefined): string {
  const uuid = existing && parseDefinition(existing.xml).facts.uuid;
  if (domain.uuid !== undefined || !uuid) return xml;
  const name = firstChild(domain.node, 'name');
  return applyEdits(xml, [insertChildEdit(document, domain.node, `<uuid>${uuid}</uuid>`, name ? { after: name } : { first: true })]);
}

/** libvirt's flags for where a device change applies; neither is virsh's --current. */
function virshTargets(targets: DeviceTargets): string[] {
  const flags = [...(targets.live ? ['--live'] : []), ...(targets.config ? ['--config'] : [])];
  return flags.length > 0 ? flags : ['--current'];
}
