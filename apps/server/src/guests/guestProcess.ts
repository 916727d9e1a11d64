import fs from 'node:fs/promises';
import path from 'node:path';
import type { HostCapabilities } from '@virtdeck/qemu';
import { QmpClient, type QmpEvent, type StatusInfo } from '@virtdeck/qmp';
import type { Logger } from 'pino';
import type { LifecycleEventName, StateReason } from '../api.js';
import { describeError, toVirtdeckError } from '../errors.js';
import { restoreOwners } from '../confine/ownership.js';
import { releaseGuestTuning } from '../host/guestTuning.js';
import { stopSwtpm } from '../host/swtpm.js';
import { removeTaps } from '../networks/taps.js';
import { monitorOf, pauseCpus } from './actions.js';
import { attachMonitor, consoleSocketOf, serialConsoleFor } from './attach.js';
import { parseDefinition, type Guest } from './guestRecord.js';
import { GuestRuntime } from './GuestRuntime.js';
import type { GuestStates } from './guestState.js';
import type { KeyedMutex } from './KeyedMutex.js';
import { onQmpEvent, pausedBy, stateFromRunState, type FollowUp } from './lifecycle.js';
import { isOurQemu, processStartTime, tailOf, terminate, watchPid, type ProcessExit } from './qemuProcess.js';
import { startGuest, type StartOptions } from './startGuest.js';
import { currentBootId, readStatus, type GuestStatus } from './statusFile.js';

export interface ProcessOptions {
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
  /** Whether options and programs that reach the host unchecked may start (ServerConfig.hostPassthrough). Default yes. */
  hostPassthrough?: boolean;
}

/** How long after a reset from the host a guest reset is SeaBIOS's own (see EventContext.afterHostReset). */
const FIRMWARE_RESET_WINDOW_MS = 3000;

/** How a guest's QEMU ended, for the one teardown. */
interface Ending {
  reason: StateReason;
  error?: string;
  event: Extract<LifecycleEventName, 'stopped' | 'start-failed'>;
  detail: string;
}

/**
 * The QEMU processes of the embedded driver (libvirt's qemu_process.c): start, the monitor
 * and console attached, QMP events and the follow-ups they ask for, stop, reconnect after a
 * server restart, and one teardown for every way a process ends (a failed start, an exit,
 * a process gone while the server was away). The caller holds the guest's lock; follow-ups
 * queue on it themselves.
 */
export class GuestProcesses {
  private closed = false;

  constructor(
    private readonly options: ProcessOptions,
    private readonly states: GuestStates,
    private readonly locks: KeyedMutex,
  ) {}

  async start(guest: Guest, beforeContinue?: StartOptions['beforeContinue']): Promise<void> {
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
        hostPassthrough: this.options.hostPassthrough,
        onLogError: (message) => this.options.logger.warn({ name: guest.name }, message),
        onLaunched: (started) => {
          launched = started;
          guest.runtime = started;
        },
        onEvent: (started, event) => this.onEvent(guest, started, event),
        beforeContinue,
      });
      this.activate(guest, runtime);
      this.states.transition(guest, { state: 'running', reason: 'booted' });
      this.states.record(guest, 'started', `QEMU pid ${runtime.pid}`);
    } catch (error) {
      const failure = toVirtdeckError(error);
      const destroyed = launched?.stopping === 'destroyed';
      const ending: Ending = { reason: destroyed ? 'destroyed' : 'failed', event: 'start-failed', detail: failure.message };
      if (!destroyed) ending.error = failure.message;
      await this.teardown(guest, launched, ending);
      throw failure;
    }
  }

  /** Ends the process (SIGTERM, then SIGKILL) and waits until its exit has been handled. */
  async stop(runtime: GuestRuntime): Promise<void> {
    await terminate(runtime.process);
    await runtime.finished;
  }

  /**
   * Finds a guest's QEMU from before a server restart. The pid (from QEMU's pid file) must be
   * alive, not a zombie, and really ours: a QEMU naming our files, with the start time we
   * recorded (a reused pid has another). Then the monitor is connected and `query-status`
   * gives the true state. A QEMU that died meanwhile makes the guest `shutoff`: `shutdown` if
   * it was powering off, otherwise `crashed`.
   */
  async reconnect(guest: Guest): Promise<void> {
    const { run } = guest;
    const status = await readStatus(run.statusFile);
    if (status) this.states.restore(guest, status);
    const pid = (await run.readPid()) ?? status?.pid;
    const sameBoot = !status?.bootId || status.bootId === currentBootId();
    if (pid === undefined || !sameBoot || !isOurQemu(pid, run.ownFiles, status?.startTime)) {
      await this.goneWhileAway(guest, status);
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
      this.options.logger.warn({ name: guest.name, pid }, message);
      if (!status || status.state === 'shutoff') this.states.transition(guest, { state: 'running', reason: 'reconnected', error: message });
      else this.states.fault(guest, message);
      this.states.record(guest, 'monitor-lost', message);
      return;
    }
    attachMonitor(runtime, qmp, (attached, event) => this.onEvent(guest, attached, event));
    const { status: runState } = await qmp.execute<StatusInfo>('query-status');
    const previous = status && status.state !== 'shutoff' ? { state: status.state, reason: status.reason } : undefined;
    const truth = stateFromRunState(runState, runtime.facts.actions, previous, await tailOf(run.qemuLog));
    if (truth.startUnfinished) {
      runtime.stopping = 'failed';
      runtime.stopError = 'The server stopped while the guest was starting';
      await this.stop(runtime);
      return;
    }
    const consoleSocket = consoleSocketOf(run, runtime.facts.console);
    if (consoleSocket) {
      const serial = await serialConsoleFor(run, { maxBytes: this.options.serialLogMaxBytes, onLogError: (m) => this.options.logger.warn({ name: guest.name }, m) });
      await serial.connect(consoleSocket, 500).then(
        () => (runtime.console = serial),
        () => serial.close(),
      );
    }
    // It may have died while we looked; then its exit has already been handled.
    if ((guest.runtime as GuestRuntime | undefined) !== runtime) return;
    this.states.transition(guest, { state: truth.state, reason: truth.reason, error: truth.error });
    this.states.record(guest, 'reconnected', `QEMU pid ${pid}, ${runState}`);
    this.options.logger.info({ name: guest.name, pid, state: truth.state }, 'found a running guest again');
    if (truth.followUp) await this.runFollowUp(guest, runtime, truth.followUp);
  }

  /** From now on the processes are left running as they are: their exits are no longer reported. */
  close(): void {
    this.closed = true;
  }

  /** From now on QMP events and the process exit drive the guest's state. */
  private activate(guest: Guest, runtime: GuestRuntime): void {
    runtime.phase = 'active';
    void runtime.process.exited.then((exit) => this.exited(guest, runtime, exit));
  }

  private onEvent(guest: Guest, runtime: GuestRuntime, event: QmpEvent): void {
    // During the start the start itself sets the state; the events are its own doing.
    if (guest.runtime !== runtime || runtime.phase !== 'active') return;
    const transition = onQmpEvent(event, {
      state: guest.state,
      reason: guest.reason,
      rebootRequested: runtime.rebootRequested,
      afterHostReset: performance.now() - runtime.hostResetAt < FIRMWARE_RESET_WINDOW_MS,
      restarting: runtime.restarting,
      dumping: runtime.dumping,
      pauseRequested: runtime.pauseRequested,
      actions: runtime.facts.actions,
    });
    if (!transition) return;
    if (transition.poweringOff) runtime.poweringOff = true;
    if (transition.quitting) runtime.quitting = transition.quitting;
    if (transition.rebootDone) runtime.rebootRequested = false;
    const at = qmpTime(event);
    const { state = guest.state, reason = guest.reason } = transition;
    if (state !== guest.state || reason !== guest.reason) this.states.transition(guest, { state, reason, at, error: transition.error });
    else if (transition.poweringOff) this.states.persist(guest);
    if (transition.event) this.states.record(guest, transition.event, transition.detail, at);
    // QEMU stops the CPUs at a power-off (-no-shutdown) right after SHUTDOWN, before the follow-up runs.
    if (transition.followUp?.kind === 'restart') runtime.restarting = true;
    if (transition.followUp) this.queueFollowUp(guest, runtime, transition.followUp);
  }

  /** Work an event asks for, done in the guest's turn so it never interleaves with a user's operation. */
  private queueFollowUp(guest: Guest, runtime: GuestRuntime, followUp: FollowUp): void {
    this.locks
      .run(guest.name, async () => {
        if (guest.runtime !== runtime) return;
        await this.runFollowUp(guest, runtime, followUp);
      })
      .catch((error: unknown) => this.options.logger.error({ name: guest.name, err: error, followUp }, 'a lifecycle follow-up failed'));
  }

  private async runFollowUp(guest: Guest, runtime: GuestRuntime, followUp: FollowUp): Promise<void> {
    switch (followUp.kind) {
      case 'destroy':
        runtime.stopping ??= followUp.reason;
        await this.stop(runtime);
        return;
      case 'restart':
        try {
          const qmp = monitorOf(guest, runtime);
          runtime.hostResetAt = performance.now();
          runtime.restarting = true;
          await qmp.execute('system_reset');
          // QEMU sends the reset's RESET and cont's RESUME before cont's reply.
          await qmp.execute('cont');
        } catch (error) {
          this.options.logger.warn({ name: guest.name, err: error }, 'restarting the guest failed; stopping it');
          runtime.stopping ??= 'crashed';
          await this.stop(runtime);
          return;
        } finally {
          runtime.restarting = false;
        }
        runtime.poweringOff = false;
        runtime.shutdownRequested = false;
        this.states.transition(guest, { state: 'running', reason: 'booted' });
        if (!followUp.quiet) this.states.record(guest, 'restarted');
        return;
      case 'pause':
        await pauseCpus(runtime, monitorOf(guest, runtime));
        return;
      case 'why-paused': {
        if (guest.state !== 'running') return;
        const { status } = await monitorOf(guest, runtime).execute<StatusInfo>('query-status');
        const pause = pausedBy(status, await tailOf(guest.run.qemuLog));
        // Resumed (or ended) meanwhile: then the events that did so have said it.
        if (!pause || guest.state !== 'running' || guest.runtime !== runtime) return;
        if (pause.reason === 'watchdog' && runtime.facts.watchdogDump) {
          await this.dumpAndRunOn(guest, runtime);
          return;
        }
        this.states.transition(guest, { state: 'paused', reason: pause.reason, error: pause.error });
        this.states.record(guest, 'suspended', pause.detail);
        if (pause.error) this.options.logger.warn({ name: guest.name, status }, pause.detail);
        return;
      }
      case 'coredump': {
        await this.dumpMemory(guest, runtime);
        await this.runFollowUp(guest, runtime, followUp.then === 'destroy' ? { kind: 'destroy', reason: 'crashed' } : { kind: 'restart' });
        return;
      }
      default: {
        const unknown: never = followUp;
        throw new Error(`unknown follow-up ${JSON.stringify(unknown)}`);
      }
    }
  }

  /**
   * libvirt's <watchdog action='dump'> (processWatchdogEvent): QEMU paused the CPUs for it; the
   * guest is `paused (dumping)` while its memory is written (the reason libvirt gives a guest
   * paused for `virsh dump`, VIR_DOMAIN_PAUSED_DUMP), then runs on, dumped or not, with the
   * reason it ran with before. The event log gets the dump's one line, no pause or resume.
   */
  private async dumpAndRunOn(guest: Guest, runtime: GuestRuntime): Promise<void> {
    const { reason } = guest;
    runtime.dumping = true;
    try {
      this.states.transition(guest, { state: 'paused', reason: 'dumping' });
      await this.dumpMemory(guest, runtime);
      if (guest.runtime !== runtime) return;
      // QEMU sends cont's RESUME before its reply.
      await monitorOf(guest, runtime).execute('cont');
    } finally {
      runtime.dumping = false;
    }
    if (guest.runtime === runtime) this.states.transition(guest, { state: 'running', reason });
  }

  /** Writes the guest's memory to `dumps/` in the state directory and logs where (or why not). */
  private async dumpMemory(guest: Guest, runtime: GuestRuntime): Promise<void> {
    const file = path.join(this.options.stateDir, 'dumps', `${guest.name}-${new Date().toISOString().replace(/[:.]/g, '-')}.core`);
    // QEMU writes where its user may (its own folder); the dump then moves to the state directory.
    const written = path.join(guest.run.qemuDir, 'dump.core');
    try {
      await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      await fs.rm(written, { force: true });
      await monitorOf(guest, runtime).execute('dump-guest-memory', { paging: false, protocol: `file:${written}` }, { timeoutMs: 300_000 });
      await moveFile(written, file);
      this.states.record(guest, 'core-dumped', file);
    } catch (error) {
      this.states.record(guest, 'core-dumped', `the core dump failed: ${describeError(error)}`);
    }
  }

  /** The process is gone: the last word on the guest's state. */
  private async exited(guest: Guest, runtime: GuestRuntime, exit: ProcessExit | undefined): Promise<void> {
    if (guest.runtime !== runtime) return;
    if (this.closed) {
      guest.runtime = undefined;
      runtime.release();
      return runtime.markFinished();
    }
    const reason = runtime.stopping ?? runtime.quitting ?? (runtime.poweringOff ? 'shutdown' : 'crashed');
    const ending: Ending = { reason, event: 'stopped', detail: `${describeExit(exit)}; ${reason}` };
    if (reason === 'crashed') {
      const lastWords = (await tailOf(guest.run.qemuLog, 1024)).split('\n').at(-1);
      ending.error = `QEMU exited unexpectedly (${describeExit(exit)})${lastWords ? `: ${lastWords}` : ''}`;
      ending.detail = ending.error;
    } else if (runtime.stopError) {
      ending.error = runtime.stopError;
    }
    await this.teardown(guest, runtime, ending);
  }

  /** The guest's QEMU is not there (any more): say how it most likely ended. */
  private async goneWhileAway(guest: Guest, status: GuestStatus | undefined): Promise<void> {
    if (!status || status.state === 'shutoff') {
      await guest.run.clearProcessFiles().catch(() => undefined);
      await removeTaps(guest.run.tapsFile).catch((failure: unknown) => this.options.logger.warn({ name: guest.name, err: failure }, 'a tap of the guest is left'));
      return;
    }
    const reason: StateReason = status.poweringOff ? 'shutdown' : 'crashed';
    const ending: Ending = { reason, event: 'stopped', detail: 'the guest powered off while the server was not running' };
    if (reason === 'crashed') ending.detail = ending.error = 'QEMU exited while the server was not running';
    await this.teardown(guest, undefined, ending);
  }

  /**
   * The one way a guest's process ends, whichever way it went: the runtime is let go, the
   * guest is `shutoff` with the reason, the event is logged, the process files are removed,
   * and whoever waits for the end (`stop`) goes on.
   */
  private async teardown(guest: Guest, runtime: GuestRuntime | undefined, { reason, error, event, detail }: Ending): Promise<void> {
    if (guest.runtime === runtime) guest.runtime = undefined;
    runtime?.release();
    this.states.transition(guest, { state: 'shutoff', reason, error });
    this.states.record(guest, event, detail);
    await stopSwtpm(guest.run.qemuDir).catch(() => undefined);
    await removeTaps(guest.run.tapsFile).catch((failure: unknown) => this.options.logger.warn({ name: guest.name, err: failure }, 'a tap of the guest is left'));
    await releaseGuestTuning(guest.run.dir).catch((failure: unknown) => this.options.logger.warn({ name: guest.name, err: failure }, 'the cgroup or huge page folder of the guest is left'));
    await guest.run.clearProcessFiles().catch(() => undefined);
    await restoreOwners(guest.run.ownersFile).catch((failure: unknown) => this.options.logger.error({ name: guest.name, err: failure }, 'files given to QEMU keep its owner'));
    runtime?.markFinished();
  }
}

/** A rename, or a copy where the two are on different file systems (QEMU's folder is on /run's tmpfs). */
async function moveFile(from: string, to: string): Promise<void> {
  try {
    await fs.rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await fs.copyFile(from, to, fs.constants.COPYFILE_EXCL);
    await fs.rm(from, { force: true });
  }
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
