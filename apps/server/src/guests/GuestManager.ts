import { EventEmitter } from 'node:events';
import { buildArgv, type HostCapabilities } from '@virtdeck/qemu';
import { QmpClient } from '@virtdeck/qmp';
import { parseDomain, validateDomain, type Domain } from '@virtdeck/schema';
import type { Logger } from 'pino';
import type { GuestState, GuestSummary, StateReason } from '../api.js';
import { VirtdeckError } from '../errors.js';
import { DefinitionStore } from './DefinitionStore.js';
import { assertGuestName } from './guestName.js';
import { KeyedMutex } from './KeyedMutex.js';
import { launchQemu, tailOf, terminate, type QemuProcess } from './qemuProcess.js';
import { RunDir } from './RunDir.js';

/** How long QEMU may take from launch to answering on its monitor socket. */
const MONITOR_TIMEOUT_MS = 15_000;

interface Running {
  process: QemuProcess;
  qmp: QmpClient;
  run: RunDir;
  /** Set when virtdeck itself ends the process, so the exit is not taken for a crash. */
  stopping?: StateReason;
}

interface Guest {
  name: string;
  info: Pick<GuestSummary, 'accelerator' | 'vcpus' | 'memoryKiB'>;
  state: GuestState;
  reason: StateReason;
  since: string;
  error?: string;
  running?: Running;
}

export interface GuestManagerOptions {
  stateDir: string;
  logger: Logger;
  capabilities: () => Promise<HostCapabilities>;
}

interface GuestManagerEvents {
  guest: [GuestSummary];
  removed: [string];
}

/**
 * Owns the guests: their definitions on disk, their QEMU processes and their state.
 * Every operation on one guest runs under that guest's lock; each state change is
 * announced as the guest's full new summary (`guest` event), never as a patch.
 */
export class GuestManager extends EventEmitter<GuestManagerEvents> {
  private readonly guests = new Map<string, Guest>();
  private readonly locks = new KeyedMutex();
  private readonly store: DefinitionStore;

  constructor(private readonly options: GuestManagerOptions) {
    super();
    this.store = new DefinitionStore(options.stateDir);
  }

  async init(): Promise<void> {
    await this.store.init();
    for (const name of await this.store.list()) {
      const xml = await this.store.read(name);
      this.guests.set(name, { name, info: summarize(parseDomain(xml).domain), state: 'shutoff', reason: 'defined', since: now() });
    }
  }

  list(): GuestSummary[] {
    return [...this.guests.values()].map(toSummary).sort((a, b) => a.name.localeCompare(b.name));
  }

  get(name: string): GuestSummary {
    return toSummary(this.require(name));
  }

  async definition(name: string): Promise<string> {
    this.require(name);
    return this.store.read(name);
  }

  /**
   * Saves a definition. `create` refuses an existing name (POST); otherwise the name in
   * the XML must match the guest being redefined (PUT). A running guest keeps running
   * with its old definition; the new one applies at its next start.
   */
  async define(xml: string, { create, name: expectedName }: { create: boolean; name?: string }): Promise<GuestSummary> {
    const { domain, diagnostics, valid } = validateDomain(xml);
    if (!valid || !domain) {
      throw new VirtdeckError('invalid-xml', 'The definition has errors', { diagnostics: diagnostics.filter((d) => d.severity === 'error') });
    }
    const name = domain.name;
    assertGuestName(name);
    if (expectedName !== undefined && expectedName !== name) {
      throw new VirtdeckError('conflict', `The definition names '${name}', not '${expectedName}'; renaming is not supported`);
    }
    return this.locks.run(name, async () => {
      const existing = this.guests.get(name);
      if (create && existing) throw new VirtdeckError('conflict', `A guest named '${name}' already exists`);
      if (!create && !existing) throw new VirtdeckError('not-found', `No guest named '${name}'`);
      await this.store.write(name, xml);
      const guest: Guest = existing ?? { name, info: summarize(domain), state: 'shutoff', reason: 'defined', since: now() };
      guest.info = summarize(domain);
      this.guests.set(name, guest);
      return this.announce(guest);
    });
  }

  async undefine(name: string): Promise<void> {
    await this.locks.run(name, async () => {
      const guest = this.require(name);
      if (guest.running) throw new VirtdeckError('conflict', `'${name}' is ${guest.state}; force it off before deleting it`);
      await this.store.remove(name);
      await new RunDir(this.options.stateDir, name).remove();
      this.guests.delete(name);
      this.emit('removed', name);
    });
  }

  start(name: string): Promise<GuestSummary> {
    return this.locks.run(name, () => this.startLocked(this.require(name)));
  }

  destroy(name: string): Promise<GuestSummary> {
    return this.locks.run(name, async () => {
      const guest = this.require(name);
      if (!guest.running) throw new VirtdeckError('conflict', `'${name}' is not running`);
      await this.stopProcess(guest, 'destroyed');
      return toSummary(guest);
    });
  }

  /** Closes monitor connections; the guests themselves keep running. */
  async close(): Promise<void> {
    await Promise.all([...this.guests.values()].map((g) => g.running?.qmp.close()));
  }

  /** Start in phases, as libvirt does: prepare → launch with CPUs stopped → monitor → check → continue. */
  private async startLocked(guest: Guest): Promise<GuestSummary> {
    if (guest.running) throw new VirtdeckError('conflict', `'${guest.name}' is already ${guest.state}`);

    // prepare
    const xml = await this.store.read(guest.name);
    const { domain, diagnostics, valid } = validateDomain(xml);
    if (!valid || !domain) throw new VirtdeckError('invalid-xml', `The definition of '${guest.name}' has errors`, { diagnostics });
    const run = new RunDir(this.options.stateDir, guest.name);
    const built = buildArgv(domain, await this.options.capabilities(), {
      qmpSocket: run.qmpSocket,
      serialSocket: run.consoleSocket,
      serialLog: run.serialLog,
      pidFile: run.pidFile,
    });
    const blocking = built.diagnostics.filter((d) => d.severity === 'error');
    if (blocking.length > 0) {
      const accel = blocking.find((d) => d.code.startsWith('accelerator'));
      throw new VirtdeckError(accel ? 'unsupported-accelerator' : 'invalid-xml', accel?.message ?? `'${guest.name}' cannot be started on this host`, { diagnostics: blocking });
    }
    await run.prepare();

    // launch (-S: CPUs stay stopped until we say so)
    const proc = await launchQemu(built.argv, run.qemuLog, run.dir);
    let qmp: QmpClient | undefined;
    try {
      // monitor
      const exitedEarly = new AbortController();
      void proc.exited.then(() => exitedEarly.abort(new Error('QEMU exited')));
      qmp = await QmpClient.connect(run.qmpSocket, { timeoutMs: MONITOR_TIMEOUT_MS, retry: true, signal: exitedEarly.signal });
      // check
      const status = await qmp.execute<{ status: string }>('query-status');
      if (status.status !== 'prelaunch') throw new Error(`QEMU is in state '${status.status}' instead of 'prelaunch'`);
      const running: Running = { process: proc, qmp, run };
      this.watch(guest, running);
      // continue
      await qmp.execute('cont');
      guest.info = summarize(domain);
      this.setState(guest, 'running', 'booted');
      return toSummary(guest);
    } catch (error) {
      // The one rollback path: whatever failed, no QEMU is left behind.
      await qmp?.close();
      await terminate(proc, 500);
      guest.running = undefined;
      const stderr = await tailOf(run.qemuLog);
      const message = `QEMU failed to start '${guest.name}': ${stderr || (error instanceof Error ? error.message : String(error))}`;
      this.setState(guest, 'shutoff', 'failed', message);
      throw new VirtdeckError('qemu-failed', message, { detail: stderr, cause: error });
    }
  }

  /** From now on QMP events and the process exit drive the guest's state. */
  private watch(guest: Guest, running: Running): void {
    guest.running = running;
    running.qmp.on('event', (event) => {
      switch (event.event) {
        case 'STOP':
          if (guest.state === 'running') this.setState(guest, 'paused', 'user');
          break;
        case 'RESUME':
          if (guest.state !== 'running') this.setState(guest, 'running', guest.state === 'shutoff' ? 'booted' : 'user');
          break;
        case 'SHUTDOWN':
          running.stopping ??= 'shutdown';
          // -no-shutdown keeps QEMU alive after the guest powers off; on_poweroff=destroy ends it.
          void running.qmp.execute('quit').catch(() => undefined);
          break;
      }
    });
    void running.process.exited.then(() => {
      if (guest.running !== running) return;
      guest.running = undefined;
      void running.qmp.close();
      const reason = running.stopping ?? 'crashed';
      this.setState(guest, 'shutoff', reason, reason === 'crashed' ? 'QEMU exited unexpectedly' : undefined);
    });
  }

  private async stopProcess(guest: Guest, reason: StateReason): Promise<void> {
    const running = guest.running;
    if (!running) return;
    running.stopping = reason;
    await terminate(running.process);
    // The exit handler sets the state; wait for it so the caller sees the final state.
    await running.process.exited;
    await Promise.resolve();
  }

  private setState(guest: Guest, state: GuestState, reason: StateReason, error?: string): void {
    guest.state = state;
    guest.reason = reason;
    guest.since = now();
    guest.error = error;
    this.announce(guest);
  }

  private announce(guest: Guest): GuestSummary {
    const summary = toSummary(guest);
    this.emit('guest', summary);
    return summary;
  }

  private require(name: string): Guest {
    assertGuestName(name);
    const guest = this.guests.get(name);
    if (!guest) throw new VirtdeckError('not-found', `No guest named '${name}'`);
    return guest;
  }
}

function summarize(domain: Domain | undefined): Guest['info'] {
  return {
    accelerator: domain?.type ?? 'unknown',
    vcpus: domain?.vcpu?.count ?? 1,
    memoryKiB: domain?.memory?.kib ?? 0,
  };
}

function toSummary(guest: Guest): GuestSummary {
  const summary: GuestSummary = { name: guest.name, state: guest.state, reason: guest.reason, ...guest.info, since: guest.since };
  if (guest.running) summary.pid = guest.running.process.pid;
  if (guest.error) summary.error = guest.error;
  return summary;
}

const now = () => new Date().toISOString();
