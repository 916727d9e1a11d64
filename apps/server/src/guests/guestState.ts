import type { DomainSummary, GuestState, LifecycleEvent, LifecycleEventName, StateReason } from '../api.js';
import { toSummary, type Guest } from './guestRecord.js';
import { currentBootId, type GuestStatus } from './statusFile.js';

export interface StateChange {
  state: GuestState;
  reason: StateReason;
  /** Replaces the guest's error message; absent clears it. */
  error?: string;
  /** When it happened (QEMU's own time for QMP events). */
  at?: Date;
}

export interface StateListeners {
  guest(summary: DomainSummary): void;
  lifecycle(event: LifecycleEvent): void;
}

type Fields = { -readonly [K in 'state' | 'reason' | 'since' | 'error']: Guest[K] };

/**
 * The one place a guest's state changes: each change updates the guest, announces its new
 * summary and persists `status.json`; each lifecycle event goes to the guest's event log
 * and to the listeners. Nothing else writes a guest's state, reason, since or error.
 */
export class GuestStates {
  constructor(private readonly listeners: StateListeners) {}

  transition(guest: Guest, { state, reason, error, at = new Date() }: StateChange): DomainSummary {
    const fields = guest as Fields;
    fields.state = state;
    fields.reason = reason;
    fields.since = at.toISOString();
    fields.error = error;
    this.persist(guest);
    return this.announce(guest);
  }

  /** A problem that leaves the state as it is (a monitor that does not answer, say). */
  fault(guest: Guest, error: string): DomainSummary {
    (guest as Fields).error = error;
    this.persist(guest);
    return this.announce(guest);
  }

  /** Takes over the state the previous server left in `status.json`, before the guest is looked at again. */
  restore(guest: Guest, status: GuestStatus): void {
    Object.assign(guest as Fields, { state: status.state, reason: status.reason, since: status.since, error: status.error });
  }

  /** Writes what the next server needs to recognise the process and tell how it ended. */
  persist(guest: Guest): void {
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

  record(guest: Guest, event: LifecycleEventName, detail?: string, at = new Date()): void {
    const entry: LifecycleEvent = { name: guest.name, event, state: guest.state, reason: guest.reason, timestamp: at.toISOString() };
    if (detail) entry.detail = detail;
    guest.events.add(entry);
    this.listeners.lifecycle(entry);
  }

  announce(guest: Guest): DomainSummary {
    const summary = toSummary(guest);
    this.listeners.guest(summary);
    return summary;
  }
}
