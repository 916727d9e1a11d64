import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { AcceleratorObservations } from '../host/acceleratorObservations.js';
import { userCpuTimeNs } from '../stats/procStats.js';
import { embeddedGraphics } from '../vnc/embeddedGraphics.js';
import type { Guest } from './guestRecord.js';
import type { GuestRuntime } from './GuestRuntime.js';
import type { GuestStates } from './guestState.js';
import { LifeWatch, type LifeSample } from './signOfLife.js';

export interface LifeWatcherOptions {
  /** How long a started guest may show nothing before the page says so. Default 60 s. */
  silentAfterMs?: number;
  /** Time between samples. Default 3 s. */
  intervalMs?: number;
}

const DEFAULT_SILENT_AFTER_MS = 60_000;
const DEFAULT_INTERVAL_MS = 3000;

/**
 * Looks at each guest this server started until it shows a sign of life (signOfLife.ts) or
 * the watch runs out. A silent guest gets a hint on its summary and a `no-sign-of-life`
 * event that point at QEMU's log and the accelerator, and the accelerator's observation is
 * kept for the accelerator form. The timer runs only while some guest is being watched, and
 * a screen is dumped only for guests with a display and only while they are watched.
 */
export class LifeWatcher {
  private timer: NodeJS.Timeout | undefined;
  private sampling = false;
  private readonly silentAfterMs: number;
  private readonly intervalMs: number;

  constructor(
    private readonly guests: () => Iterable<Guest>,
    private readonly states: GuestStates,
    private readonly observations: AcceleratorObservations,
    private readonly logger: Logger,
    options: LifeWatcherOptions = {},
  ) {
    this.silentAfterMs = options.silentAfterMs ?? DEFAULT_SILENT_AFTER_MS;
    this.intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  }

  /** Starts watching a guest whose CPUs this server just let run. */
  watch(guest: Guest): void {
    const runtime = guest.runtime;
    if (!runtime || runtime.cpusStartedAt === undefined) return;
    runtime.life = new LifeWatch({ silentAfterMs: this.silentAfterMs });
    this.timer ??= setInterval(() => void this.tick(), this.intervalMs);
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async tick(): Promise<void> {
    if (this.sampling) return;
    this.sampling = true;
    try {
      const watched = [...this.guests()].filter((g) => g.runtime?.life?.current === 'waiting' && g.runtime.phase === 'active');
      if (watched.length === 0) return this.close();
      await Promise.all(watched.map((guest) => this.sample(guest)));
    } finally {
      this.sampling = false;
    }
  }

  private async sample(guest: Guest): Promise<void> {
    const runtime = guest.runtime;
    const life = runtime?.life;
    if (!runtime || !life || runtime.cpusStartedAt === undefined) return;
    const sample: LifeSample = {
      elapsedMs: performance.now() - runtime.cpusStartedAt,
      serialBytes: runtime.console?.outputBytes ?? 0,
      userCpuNs: userCpuTimeNs(runtime.pid) ?? 0,
    };
    // Under KVM, QEMU stopping a guest that had shown nothing is the accelerator failing here, as a hang is.
    if (runtime.facts.accelerator === 'kvm' && guest.state === 'paused' && guest.reason === 'internal-error') {
      const verdict = life.observe(sample);
      if (verdict === 'alive') return this.observed(() => this.observations.noteAlive(runtime.facts.accelerator));
      if (verdict === 'silent') return this.silent(guest, runtime);
      life.stoppedForGood();
      return this.silent(guest, runtime, sample.elapsedMs);
    }
    // A paused guest shows nothing by choice: its watch waits for it.
    if (guest.state !== 'running') return;
    const screen = runtime.facts.display && runtime.qmp?.state === 'running' ? await this.screenDigest(guest).catch(() => undefined) : undefined;
    if (screen !== undefined) sample.screen = screen;
    if (guest.runtime !== runtime) return;
    const verdict = life.observe(sample);
    if (verdict === 'alive') await this.observed(() => this.observations.noteAlive(runtime.facts.accelerator));
    if (verdict === 'silent') await this.silent(guest, runtime);
  }

  /** Says so on the guest's summary and in its event log; `stoppedAfterMs`: QEMU stopped it with an internal error that long after the start. */
  private async silent(guest: Guest, runtime: GuestRuntime, stoppedAfterMs?: number): Promise<void> {
    const accelerator = runtime.facts.accelerator;
    const kvm = accelerator === 'kvm';
    const nothing = `no serial output, ${runtime.facts.display ? 'the screen unchanged, ' : ''}the vCPUs idle`;
    const what =
      stoppedAfterMs === undefined
        ? `No sign of life for ${Math.round(this.silentAfterMs / 1000)} s after the start: ${nothing}.`
        : `No sign of life before QEMU stopped it with an internal error ${Math.round(stoppedAfterMs / 1000)} s after the start: ${nothing}.`;
    const message = `${what} See QEMU's log${kvm ? "; under KVM this is what a host without working nested virtualization does, so try type='qemu' (TCG)" : ', and whether the guest has a kernel or boot disk that runs'}.`;
    runtime.hint = { code: 'no-sign-of-life', message, since: new Date().toISOString() };
    this.states.record(guest, 'no-sign-of-life', message);
    this.states.announce(guest);
    this.logger.warn({ name: guest.name, accelerator }, 'a started guest shows no sign of life');
    if (kvm) await this.observed(() => this.observations.noteSilent(accelerator, guest.name));
  }

  private async screenDigest(guest: Guest): Promise<string> {
    const runtime = guest.runtime;
    if (!runtime?.qmp) throw new Error('no monitor');
    const dump = await embeddedGraphics(guest.name, guest.run, runtime.qmp, runtime.xml).screendump();
    return createHash('sha1').update(dump).digest('hex');
  }

  private async observed(note: () => Promise<void>): Promise<void> {
    await note().catch((error: unknown) => this.logger.warn({ err: error }, 'could not keep what was seen of the accelerator'));
  }
}
