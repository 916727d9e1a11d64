/**
 * Whether a guest that was started shows any sign of life. On a host where /dev/kvm opens
 * but guests hang (nested virtualization), a KVM guest shows `running` for ever with a blank
 * console: its vCPU thread sleeps in the host kernel, nothing reaches the serial port and the
 * screen keeps what the firmware drew. Signs of life, any of which is enough:
 * - a byte of serial output;
 * - changes of the screen after the firmware's first moments (the firmware draws at once,
 *   even when the kernel then hangs): two screens not seen before, since a text console's
 *   blinking cursor alone makes a hung screen alternate between two pictures;
 * - vCPUs busy after the firmware's first moments: QEMU ran in user mode for a share of a CPU
 *   over the last samples (a guest computing quietly is not dead). User mode because that is
 *   where guest code runs: TCG's translated code, and under KVM the vCPU's time in the guest,
 *   which the kernel counts as user time. A hung nested KVM vCPU spends its time in the host
 *   kernel instead, re-entering a guest that makes no progress: measured here (npm test's
 *   load, 12 to 17 on two cores, 30 s each) 17 to 31% of a CPU in all but 0.1% in user mode,
 *   while a TCG guest spinning in a loop got 27% of a CPU, all of it in user mode, and an
 *   idle one 0.3%. Counting all of QEMU's CPU time against 30% called the hung guest alive
 *   in some runs and would call the starved busy one silent.
 * A guest that showed a sign once is alive for the rest of its run: an idle guest at a static
 * login prompt must not turn silent later.
 */

export interface LifeSample {
  /** Milliseconds since the guest's CPUs were started. */
  elapsedMs: number;
  /** Serial output received since the start. */
  serialBytes: number;
  /** CPU time the whole QEMU process spent in user mode (guest time included), in ns. */
  userCpuNs: number;
  /** A digest of the screen, for guests with a display. */
  screen?: string;
}

export type LifeVerdict = 'waiting' | 'alive' | 'silent';

export interface LifeWatchOptions {
  /** How long a guest may show nothing before it is called silent. */
  silentAfterMs: number;
  /** Screen changes before this are the firmware's and do not count. */
  firmwareMs?: number;
  /** A share of one CPU in user mode above this, over the window, counts as busy vCPUs. */
  busyShare?: number;
  /** The window over which CPU use is measured. */
  busyWindowMs?: number;
}

export class LifeWatch {
  private verdict: LifeVerdict = 'waiting';
  private readonly history: LifeSample[] = [];
  /** Every screen seen; after the firmware's moments, those that were new. */
  private readonly screens = new Set<string>();
  private newScreens = 0;
  private readonly firmwareMs: number;
  private readonly busyShare: number;
  private readonly busyWindowMs: number;

  constructor(private readonly options: LifeWatchOptions) {
    this.firmwareMs = options.firmwareMs ?? Math.min(5000, options.silentAfterMs / 3);
    // 50 times the hung KVM guest's share, a fifth of what the starved spinning guest got.
    this.busyShare = options.busyShare ?? 0.05;
    this.busyWindowMs = options.busyWindowMs ?? Math.min(10_000, options.silentAfterMs / 2);
  }

  get current(): LifeVerdict {
    return this.verdict;
  }

  /** Takes one sample; answers the verdict after it. Once alive, always alive. */
  observe(sample: LifeSample): LifeVerdict {
    if (this.verdict === 'alive') return this.verdict;
    if (sample.serialBytes > 0 || this.screenChanged(sample) || this.busy(sample)) {
      this.verdict = 'alive';
      return this.verdict;
    }
    // The firmware's own start-up (SeaBIOS under TCG takes a CPU for a second or two) is no sign.
    if (sample.elapsedMs >= this.firmwareMs) this.history.push(sample);
    while (this.history.length > 2 && (this.history[1]?.elapsedMs ?? 0) <= sample.elapsedMs - this.busyWindowMs) this.history.shift();
    if (sample.elapsedMs >= this.options.silentAfterMs) this.verdict = 'silent';
    return this.verdict;
  }

  /** QEMU stopped the guest for good (an internal error): one still waiting never showed a sign of life. */
  stoppedForGood(): LifeVerdict {
    if (this.verdict === 'waiting') this.verdict = 'silent';
    return this.verdict;
  }

  private screenChanged(sample: LifeSample): boolean {
    if (sample.screen === undefined || this.screens.has(sample.screen)) return false;
    this.screens.add(sample.screen);
    if (sample.elapsedMs >= this.firmwareMs && this.screens.size > 1) this.newScreens++;
    return this.newScreens >= 2;
  }

  private busy(sample: LifeSample): boolean {
    const oldest = this.history[0];
    if (!oldest || sample.elapsedMs - oldest.elapsedMs < this.busyWindowMs / 2) return false;
    const share = (sample.userCpuNs - oldest.userCpuNs) / ((sample.elapsedMs - oldest.elapsedMs) * 1e6);
    return share >= this.busyShare;
  }
}
