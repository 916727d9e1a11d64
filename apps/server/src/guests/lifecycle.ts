/**
 * How QMP events change a guest's state, and what the server must do next: one table, pure,
 * so every rule is in one place and testable without QEMU. The guest manager applies the
 * transitions and queues the follow-ups on the guest's lock: the monitor never blocks on
 * an event (the libvirt way: qemuProcessHandle* only record and queue).
 */
import type { QmpEvent, RunState } from '@virtdeck/qmp';
import type { CrashAction } from '@virtdeck/schema';
import type { GuestState, LifecycleEventName, StateReason } from '../api.js';

/** What `<on_poweroff>`, `<on_reboot>` and `<on_crash>` can say (coredump-* only on_crash): @virtdeck/schema's CRASH_ACTIONS. */
export type LifecycleAction = CrashAction;

export interface LifecycleActions {
  onPoweroff: LifecycleAction;
  onReboot: LifecycleAction;
  onCrash: LifecycleAction;
}

/** libvirt's defaults when the definition says nothing. */
export const DEFAULT_LIFECYCLE_ACTIONS: LifecycleActions = { onPoweroff: 'destroy', onReboot: 'restart', onCrash: 'destroy' };

/** Work that follows an event, done on the guest's lock. */
export type FollowUp =
  /** End QEMU; the guest ends `shutoff` with this reason. */
  | { kind: 'destroy'; reason: StateReason }
  /** system_reset + cont: the guest boots again in the same QEMU (libvirt's "fake reboot"). */
  /** quiet: the restart is a reboot that was asked for, which the event log has already. */
  | { kind: 'restart'; quiet?: boolean }
  /** Write the guest's memory to a file first (on_crash=coredump-*), then destroy or restart. */
  | { kind: 'coredump'; then: 'destroy' | 'restart' }
  /** Stop the CPUs and keep the guest as it is (preserve, when QEMU did not stop it itself). */
  | { kind: 'pause' }
  /** The CPUs stopped without the server asking: `query-status` says who stopped them (pausedBy). */
  | { kind: 'why-paused' };

export interface EventContext {
  state: GuestState;
  reason: StateReason;
  /** A reboot was asked for: the guest's next power-off is turned into a restart. */
  rebootRequested: boolean;
  /**
   * The host reset the machine moments ago. SeaBIOS then resets it once more by itself (it
   * finds that it already ran in this RAM), which QEMU reports as a guest reset: not the
   * guest rebooting.
   */
  afterHostReset: boolean;
  /**
   * The server is restarting the guest in this QEMU (system_reset + cont): the STOP, RESET and
   * RESUME that come with it are the restart's, not a pause or a reset of their own.
   */
  restarting: boolean;
  /** The server is writing the guest's memory for <watchdog action='dump'>: the RESUME of its `cont` afterwards is the dump's, not a Resume. */
  dumping: boolean;
  /** The server itself is stopping the CPUs (Pause, a snapshot's run state): the STOP that follows is asked for. */
  pauseRequested: boolean;
  actions: LifecycleActions;
}

export interface Transition {
  state?: GuestState;
  reason?: StateReason;
  /** What goes into the guest's event log (absent: nothing worth a line). */
  event?: LifecycleEventName;
  detail?: string;
  followUp?: FollowUp;
  /** The guest is going off by its own doing: a later exit is a shutdown, not a crash. */
  poweringOff?: boolean;
  /** QEMU is quitting because the host asked (a signal, `quit`): a later exit ends as this reason. */
  quitting?: StateReason;
  /** The pending reboot request has been used up. */
  rebootDone?: boolean;
  /** What the person looking at the guest should read: why QEMU stopped it and what can be done. */
  error?: string;
}

type Handler = (event: QmpEvent, ctx: EventContext) => Transition | undefined;

const isOff = (ctx: EventContext) => ctx.state === 'crashed' || (ctx.state === 'shutdown' && ctx.reason === 'shutdown');

/** What a power-off, reboot-as-power-off or crash leads to under the configured action. */
function followUpFor(action: LifecycleAction, finalReason: StateReason): FollowUp | undefined {
  switch (action) {
    case 'destroy':
      return { kind: 'destroy', reason: finalReason };
    // QEMU guests cannot be renamed while running; libvirt's QEMU driver restarts them too.
    case 'restart':
    case 'rename-restart':
      return { kind: 'restart' };
    case 'preserve':
      return undefined;
    case 'coredump-destroy':
      return { kind: 'coredump', then: 'destroy' };
    case 'coredump-restart':
      return { kind: 'coredump', then: 'restart' };
    default: {
      const unknown: never = action;
      throw new Error(`unknown lifecycle action ${String(unknown)}`);
    }
  }
}

function poweredOff(ctx: EventContext, action: LifecycleAction, detail: string): Transition {
  // The request is in the event log already ('reboot-requested'): one Reboot, one line.
  if (ctx.rebootRequested) return { followUp: { kind: 'restart', quiet: true }, rebootDone: true };
  // on_poweroff can only be destroy/restart/preserve; coredump actions belong to on_crash.
  const effective = action === 'coredump-destroy' ? 'destroy' : action === 'coredump-restart' ? 'restart' : action;
  return { state: 'shutdown', reason: 'shutdown', event: 'powered-off', detail, followUp: followUpFor(effective, 'shutdown'), poweringOff: true };
}

function crashed(ctx: EventContext, detail: string): Transition | undefined {
  if (ctx.state === 'crashed') return undefined;
  return { state: 'crashed', reason: 'crashed', event: 'panicked', detail, followUp: followUpFor(ctx.actions.onCrash, 'crashed') };
}

export const QMP_EVENT_HANDLERS: Readonly<Record<string, Handler>> = {
  SHUTDOWN: (event, ctx) => {
    const { reason } = event.data as QmpEvent<'SHUTDOWN'>['data'];
    switch (reason) {
      case 'guest-shutdown':
      case 'host-ui':
        return poweredOff(ctx, ctx.actions.onPoweroff, `the guest powered off (on_poweroff=${ctx.actions.onPoweroff})`);
      case 'guest-reset':
        // Only with -no-reboot (on_reboot is not restart): the guest's reboot became a power-off.
        return ctx.actions.onReboot === 'restart'
          ? { event: 'reset', detail: 'the guest rebooted' }
          : poweredOff(ctx, ctx.actions.onReboot, `the guest rebooted (on_reboot=${ctx.actions.onReboot})`);
      case 'guest-panic':
        return crashed(ctx, `the guest panicked (on_crash=${ctx.actions.onCrash})`);
      case 'host-error':
        return { state: 'crashed', reason: 'crashed', event: 'panicked', detail: 'QEMU hit an internal error', followUp: { kind: 'destroy', reason: 'crashed' } };
      case 'host-signal':
      case 'host-qmp-quit':
        return { quitting: 'destroyed' };
      default:
        return undefined;
    }
  },
  STOP: (_event, ctx) => {
    if (ctx.state !== 'running' || ctx.restarting) return undefined;
    // STOP says nothing of why: QEMU itself (an internal error, a watchdog) or another monitor stopped the CPUs.
    return ctx.pauseRequested ? { state: 'paused', reason: 'user', event: 'suspended' } : { followUp: { kind: 'why-paused' } };
  },
  RESUME: (_event, ctx) => (ctx.state === 'paused' && !ctx.restarting && !ctx.dumping ? { state: 'running', reason: 'user', event: 'resumed' } : undefined),
  RESET: (event, ctx) => {
    // A reset that is part of restarting a powered-off or crashed guest is logged as the restart.
    if (isOff(ctx)) return undefined;
    const { guest, reason } = event.data as QmpEvent<'RESET'>['data'];
    if (!guest && ctx.restarting) return undefined;
    if (guest && ctx.afterHostReset) return undefined;
    if (guest && reason === 'guest-reset') {
      if (ctx.rebootRequested) return { event: 'reset', detail: 'the guest rebooted as requested', rebootDone: true };
      // QEMU reset the guest by itself (no -no-reboot on its command line): apply on_reboot now, as libvirt does.
      const action = ctx.actions.onReboot;
      if (action !== 'restart' && action !== 'rename-restart') {
        const off = poweredOff(ctx, action, `the guest rebooted (on_reboot=${action})`);
        return action === 'preserve' ? { ...off, followUp: { kind: 'pause' } } : off;
      }
    }
    // snapshot-load resets the machine before it loads the snapshot's state into it.
    if (reason === 'snapshot-load') return { event: 'reset', detail: "the guest's state was loaded from a snapshot" };
    const detail = guest ? 'the guest reset itself' : 'reset from the host';
    if (ctx.state === 'shutdown') return { state: 'running', reason: 'reset', event: 'reset', detail };
    return { state: ctx.state, reason: ctx.state === 'running' ? 'reset' : ctx.reason, event: 'reset', detail };
  },
  GUEST_PANICKED: (event, ctx) => {
    const { action } = event.data as QmpEvent<'GUEST_PANICKED'>['data'];
    return crashed(ctx, `the guest panicked (QEMU: ${action}; on_crash=${ctx.actions.onCrash})`);
  },
  GUEST_CRASHLOADED: () => ({ event: 'panicked', detail: 'the guest crashed and loaded its crash kernel' }),
  BLOCK_IO_ERROR: (event, ctx) => {
    const data = event.data as QmpEvent<'BLOCK_IO_ERROR'>['data'];
    if (data.action !== 'stop' || ctx.state !== 'running') return undefined;
    const detail = `${data.operation} error on ${data.device || data['node-name'] || 'a disk'}: ${data.reason}${data.nospace ? ' (no space left)' : ''}`;
    return { state: 'paused', reason: 'io-error', event: 'suspended', detail, error: `QEMU paused the guest: ${detail}. Resume once the disk can be used again (its error_policy is stop).` };
  },
  SUSPEND: (_event, ctx) =>
    ctx.state === 'running' ? { state: 'paused', reason: 'user', event: 'suspended', detail: 'the guest suspended itself to RAM (S3)' } : undefined,
  WAKEUP: (_event, ctx) => (ctx.state === 'paused' ? { state: 'running', reason: 'user', event: 'resumed', detail: 'the guest woke up' } : undefined),
};

export function onQmpEvent(event: QmpEvent, ctx: EventContext): Transition | undefined {
  return Object.hasOwn(QMP_EVENT_HANDLERS, event.event) ? QMP_EVENT_HANDLERS[event.event]?.(event, ctx) : undefined;
}

/**
 * The true state of a QEMU found again after a server restart, from `query-status`. The
 * reason recorded before is kept when the state is the same; otherwise it is `reconnected`.
 * A run state that needs the same follow-up as the event it replaces says so (a guest that
 * powered off while no server listened is handled as if SHUTDOWN came now).
 */
export function stateFromRunState(
  status: string,
  actions: LifecycleActions,
  previous: { state: GuestState; reason: StateReason } | undefined,
  /** QEMU's log of this run, for the cause of a pause of QEMU's own. */
  qemuLog = '',
): { state: GuestState; reason: StateReason; error?: string; followUp?: FollowUp; startUnfinished?: boolean } {
  const keep = (state: GuestState): StateReason => (previous?.state === state ? previous.reason : 'reconnected');
  switch (status) {
    case 'running':
      return { state: 'running', reason: keep('running') };
    case 'prelaunch':
      // The server went away between launch and `cont`: the start never completed.
      return { state: 'shutoff', reason: 'failed', startUnfinished: true };
    case 'shutdown':
      return { state: 'shutdown', reason: 'shutdown', followUp: followUpFor(actions.onPoweroff, 'shutdown') };
    case 'guest-panicked':
      return { state: 'crashed', reason: 'crashed', followUp: followUpFor(actions.onCrash, 'crashed') };
    case 'io-error':
    case 'internal-error':
    case 'watchdog': {
      const pause = pausedBy(status, qemuLog);
      return { state: 'paused', reason: pause?.reason ?? 'user', ...(pause?.error ? { error: pause.error } : {}) };
    }
    default:
      return { state: 'paused', reason: keep('paused') };
  }
}

/** A pause QEMU reported after a STOP the server did not ask for. */
export interface Pause {
  reason: StateReason;
  /** The line the event log gets. */
  detail: string;
  /** For a pause of QEMU's own: why, and what the user can do (the guest's error line). */
  error?: string;
}

/** Lines of QEMU's log an error carries, for its "details" (an internal error's register dump is about 20). */
const LOG_LINES = 25;

/** The error's line, then the end of QEMU's log of this run. */
function withLog(line: string, qemuLog: string): string {
  const tail = qemuLog.trim().split('\n').slice(-LOG_LINES).join('\n');
  return tail ? `${line}\nQEMU's log:\n${tail}` : line;
}

/** What QEMU 7.2 prints (to stderr, so QEMU's log) when KVM stops a vCPU: kvm_handle_internal_error, the x86 entry-failure handler, kvm_cpu_exec. */
const KVM_FAILURE_LINES = /^(?:KVM internal error\..*|emulation failure|KVM: entry failed.*|error: kvm run failed.*)$/gm;

/**
 * Who stopped the CPUs, from the run state `query-status` gives after a STOP the server did
 * not ask for (libvirt's qemuMonitorVMStatusToPausedReason), with QEMU's log of this run for
 * the cause of an internal error. Undefined when the guest is not paused (it went on, or an
 * end another event handles: a power-off, a panic).
 */
export function pausedBy(status: RunState, qemuLog: string): Pause | undefined {
  switch (status) {
    case 'internal-error': {
      const cause = [...new Set(Array.from(qemuLog.matchAll(KVM_FAILURE_LINES), ([line]) => line))].join('; ');
      const detail = `QEMU stopped the CPUs after an internal error${cause ? ` (${cause})` : ''}`;
      return { reason: 'internal-error', detail, error: withLog(`${detail}. Resume cannot go on from there: Reset restarts the guest, Force off ends it. QEMU's log has the vCPU's registers.`, qemuLog) };
    }
    case 'io-error':
      return { reason: 'io-error', detail: 'QEMU stopped the CPUs after a disk error', error: withLog("QEMU paused the guest after a disk error (its error_policy is stop). Resume once the disk can be used again; QEMU's log may say which.", qemuLog) };
    case 'watchdog':
      return {
        reason: 'watchdog',
        detail: "the guest's watchdog expired and paused it",
        error: withLog("The guest's watchdog expired and QEMU paused it: the guest stopped feeding it. Resume lets it run on, Reset restarts it.", qemuLog),
      };
    case 'running':
    case 'shutdown':
    case 'guest-panicked':
      return undefined;
    case 'paused':
    case 'suspended':
    case 'debug':
    case 'save-vm':
    case 'restore-vm':
    case 'inmigrate':
    case 'postmigrate':
    case 'finish-migrate':
    case 'prelaunch':
    case 'colo':
      // Asked for, through a monitor or a debugger of someone else's, or a save or migration under way.
      return { reason: 'user', detail: `paused from outside virtdeck (QEMU: ${status})` };
    default: {
      const unknown: never = status;
      return { reason: 'user', detail: `paused (QEMU: ${String(unknown)})` };
    }
  }
}
