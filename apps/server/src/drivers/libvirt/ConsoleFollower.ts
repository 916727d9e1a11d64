import { CONSOLE_CLOSE_CODES } from '../../api.js';
import { SerialConsole } from '../../console/SerialConsole.js';
import { SerialLog } from '../../console/SerialLog.js';
import type { ConsoleHeldElsewhere } from '../Driver.js';
import { spawnConsole } from './consoleProcess.js';

/** Waits between quiet attempts (without --force) while another client holds the console, growing up to the last. */
export const HELD_RETRY_DELAYS_MS = [2000, 4000, 8000, 15_000];
/** Wait before attaching again after virsh ended while the guest runs on (connection lost, or taken by another client). */
const REATTACH_MS = 1000;
/** How long an attempt must last to count as having the console. */
const ATTACHED_AFTER_MS = 2000;

export const HELD_ELSEWHERE_MESSAGE =
  "Another client (virsh console, virt-manager, another virtdeck…) holds this guest's serial console. virtdeck gets it back when that client leaves; what the guest prints meanwhile is not in virtdeck's log.";

export interface ConsoleFollowerOptions {
  uri: string;
  name: string;
  /** The guest's serial log. */
  logPath: string;
  /** Whether following should go on (the guest is still known and active, the driver open). */
  wanted: () => boolean;
  onLogError: (message: string) => void;
  /** Told when the console changes hands (virtdeck has it, or another client does). */
  onHolderChange?: (heldElsewhere: boolean) => void;
}

/**
 * Follows one libvirt guest's serial console beside the host's other clients. libvirt gives
 * the console to one client at a time; virtdeck asks without `--force`, so it never takes it
 * from an admin's `virsh console`, virt-manager or another virtdeck. Refused, it says the
 * console is held elsewhere and asks again, quietly and less and less often, until the other
 * client leaves; taken from it by another client's `--force`, it does not take it back. Only
 * `takeOver()`, a person's explicit request, uses `--force`.
 */
export class ConsoleFollower {
  /** The console while virtdeck has it (or is asking for it). */
  live: SerialConsole | undefined;
  private held = false;
  private attempts = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Viewers told the console is held elsewhere: closed when virtdeck has it again, so they reconnect to it. */
  private readonly waiting = new Set<{ close(code: number, reason: string): void }>();
  /** What virtdeck saw last, carried into the next attachment so a viewer keeps its scrollback. */
  private seen: Buffer = Buffer.alloc(0);

  constructor(private readonly options: ConsoleFollowerOptions) {}

  get heldElsewhere(): boolean {
    return this.held;
  }

  /** What a viewer who connects while another client holds the console is told. */
  heldNotice(): ConsoleHeldElsewhere | undefined {
    if (!this.held) return undefined;
    return {
      message: HELD_ELSEWHERE_MESSAGE,
      wait: (viewer) => {
        this.waiting.add(viewer);
        return () => this.waiting.delete(viewer);
      },
    };
  }

  /** Asks for the console (without --force) unless virtdeck has it or is waiting to ask again. */
  follow(): void {
    if (this.stopped) return;
    // A guest that stopped has no console for anyone to hold, and one that starts again is asked for at once, not at the end of a wait.
    if (!this.options.wanted()) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.attempts = 0;
      return this.setHeld(false);
    }
    if (this.live || this.timer) return;
    this.attach(false);
  }

  /** Takes the console from whoever holds it (`virsh console --force`): only on a person's request. */
  takeOver(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    const current = this.live;
    this.live = undefined;
    current?.close(CONSOLE_CLOSE_CODES.notRunning, 'virtdeck is taking the console over');
    this.attach(true);
  }

  stop(code?: number, reason?: string): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.live?.close(code, reason);
    this.live = undefined;
    this.release('the guest is not followed any more');
  }

  private attach(force: boolean): void {
    const { uri, name } = this.options;
    const console = new SerialConsole(new SerialLog(this.options.logPath, { onError: this.options.onLogError }), this.seen);
    const { stream, ended } = spawnConsole(uri, name, { force });
    console.adopt(stream);
    this.live = console;
    // libvirt refuses at once, but virsh says nothing when it is let in: an attempt still attached after a while has the console.
    const attached = setTimeout(() => this.attached(console), ATTACHED_AFTER_MS);
    void ended.then((end) => {
      clearTimeout(attached);
      this.seen = console.scrollback();
      if (this.live === console) this.live = undefined;
      else if (this.live) return; // a take-over replaced it
      if (this.stopped) return;
      if (!this.options.wanted()) return this.setHeld(false);
      if (end.heldElsewhere) {
        this.setHeld(true);
        this.later(HELD_RETRY_DELAYS_MS[Math.min(this.attempts, HELD_RETRY_DELAYS_MS.length - 1)] ?? REATTACH_MS);
        this.attempts++;
        return;
      }
      // The connection dropped, or another client's --force took the console: ask again, without
      // --force, so a console taken from virtdeck is left to its taker (libvirt refuses, and it is held).
      this.later(REATTACH_MS);
    });
  }

  private attached(console: SerialConsole): void {
    if (this.live !== console) return;
    this.attempts = 0;
    this.setHeld(false);
  }

  private later(ms: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.follow();
    }, ms);
    this.timer.unref();
  }

  private setHeld(held: boolean): void {
    if (this.held === held) return;
    this.held = held;
    if (!held) this.release('virtdeck has the serial console again');
    this.options.onHolderChange?.(held);
  }

  private release(reason: string): void {
    for (const viewer of this.waiting) viewer.close(CONSOLE_CLOSE_CODES.notRunning, reason);
    this.waiting.clear();
  }
}
