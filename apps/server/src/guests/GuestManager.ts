import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { HostCapabilities } from '@virtdeck/qemu';
import { QmpClient, type QmpEvent, type StatusInfo } from '@virtdeck/qmp';
import { applyEdits, firstChild, validateDomain, type Diagnostic, type Domain } from '@virtdeck/schema';
import type { Logger } from 'pino';
import {
  type ValidateResult,
  type GuestAction,
  type GuestState,
  type GuestSummary,
  type LifecycleEvent,
  type LifecycleEventName,
  type StateReason,
} from '../api.js';
import { readLogTail, SerialLog } from '../console/SerialLog.js';
import { SCROLLBACK_BYTES, SerialConsole } from '../console/SerialConsole.js';
import { describeError, toVirtdeckError, VirtdeckError } from '../errors.js';
import type { StatsSource } from '../stats/StatsCollector.js';
import { DefinitionStore, type StoreFs } from './DefinitionStore.js';
import { definitionDefaults, randomMac } from './definitionDefaults.js';
import { domainFacts, type DomainFacts } from './domainFacts.js';
import { EventLog } from './EventLog.js';
import { guestNameProblem } from './guestName.js';
import { GuestRuntime } from './GuestRuntime.js';
import { KeyedMutex } from './KeyedMutex.js';
import { DEFAULT_LIFECYCLE_ACTIONS, onQmpEvent, stateFromRunState, type FollowUp } from './lifecycle.js';
import { buildFailureCode, commandLineFor, hostDiagnostics } from './qemuCommand.js';
import { isOurQemu, processStartTime, tailOf, terminate, watchPid, type ProcessExit } from './qemuProcess.js';
import { listRunDirs, RunDir } from './RunDir.js';
import { startGuest } from './startGuest.js';
import { currentBootId, readStatus, StatusWriter, type GuestStatus } from './statusFile.js';

export interface GuestManagerOptions {
  stateDir: string;
  logger: Logger;
  capabilities: () => Promise<HostCapabilities>;
  /** Launch → QMP greeting, at start. Default 15 s (a loaded host under TCG is slow). */
  monitorTimeoutMs?: number;
  /** One QMP command. Default 10 s. */
  commandTimeoutMs?: number;
  /** Connecting to a running guest's monitor after a server restart. Default 5 s. */
  reconnectTimeoutMs?: number;
  /** Rotation size of each guest's serial log. Default 1 MiB. */
  serialLogMaxBytes?: number;
  /** The file operations of the definition store (tests hand in one that fails). */
  storeFs?: StoreFs;
}

interface GuestManagerEvents {
  guest: [GuestSummary];
  removed: [string];
  lifecycle: [LifecycleEvent];
}

interface Guest {
  name: string;
  /** The saved definition, as on disk. */
  xml: string;
  /** Its model, when it is valid (a start then need not parse it again). */
  domain: Domain | undefined;
  facts: DomainFacts;
  autostart: boolean;
  state: GuestState;
  reason: StateReason;
  since: string;
  error?: string;
  runtime?: GuestRuntime;
  run: RunDir;
  status: StatusWriter;
  events: EventLog;
}

/** How long after a reset from the host a guest reset is SeaBIOS's own (see EventContext.afterHostReset). */
const FIRMWARE_RESET_WINDOW_MS = 3000;

/** What a guest's state must be for each action. */
const ACTION_RULES = {
  shutdown: ['running', 'shutdown'],
  reboot: ['running'],
  reset: ['running', 'paused', 'shutdown', 'crashed'],
  suspend: ['running'],
  resume: ['paused'],
} as const satisfies Record<string, readonly GuestState[]>;

/**
 * Owns the guests: their definitions on disk, their QEMU processes and their state.
 * Every operation on one guest runs under that guest's lock (operations on different guests
 * run in parallel); QMP events change the state at once and queue any follow-up work on
 * the lock. Each state change is announced as the guest's full new summary (`guest`),
 * and each lifecycle event as a `lifecycle` record.
 */
export class GuestManager extends EventEmitter<GuestManagerEvents> {
  private readonly guests = new Map<string, Guest>();
  private readonly locks = new KeyedMutex();
  /** Serializes the identity checks of definitions (UUID and MAC uniqueness) across guests. */
  private readonly identities = new KeyedMutex();
  private readonly store: DefinitionStore;
  private readonly logger: Logger;
  private closed = false;

  constructor(private readonly options: GuestManagerOptions) {
    super();
    this.store = new DefinitionStore(options.stateDir, options.storeFs);
    this.logger = options.logger;
  }

  get stateDir(): string {
    return this.options.stateDir;
  }

  /** Loads the definitions and finds every guest still running from before (see `reconnect`). */
  async init(): Promise<void> {
    await this.store.init();
    const names = await this.store.list();
    for (const name of names) {
      if (guestNameProblem(name)) {
        this.logger.warn({ name }, 'ignoring a definition file whose name is not a usable guest name');
        continue;
      }
      const xml = await this.store.read(name);
      const guest = this.newGuest(name, xml, parseDefinition(xml), await this.store.autostart(name));
      await guest.events.load();
      this.guests.set(name, guest);
    }
    await Promise.all(
      [...this.guests.values()].map((guest) =>
        this.locks.run(guest.name, () => this.reconnect(guest)).catch((error: unknown) => {
          this.logger.error({ name: guest.name, err: error }, 'could not find the guest again');
          guest.error = `Could not find the guest's QEMU again: ${describeError(error)}`;
        }),
      ),
    );
    for (const name of await listRunDirs(this.stateDir)) {
      if (!this.guests.has(name)) this.logger.warn({ name }, 'run folder without a definition; leaving it alone');
    }
  }

  /** Starts every guest marked autostart that is not running (at server start, like libvirtd). */
  async autostart(): Promise<void> {
    const candidates = [...this.guests.values()].filter((g) => g.autostart && !g.runtime);
    const results = await Promise.allSettled(candidates.map((g) => this.start(g.name)));
    results.forEach((result, i) => {
      const guest = candidates[i];
      if (result.status === 'rejected' && guest) {
        this.logger.warn({ name: guest.name, err: result.reason }, 'autostart failed');
        this.record(guest, 'autostart-failed', describeError(result.reason));
      }
    });
  }

  list(): GuestSummary[] {
    return [...this.guests.values()].map(toSummary).sort((a, b) => a.name.localeCompare(b.name));
  }

  get(name: string): GuestSummary {
    return toSummary(this.require(name));
  }

  /** The saved definition, or with `running` the one the running QEMU was started from. */
  definition(name: string, { running = false } = {}): string {
    const guest = this.require(name);
    if (!running) return guest.xml;
    if (!guest.runtime) throw new VirtdeckError('conflict', `'${name}' is not running, so it has no running definition`);
    return guest.runtime.xml;
  }

  events(name: string): LifecycleEvent[] {
    return this.require(name).events.recent();
  }

  /**
   * Saves a definition. `create` refuses an existing name (POST); otherwise the name in
   * the XML must match the guest being redefined (PUT). A running guest keeps running
   * with its old definition; the new one applies at its next start. A missing UUID and
   * missing MAC addresses are filled in, as libvirt does.
   */
  async define(xml: string, { create, name: expectedName }: { create: boolean; name?: string }): Promise<GuestSummary> {
    const { document, domain, diagnostics, valid } = validateDomain(xml);
    if (!valid || !domain) throw new VirtdeckError('invalid-xml', 'The definition has errors', { diagnostics });
    const name = domain.name;
    const problem = guestNameProblem(name);
    if (problem) throw new VirtdeckError('invalid-xml', `Invalid guest name: ${problem}`, { diagnostics: [nameDiagnostic(domain, problem)] });
    if (expectedName !== undefined && expectedName !== name) {
      throw new VirtdeckError('conflict', `The definition names '${name}', not '${expectedName}'; renaming is not supported`);
    }
    // The guest's own lock, then the one all definitions share: UUIDs and MACs must be unique
    // across guests, so checking them and registering the guest cannot interleave with another define.
    return this.locks.run(name, () => this.identities.run('', async () => {
      const existing = this.guests.get(name);
      if (create && existing) throw new VirtdeckError('conflict', `A guest named '${name}' already exists`);
      if (!create && !existing) throw new VirtdeckError('not-found', `No guest named '${name}'`);
      const uuid = this.uuidFor(domain, existing);
      const taken = new Set([...this.guests.values()].flatMap((g) => g.facts.macs));
      const edits = definitionDefaults(document, domain, uuid, () => {
        const mac = randomMac(taken);
        taken.add(mac);
        return mac;
      });
      const text = edits.length > 0 ? applyEdits(xml, edits) : xml;
      const parsed = edits.length > 0 ? parseDefinition(text) : { domain, facts: domainFacts(domain) };
      await this.store.write(name, text);
      const guest = existing ?? this.newGuest(name, text, parsed, false);
      guest.xml = text;
      guest.domain = parsed.domain;
      guest.facts = parsed.facts;
      this.guests.set(name, guest);
      const summary = this.announce(guest);
      this.record(guest, 'defined', existing ? (guest.runtime ? 'redefined; applies at the next start' : 'redefined') : undefined);
      return summary;
    }));
  }

  async undefine(name: string): Promise<void> {
    await this.locks.run(name, async () => {
      const guest = this.require(name);
      if (guest.runtime) throw new VirtdeckError('conflict', `'${name}' is ${guest.state}; force it off before deleting it`);
      await this.store.remove(name);
      await guest.events.close();
      await guest.status.flush();
      await guest.run.remove();
      this.guests.delete(name);
      this.emit('removed', name);
      this.emit('lifecycle', { name, event: 'undefined', state: 'shutoff', reason: guest.reason, timestamp: new Date().toISOString() });
    });
  }

  setAutostart(name: string, autostart: boolean): Promise<GuestSummary> {
    return this.locks.run(name, async () => {
      const guest = this.require(name);
      await this.store.setAutostart(name, autostart);
      guest.autostart = autostart;
      return this.announce(guest);
    });
  }

  act(name: string, action: GuestAction, options: { escalateAfterMs?: number } = {}): Promise<GuestSummary> {
    switch (action) {
      case 'start':
        return this.start(name);
      case 'shutdown':
        return this.shutdown(name, options);
      case 'destroy':
        return this.destroy(name);
      case 'reboot':
        return this.reboot(name);
      case 'reset':
        return this.reset(name);
      case 'suspend':
        return this.suspend(name);
      case 'resume':
        return this.resume(name);
      default: {
        const unknown: never = action;
        throw new VirtdeckError('not-found', `Unknown action '${String(unknown)}'`);
      }
    }
  }

  start(name: string): Promise<GuestSummary> {
    return this.locks.run(name, () => this.startLocked(this.require(name)));
  }

  /**
   * Presses the ACPI power button. The guest is `shutdown` until it powers off (then
   * `shutoff`, reason `shutdown`); one that ignores it can be forced off with destroy, or
   * automatically after `escalateAfterMs`.
   */
  shutdown(name: string, { escalateAfterMs }: { escalateAfterMs?: number } = {}): Promise<GuestSummary> {
    return this.locks.run(name, async () => {
      const guest = this.require(name);
      const { runtime, qmp } = this.controllable(guest, 'shutdown', ACTION_RULES.shutdown);
      await this.command(guest, qmp, 'system_powerdown');
      runtime.shutdownRequested = true;
      if (guest.state === 'running') this.setState(guest, 'shutdown', 'user');
      else this.writeStatus(guest);
      this.record(guest, 'shutdown-requested', escalateAfterMs ? `forced off if still running after ${escalateAfterMs} ms` : undefined);
      if (escalateAfterMs !== undefined) {
        clearTimeout(runtime.escalation);
        runtime.escalation = setTimeout(() => {
          if (guest.runtime !== runtime) return;
          this.destroy(name).catch((error: unknown) => this.logger.warn({ name, err: error }, 'escalating a shutdown failed'));
        }, escalateAfterMs);
        runtime.escalation.unref();
      }
      return toSummary(guest);
    });
  }

  /**
   * Forces the guest off. It does not wait its turn: a start in progress or a shutdown the
   * guest ignores is cut short at once (the process is signalled before the lock is taken,
   * as libvirt's destroy does), then the final state is reported under the lock.
   */
  destroy(name: string): Promise<GuestSummary> {
    const before = this.require(name).runtime;
    if (before) {
      before.stopping ??= 'destroyed';
      void terminate(before.process, 1000);
    }
    return this.locks.run(name, async () => {
      const guest = this.require(name);
      const runtime = guest.runtime;
      if (runtime) {
        runtime.stopping ??= 'destroyed';
        await this.stopProcess(runtime);
      } else if (!before) {
        throw new VirtdeckError('conflict', `'${name}' is not running`);
      }
      return toSummary(guest);
    });
  }

  /** ACPI reboot, as libvirt's default: the power button, and the power-off becomes a restart. */
  reboot(name: string): Promise<GuestSummary> {
    return this.locks.run(name, async () => {
      const guest = this.require(name);
      const { runtime, qmp } = this.controllable(guest, 'reboot', ACTION_RULES.reboot);
      runtime.rebootRequested = true;
      await this.command(guest, qmp, 'system_powerdown').catch((error: unknown) => {
        runtime.rebootRequested = false;
        throw error;
      });
      this.record(guest, 'reboot-requested');
      return toSummary(guest);
    });
  }

  /** Hard reset. A powered-off (preserved) or crashed guest boots again. */
  reset(name: string): Promise<GuestSummary> {
    return this.locks.run(name, async () => {
      const guest = this.require(name);
      const { runtime, qmp } = this.controllable(guest, 'reset', ACTION_RULES.reset);
      const wasOff = guest.state === 'crashed' || (guest.state === 'shutdown' && guest.reason === 'shutdown');
      runtime.hostResetAt = performance.now();
      await this.command(guest, qmp, 'system_reset');
      if (wasOff) {
        await this.command(guest, qmp, 'cont');
        runtime.poweringOff = false;
        runtime.shutdownRequested = false;
        this.setState(guest, 'running', 'reset');
        this.record(guest, 'reset', 'reset from the host');
      }
      return toSummary(guest);
    });
  }

  suspend(name: string): Promise<GuestSummary> {
    return this.locks.run(name, async () => {
      const guest = this.require(name);
      const { qmp } = this.controllable(guest, 'suspend', ACTION_RULES.suspend);
      await this.command(guest, qmp, 'stop');
      return toSummary(guest);
    });
  }

  resume(name: string): Promise<GuestSummary> {
    return this.locks.run(name, async () => {
      const guest = this.require(name);
      const { qmp } = this.controllable(guest, 'resume', ACTION_RULES.resume);
      await this.command(guest, qmp, 'cont');
      return toSummary(guest);
    });
  }

  /** The live console of a running guest, and the scrollback of any guest. */
  console(name: string): { live?: SerialConsole; scrollback: () => Promise<Buffer> } {
    const guest = this.require(name);
    const live = guest.runtime?.phase === 'active' ? guest.runtime.console : undefined;
    return { live, scrollback: () => readLogTail(guest.run.serialLog, SCROLLBACK_BYTES) };
  }

  /** What the stats collector samples: every guest whose QEMU is up. */
  statsSources(): StatsSource[] {
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

  /** The command line of a saved definition, as it would start now. */
  async commandLine(name: string): Promise<string[]> {
    const guest = this.require(name);
    return this.commandLineOf(guest.xml);
  }

  /** The command line an arbitrary definition becomes (`POST /api/argv`); 422 with diagnostics when it cannot be built. */
  async commandLineOf(xml: string): Promise<string[]> {
    const { domain, diagnostics, valid } = validateDomain(xml);
    if (!valid || !domain) throw new VirtdeckError('invalid-xml', 'The definition has errors', { diagnostics });
    const runName = guestNameProblem(domain.name) ? 'NAME' : domain.name;
    const result = commandLineFor(domain, await this.options.capabilities(), new RunDir(this.stateDir, runName));
    if (!result.argv) {
      const first = result.diagnostics.find((d) => d.severity === 'error')?.message;
      // A preview that cannot be built is a problem of the definition on this host: always 422.
      const code = buildFailureCode(result.diagnostics) === 'unsupported-accelerator' ? 'unsupported-accelerator' : 'invalid-xml';
      throw new VirtdeckError(code, first ?? 'The definition cannot be turned into a QEMU command line', { diagnostics: result.diagnostics });
    }
    return result.argv;
  }

  /**
   * Schema diagnostics plus the host checks (`POST /api/validate`). Where the host says the
   * same thing at the same place (the schema's "kqemu cannot start" warning, the host's
   * error), the host's verdict stands alone.
   */
  async validate(xml: string): Promise<ValidateResult> {
    const { domain, diagnostics } = validateDomain(xml);
    if (!domain) return { valid: !diagnostics.some((d) => d.severity === 'error'), diagnostics };
    const host = hostDiagnostics(domain, await this.options.capabilities());
    const saidByHost = new Set(host.map((d) => `${d.code}@${d.range.start.offset}`));
    const all = [...diagnostics.filter((d) => !saidByHost.has(`${d.code}@${d.range.start.offset}`)), ...host];
    return { valid: !all.some((d) => d.severity === 'error'), diagnostics: all };
  }

  /** Lets go of monitors and consoles; the guests themselves keep running. */
  async close(): Promise<void> {
    this.closed = true;
    for (const guest of this.guests.values()) guest.runtime?.release(1001, 'the server is stopping');
    await Promise.all([...this.guests.values()].flatMap((g) => [g.status.flush(), g.events.flush()]));
  }

  // ---- start, exit, events -------------------------------------------------------------

  private async startLocked(guest: Guest): Promise<GuestSummary> {
    if (guest.runtime) throw new VirtdeckError('conflict', `'${guest.name}' is already ${guest.state}`);
    let launched: GuestRuntime | undefined;
    try {
      const runtime = await startGuest({
        name: guest.name,
        xml: guest.xml,
        domain: guest.domain,
        run: guest.run,
        capabilities: this.options.capabilities,
        monitorTimeoutMs: this.options.monitorTimeoutMs ?? 15_000,
        commandTimeoutMs: this.options.commandTimeoutMs ?? 10_000,
        serialLogMaxBytes: this.options.serialLogMaxBytes ?? 1024 * 1024,
        onLogError: (message) => this.logger.warn({ name: guest.name }, message),
        onLaunched: (started) => {
          launched = started;
          guest.runtime = started;
        },
        onEvent: (started, event) => this.onEvent(guest, started, event),
      });
      this.activate(guest, runtime);
      this.setState(guest, 'running', 'booted');
      this.record(guest, 'started', `QEMU pid ${runtime.pid}`);
      return toSummary(guest);
    } catch (error) {
      const failure = toVirtdeckError(error);
      if (guest.runtime === launched) guest.runtime = undefined;
      const destroyed = launched?.stopping === 'destroyed';
      this.setState(guest, 'shutoff', destroyed ? 'destroyed' : 'failed', destroyed ? undefined : failure.message);
      this.record(guest, 'start-failed', failure.message);
      launched?.markFinished();
      throw failure;
    }
  }

  /** From now on QMP events and the process exit drive the guest's state. */
  private activate(guest: Guest, runtime: GuestRuntime): void {
    runtime.phase = 'active';
    void runtime.process.exited.then((exit) => this.finish(guest, runtime, exit));
    runtime.qmp?.on('close', () => runtime.process.wake?.());
  }

  private onEvent(guest: Guest, runtime: GuestRuntime, event: QmpEvent): void {
    // During the start the start itself sets the state; the events are its own doing.
    if (guest.runtime !== runtime || runtime.phase !== 'active') return;
    const transition = onQmpEvent(event, {
      state: guest.state,
      reason: guest.reason,
      rebootRequested: runtime.rebootRequested,
      afterHostReset: performance.now() - runtime.hostResetAt < FIRMWARE_RESET_WINDOW_MS,
      actions: runtime.facts.actions,
    });
    if (!transition) return;
    if (transition.poweringOff) runtime.poweringOff = true;
    if (transition.quitting) runtime.quitting = transition.quitting;
    if (transition.rebootDone) runtime.rebootRequested = false;
    const at = qmpTime(event);
    const { state = guest.state, reason = guest.reason } = transition;
    if (state !== guest.state || reason !== guest.reason) this.setState(guest, state, reason, undefined, at);
    else if (transition.poweringOff) this.writeStatus(guest);
    if (transition.event) this.record(guest, transition.event, transition.detail, at);
    if (transition.followUp) this.queueFollowUp(guest, runtime, transition.followUp);
  }

  /** Work an event asks for, done in the guest's turn so it never interleaves with a user's operation. */
  private queueFollowUp(guest: Guest, runtime: GuestRuntime, followUp: FollowUp): void {
    this.locks
      .run(guest.name, async () => {
        if (guest.runtime !== runtime) return;
        await this.runFollowUp(guest, runtime, followUp);
      })
      .catch((error: unknown) => this.logger.error({ name: guest.name, err: error, followUp }, 'a lifecycle follow-up failed'));
  }

  private async runFollowUp(guest: Guest, runtime: GuestRuntime, followUp: FollowUp): Promise<void> {
    switch (followUp.kind) {
      case 'destroy':
        runtime.stopping ??= followUp.reason;
        await this.stopProcess(runtime);
        return;
      case 'restart':
        try {
          const qmp = this.monitorOf(guest, runtime);
          runtime.hostResetAt = performance.now();
          await qmp.execute('system_reset');
          await qmp.execute('cont');
        } catch (error) {
          this.logger.warn({ name: guest.name, err: error }, 'restarting the guest failed; stopping it');
          runtime.stopping ??= 'crashed';
          await this.stopProcess(runtime);
          return;
        }
        runtime.poweringOff = false;
        runtime.shutdownRequested = false;
        this.setState(guest, 'running', 'booted');
        this.record(guest, 'restarted');
        return;
      case 'pause':
        await this.monitorOf(guest, runtime).execute('stop');
        return;
      case 'coredump': {
        const file = path.join(this.stateDir, 'dumps', `${guest.name}-${new Date().toISOString().replace(/[:.]/g, '-')}.core`);
        try {
          await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
          await this.monitorOf(guest, runtime).execute('dump-guest-memory', { paging: false, protocol: `file:${file}` }, { timeoutMs: 300_000 });
          this.record(guest, 'core-dumped', file);
        } catch (error) {
          this.record(guest, 'core-dumped', `the core dump failed: ${describeError(error)}`);
        }
        await this.runFollowUp(guest, runtime, followUp.then === 'destroy' ? { kind: 'destroy', reason: 'crashed' } : { kind: 'restart' });
        return;
      }
      default: {
        const unknown: never = followUp;
        throw new Error(`unknown follow-up ${JSON.stringify(unknown)}`);
      }
    }
  }

  /** The process is gone: the last word on the guest's state. */
  private async finish(guest: Guest, runtime: GuestRuntime, exit: ProcessExit | undefined): Promise<void> {
    if (guest.runtime !== runtime) return;
    guest.runtime = undefined;
    runtime.release();
    if (this.closed) return runtime.markFinished();
    const reason = runtime.stopping ?? runtime.quitting ?? (runtime.poweringOff ? 'shutdown' : 'crashed');
    let error: string | undefined;
    if (reason === 'crashed') {
      const lastWords = (await tailOf(guest.run.qemuLog, 1024)).split('\n').at(-1);
      error = `QEMU exited unexpectedly (${describeExit(exit)})${lastWords ? `: ${lastWords}` : ''}`;
    }
    this.setState(guest, 'shutoff', reason, error);
    this.record(guest, 'stopped', error ?? `${describeExit(exit)}; ${reason}`);
    await guest.run.clearProcessFiles().catch(() => undefined);
    runtime.markFinished();
  }

  /** Ends the process (SIGTERM, then SIGKILL) and waits until its exit has been handled. */
  private async stopProcess(runtime: GuestRuntime): Promise<void> {
    await terminate(runtime.process);
    await runtime.finished;
  }

  // ---- reconnect -----------------------------------------------------------------------

  /**
   * Finds a guest's QEMU from before a server restart. The pid (from QEMU's pid file) must be
   * alive, not a zombie, and really ours: a QEMU naming our files, with the start time we
   * recorded (a reused pid has another). Then the monitor is connected and `query-status`
   * gives the true state. A QEMU that died meanwhile makes the guest `shutoff`: `shutdown` if
   * it was powering off, otherwise `crashed`.
   */
  private async reconnect(guest: Guest): Promise<void> {
    const { run } = guest;
    const status = await readStatus(run.statusFile);
    if (status) Object.assign(guest, { state: status.state, reason: status.reason, since: status.since, error: status.error });
    const pid = (await run.readPid()) ?? status?.pid;
    const sameBoot = !status?.bootId || status.bootId === currentBootId();
    if (pid === undefined || !sameBoot || !isOurQemu(pid, run.ownFiles, status?.startTime)) {
      this.goneWhileAway(guest, status);
      return;
    }

    const runningXml = await fs.readFile(run.runningXml, 'utf8').catch(() => guest.xml);
    const runtime = new GuestRuntime(watchPid(pid), runningXml, parseDefinition(runningXml).facts, status?.startedAt);
    runtime.startTime = status?.startTime ?? processStartTime(pid);
    runtime.shutdownRequested = status?.poweringOff ?? false;
    runtime.poweringOff = status?.poweringOff ?? false;
    guest.runtime = runtime;
    this.activate(guest, runtime);

    let qmp: QmpClient;
    try {
      qmp = await QmpClient.connect(run.qmpSocket, {
        timeoutMs: this.options.reconnectTimeoutMs ?? 5000,
        commandTimeoutMs: this.options.commandTimeoutMs ?? 10_000,
      });
    } catch (error) {
      // Keep the guest (it may be fine) but say that only a forced off is possible.
      const message = `The QEMU monitor of '${guest.name}' did not answer (${describeError(error)}); only Force off works until the server is restarted`;
      this.logger.warn({ name: guest.name, pid }, message);
      guest.error = message;
      if (!status || status.state === 'shutoff') this.setState(guest, 'running', 'reconnected', message);
      else this.announce(guest);
      this.record(guest, 'monitor-lost', message);
      return;
    }
    runtime.qmp = qmp;
    qmp.on('close', () => runtime.process.wake?.());
    qmp.on('event', (event) => this.onEvent(guest, runtime, event));
    const { status: runState } = await qmp.execute<StatusInfo>('query-status');
    const previous = status && status.state !== 'shutoff' ? { state: status.state, reason: status.reason } : undefined;
    const truth = stateFromRunState(runState, runtime.facts.actions, previous);
    if (truth.startUnfinished) {
      runtime.stopping = 'failed';
      guest.error = 'The server stopped while the guest was starting';
      await this.stopProcess(runtime);
      return;
    }
    if (runtime.facts.serial) {
      const log = new SerialLog(run.serialLog, { maxBytes: this.options.serialLogMaxBytes, onError: (m) => this.logger.warn({ name: guest.name }, m) });
      const serial = new SerialConsole(run.consoleSocket, log, await readLogTail(run.serialLog, SCROLLBACK_BYTES));
      await serial.connect(500).then(
        () => (runtime.console = serial),
        () => serial.close(),
      );
    }
    // It may have died while we looked; then its exit has already been handled.
    if ((guest.runtime as GuestRuntime | undefined) !== runtime) return;
    this.setState(guest, truth.state, truth.reason);
    this.record(guest, 'reconnected', `QEMU pid ${pid}, ${runState}`);
    this.logger.info({ name: guest.name, pid, state: truth.state }, 'found a running guest again');
    if (truth.followUp) await this.runFollowUp(guest, runtime, truth.followUp);
  }

  /** The guest's QEMU is not there (any more): say how it most likely ended. */
  private goneWhileAway(guest: Guest, status: GuestStatus | undefined): void {
    void guest.run.clearProcessFiles().catch(() => undefined);
    if (!status || status.state === 'shutoff') return;
    const reason: StateReason = status.poweringOff ? 'shutdown' : 'crashed';
    const error = reason === 'crashed' ? 'QEMU exited while the server was not running' : undefined;
    this.setState(guest, 'shutoff', reason, error);
    this.record(guest, 'stopped', error ?? 'the guest powered off while the server was not running');
  }

  // ---- helpers --------------------------------------------------------------------------

  private newGuest(name: string, xml: string, parsed: ParsedDefinition, autostart: boolean): Guest {
    const run = new RunDir(this.stateDir, name);
    return {
      name,
      xml,
      domain: parsed.domain,
      facts: parsed.facts,
      autostart,
      state: 'shutoff',
      reason: 'defined',
      since: new Date().toISOString(),
      run,
      status: new StatusWriter(run.statusFile),
      events: new EventLog(run.eventsLog),
    };
  }

  private uuidFor(domain: Domain, existing: Guest | undefined): string {
    const wanted = domain.uuid?.toLowerCase();
    const current = existing?.facts.uuid?.toLowerCase();
    if (wanted && current && wanted !== current) {
      throw new VirtdeckError('conflict', `'${domain.name}' is already defined with UUID ${current}; a redefinition must keep it (or leave <uuid> out)`);
    }
    const uuid = wanted ?? current ?? randomUUID();
    const clash = [...this.guests.values()].find((g) => g !== existing && g.facts.uuid?.toLowerCase() === uuid);
    if (clash) throw new VirtdeckError('conflict', `The UUID ${uuid} already belongs to '${clash.name}'`);
    return uuid;
  }

  private controllable(guest: Guest, action: string, allowed: readonly GuestState[]): { runtime: GuestRuntime; qmp: QmpClient } {
    const runtime = guest.runtime;
    if (!runtime || runtime.phase !== 'active') throw new VirtdeckError('conflict', `Cannot ${action} '${guest.name}': it is not running`);
    if (!allowed.includes(guest.state)) {
      throw new VirtdeckError('conflict', `Cannot ${action} '${guest.name}' while it is ${guest.state}; possible when ${allowed.join(' or ')}`);
    }
    return { runtime, qmp: this.monitorOf(guest, runtime) };
  }

  private monitorOf(guest: Guest, runtime: GuestRuntime): QmpClient {
    if (runtime.qmp?.state !== 'running') {
      throw new VirtdeckError('conflict', `The QEMU monitor of '${guest.name}' is not connected; only Force off works`);
    }
    return runtime.qmp;
  }

  private async command(guest: Guest, qmp: QmpClient, command: string): Promise<void> {
    try {
      await qmp.execute(command);
    } catch (error) {
      const timedOut = (error as { code?: unknown }).code === 'timeout';
      throw new VirtdeckError(timedOut ? 'timeout' : 'qemu-failed', `QEMU did not carry out ${command} for '${guest.name}': ${describeError(error)}`, { cause: error });
    }
  }

  private setState(guest: Guest, state: GuestState, reason: StateReason, error?: string, at = new Date()): void {
    guest.state = state;
    guest.reason = reason;
    guest.since = at.toISOString();
    guest.error = error;
    this.announce(guest);
    this.writeStatus(guest);
  }

  private writeStatus(guest: Guest): void {
    const runtime = guest.runtime;
    const status: GuestStatus = { state: guest.state, reason: guest.reason, since: guest.since };
    if (guest.error) status.error = guest.error;
    if (runtime) {
      status.pid = runtime.pid;
      if (runtime.startTime !== undefined) status.startTime = runtime.startTime;
      const bootId = currentBootId();
      if (bootId) status.bootId = bootId;
      status.startedAt = runtime.startedAt;
      status.poweringOff = runtime.poweringOff || runtime.shutdownRequested;
    }
    void guest.status.write(status);
  }

  private record(guest: Guest, event: LifecycleEventName, detail?: string, at = new Date()): void {
    const entry: LifecycleEvent = { name: guest.name, event, state: guest.state, reason: guest.reason, timestamp: at.toISOString() };
    if (detail) entry.detail = detail;
    guest.events.add(entry);
    this.emit('lifecycle', entry);
  }

  private announce(guest: Guest): GuestSummary {
    const summary = toSummary(guest);
    this.emit('guest', summary);
    return summary;
  }

  private require(name: string): Guest {
    const problem = guestNameProblem(name);
    if (problem) throw new VirtdeckError('invalid-request', `Invalid guest name: ${problem}`);
    const guest = this.guests.get(name);
    if (!guest) throw new VirtdeckError('not-found', `No guest named '${name}'`);
    return guest;
  }
}

interface ParsedDefinition {
  domain: Domain | undefined;
  facts: DomainFacts;
}

/** A stored definition's model and facts; one that no longer validates still lists, with what can be read. */
function parseDefinition(xml: string): ParsedDefinition {
  const { domain, valid } = validateDomain(xml);
  const facts = domain
    ? domainFacts(domain)
    : { accelerator: 'unknown', vcpus: 0, memoryKiB: 0, actions: DEFAULT_LIFECYCLE_ACTIONS, balloon: false, serial: false, interfaces: [], macs: [] };
  return { domain: valid ? domain : undefined, facts };
}

function toSummary(guest: Guest): GuestSummary {
  const running = guest.runtime?.facts ?? guest.facts;
  const summary: GuestSummary = {
    name: guest.name,
    state: guest.state,
    reason: guest.reason,
    accelerator: running.accelerator,
    vcpus: running.vcpus,
    memoryKiB: running.memoryKiB,
    since: guest.since,
    autostart: guest.autostart,
    pendingChanges: guest.runtime !== undefined && guest.runtime.xml !== guest.xml,
  };
  if (guest.runtime) summary.pid = guest.runtime.pid;
  if (guest.error) summary.error = guest.error;
  if (guest.facts.title) summary.title = guest.facts.title;
  return summary;
}

function nameDiagnostic(domain: Domain, problem: string): Diagnostic {
  const element = firstChild(domain.node, 'name') ?? domain.node;
  return { severity: 'error', code: 'invalid-value', message: `This name cannot be used for a guest: ${problem}`, range: element.range };
}

/** QEMU's own time of an event (both fields are -1 when QEMU could not read its clock). */
function qmpTime(event: QmpEvent): Date {
  const { seconds, microseconds } = event.timestamp;
  return seconds < 0 ? new Date() : new Date(seconds * 1000 + Math.floor(microseconds / 1000));
}

function describeExit(exit: ProcessExit | undefined): string {
  if (!exit) return 'exit status unknown';
  return exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code ?? 'unknown'}`;
}
