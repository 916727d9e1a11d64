import type { QmpClient } from '@virtdeck/qmp';
import type { GuestHint, StateReason } from '../api.js';
import type { SerialConsole } from '../console/SerialConsole.js';
import type { DomainFacts } from './domainFacts.js';
import type { LifeWatch } from './signOfLife.js';
import type { QemuProcess } from './qemuProcess.js';

export const RUNTIME_PHASES = ['starting', 'active'] as const;
export type RuntimePhase = (typeof RUNTIME_PHASES)[number];

/**
 * One QEMU process of a guest, from launch to exit: the process, its monitor and console,
 * the definition it was started from, and what the server knows about how it will end.
 */
export class GuestRuntime {
  phase: RuntimePhase = 'starting';
  qmp: QmpClient | undefined;
  console: SerialConsole | undefined;
  /** Set when virtdeck itself ends the process: the guest ends `shutoff` with this reason. */
  stopping: StateReason | undefined;
  /** Why virtdeck ended the process, when that is a failure the guest's list entry should show. */
  stopError: string | undefined;
  /** QEMU reported that the host asked it to quit (a signal from elsewhere, say). */
  quitting: StateReason | undefined;
  /** The guest is powering off (asked to, or did): an exit is a shutdown, not a crash. */
  poweringOff = false;
  /** An ACPI shutdown was asked for (the guest may still ignore it). */
  shutdownRequested = false;
  /** A reboot was asked for: the next power-off becomes a restart. */
  rebootRequested = false;
  /** From a restart's power-off (or crash) until its `cont` returned: its STOP, RESET and RESUME are its own. */
  restarting = false;
  /** From the pause of a watchdog dump until the `cont` after it returned (see EventContext.dumping). */
  dumping = false;
  /** The server is stopping the CPUs itself (see EventContext.pauseRequested). */
  pauseRequested = false;
  /** When the server last reset the machine (performance.now()); the firmware's own reset follows. */
  hostResetAt = Number.NEGATIVE_INFINITY;
  /** Destroys the guest when an ACPI shutdown is not obeyed in time. */
  escalation: NodeJS.Timeout | undefined;
  /** QEMU's pid and start time, for recognising the process after a server restart. */
  startTime: number | undefined;
  readonly startedAt: string;
  /** When this server let the CPUs run (performance.now()); unknown for a guest found again after a restart. */
  cpusStartedAt: number | undefined;
  /** Watches for signs of life after the start (see signOfLife.ts). */
  life: LifeWatch | undefined;
  hint: GuestHint | undefined;
  /** Settles once the exit has been handled and the guest's state says so. */
  readonly finished: Promise<void>;
  private resolveFinished!: () => void;
  /** Fires when the process exits during the start, to abort the monitor connection. */
  readonly exitSignal: AbortSignal;
  private readonly exitController = new AbortController();

  constructor(
    readonly process: QemuProcess & { wake?: () => void },
    /** The definition this QEMU runs: the one it was started from, with the devices changed since. */
    public xml: string,
    public facts: DomainFacts,
    startedAt = new Date().toISOString(),
  ) {
    this.startedAt = startedAt;
    this.exitSignal = this.exitController.signal;
    this.finished = new Promise((resolve) => {
      this.resolveFinished = resolve;
    });
    void process.exited.then(() => this.exitController.abort(new Error('QEMU exited')));
  }

  get pid(): number {
    return this.process.pid;
  }

  /** Lets go of the monitor, the console and timers; the process itself is not touched. */
  release(consoleCloseCode?: number, consoleReason?: string): void {
    clearTimeout(this.escalation);
    void this.qmp?.close();
    this.console?.close(consoleCloseCode, consoleReason);
  }

  markFinished(): void {
    this.resolveFinished();
  }
}
