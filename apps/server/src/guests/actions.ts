import { setTimeout as delay } from 'node:timers/promises';
import { isQmpError, type QmpClient } from '@virtdeck/qmp';
import { statesFor, type GuestAction } from '@virtdeck/schema';
import { describeError, VirtdeckError } from '../errors.js';
import type { GuestRuntime } from './GuestRuntime.js';
import type { Guest } from './guestRecord.js';
import type { GuestStates } from './guestState.js';

/**
 * How long an action whose QEMU is going away waits for that exit to be handled, so that it
 * can say the state it ends in (a forced off takes at most a second, then SIGKILL).
 */
const EXIT_WAIT_MS = 3000;

/**
 * The actions on a running guest that are QMP commands (libvirt's qemuDomainShutdown,
 * Reboot, Reset, Suspend, Resume). Each runs under the guest's lock, taken by the caller;
 * the state they lead to comes back as QMP events, except where QEMU sends none.
 */
export class GuestActions {
  constructor(private readonly states: GuestStates) {}

  /**
   * Presses the ACPI power button. The guest is `shutdown` until it powers off (then
   * `shutoff`, reason `shutdown`); one that ignores it can be forced off with destroy, or
   * automatically after `escalateAfterMs` by `forceOff`.
   */
  async shutdown(guest: Guest, escalateAfterMs: number | undefined, forceOff: () => void): Promise<void> {
    const { runtime, qmp } = controllable(guest, 'shutdown');
    await command(guest, runtime, qmp, 'system_powerdown');
    runtime.shutdownRequested = true;
    if (guest.state === 'running') this.states.transition(guest, { state: 'shutdown', reason: 'user' });
    else this.states.persist(guest);
    this.states.record(guest, 'shutdown-requested', escalateAfterMs ? `forced off if still running after ${escalateAfterMs} ms` : undefined);
    if (escalateAfterMs !== undefined) {
      clearTimeout(runtime.escalation);
      runtime.escalation = setTimeout(() => {
        if (guest.runtime === runtime) forceOff();
      }, escalateAfterMs);
      runtime.escalation.unref();
    }
  }

  /** ACPI reboot, as libvirt's default: the power button, and the power-off becomes a restart. */
  async reboot(guest: Guest): Promise<void> {
    const { runtime, qmp } = controllable(guest, 'reboot');
    runtime.rebootRequested = true;
    await command(guest, runtime, qmp, 'system_powerdown').catch((error: unknown) => {
      runtime.rebootRequested = false;
      throw error;
    });
    this.states.record(guest, 'reboot-requested');
  }

  /** Hard reset. A powered-off (preserved) or crashed guest boots again. */
  async reset(guest: Guest): Promise<void> {
    const { runtime, qmp } = controllable(guest, 'reset');
    const wasOff = guest.state === 'crashed' || (guest.state === 'shutdown' && guest.reason === 'shutdown');
    runtime.hostResetAt = performance.now();
    await command(guest, runtime, qmp, 'system_reset');
    if (wasOff) {
      await command(guest, runtime, qmp, 'cont');
      runtime.poweringOff = false;
      runtime.shutdownRequested = false;
      this.states.transition(guest, { state: 'running', reason: 'reset' });
      this.states.record(guest, 'reset', 'reset from the host');
    }
  }

  async suspend(guest: Guest): Promise<void> {
    const { runtime, qmp } = controllable(guest, 'suspend');
    await withPauseRequested(runtime, () => command(guest, runtime, qmp, 'stop'));
  }

  async resume(guest: Guest): Promise<void> {
    const { runtime, qmp } = controllable(guest, 'resume');
    await command(guest, runtime, qmp, 'cont');
  }
}

/** Stops the CPUs as the server's own request: the STOP that follows (QEMU sends it before the reply) is a user's pause, not QEMU's. */
export function pauseCpus(runtime: GuestRuntime, qmp: QmpClient): Promise<void> {
  return withPauseRequested(runtime, () => qmp.execute('stop').then(() => undefined));
}

/** Runs work in which QEMU stops the CPUs because the server asked (`stop`, a snapshot job): its STOP is a pause asked for. */
export async function withPauseRequested<T>(runtime: GuestRuntime, work: () => Promise<T>): Promise<T> {
  runtime.pauseRequested = true;
  try {
    return await work();
  } finally {
    runtime.pauseRequested = false;
  }
}

/** The monitor of a guest's QEMU, when it is connected. */
export function monitorOf(guest: Guest, runtime: GuestRuntime): QmpClient {
  if (runtime.qmp?.state !== 'running') {
    throw new VirtdeckError('conflict', `The QEMU monitor of '${guest.name}' is not connected; only Force off works`);
  }
  return runtime.qmp;
}

/** The guest's QEMU and monitor, when the action is allowed in its state (GUEST_RULES in @virtdeck/schema). */
function controllable(guest: Guest, action: GuestAction): { runtime: GuestRuntime; qmp: QmpClient } {
  const allowed = statesFor(action);
  const runtime = guest.runtime;
  if (!runtime || runtime.phase !== 'active') throw new VirtdeckError('conflict', `Cannot ${action} '${guest.name}': it is not running`);
  if (!allowed.includes(guest.state)) {
    throw new VirtdeckError('conflict', `Cannot ${action} '${guest.name}' while it is ${guest.state}; possible when ${allowed.join(' or ')}`);
  }
  return { runtime, qmp: monitorOf(guest, runtime) };
}

/**
 * One QMP command of an action. When QEMU goes away meanwhile (a destroy racing the action,
 * or the guest powering off), the monitor connection drops and the command gets no reply:
 * that is not QEMU failing but the guest no longer being there, so the answer is a conflict
 * that says the state the guest ended in.
 */
async function command(guest: Guest, runtime: GuestRuntime, qmp: QmpClient, name: string): Promise<void> {
  try {
    await qmp.execute(name);
  } catch (error) {
    if (await wentAway(runtime, error)) {
      throw new VirtdeckError('conflict', `'${guest.name}' went away before QEMU carried out ${name}: it is now ${guest.state} (${guest.reason})`, { cause: error });
    }
    const timedOut = (error as { code?: unknown }).code === 'timeout';
    throw new VirtdeckError(timedOut ? 'timeout' : 'qemu-failed', `QEMU did not carry out ${name} for '${guest.name}': ${describeError(error)}`, { cause: error });
  }
}

/** Whether a failed command's QEMU is ending (or ended); if so, waits until the guest's state says how. */
async function wentAway(runtime: GuestRuntime, error: unknown): Promise<boolean> {
  const ending = runtime.stopping !== undefined || runtime.process.gone || isQmpError(error, 'disconnected') || isQmpError(error, 'state');
  if (!ending) return false;
  const waited = new AbortController();
  const finished = await Promise.race([runtime.finished.then(() => true), delay(EXIT_WAIT_MS, false, { signal: waited.signal }).catch(() => false)]);
  waited.abort();
  return finished;
}
