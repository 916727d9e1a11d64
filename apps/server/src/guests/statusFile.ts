import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import { z } from 'zod';
import { GUEST_STATES, STATE_REASONS } from '../api.js';
import { readStateText } from '../storage/stateFile.js';

/**
 * What the server knows about a guest's QEMU, kept in `run/NAME/status.json` so that the
 * next server (after a restart or a crash of this one) can recognise the process and tell
 * how a guest that died meanwhile ended.
 */
const statusSchema = z.object({
  pid: z.number().int().positive().optional(),
  /** /proc start time of the process: a reused pid has another. */
  startTime: z.number().int().nonnegative().optional(),
  /** The kernel's boot id: after a host reboot no old pid means anything. */
  bootId: z.string().optional(),
  startedAt: z.string().optional(),
  state: z.enum(GUEST_STATES),
  reason: z.enum(STATE_REASONS),
  since: z.string(),
  error: z.string().optional(),
  /**
   * The guest was asked to power off or did so (QMP SHUTDOWN): if its QEMU is gone when the
   * next server looks, it shut down rather than crashed.
   */
  poweringOff: z.boolean().optional(),
});
export type GuestStatus = z.infer<typeof statusSchema>;

export async function readStatus(file: string): Promise<GuestStatus | undefined> {
  try {
    // Never through a symlink or from a FIFO: a bad status is no status.
    const parsed = statusSchema.safeParse(JSON.parse(await readStateText(file, 64 * 1024)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Writes status files one after another per file (a later state never lands before an
 * earlier one) and atomically (temporary file, rename), so a reader never sees half a file.
 * No fsync: after a host crash no process survives, so a lost update tells nothing wrong.
 */
export class StatusWriter {
  private tail: Promise<void> = Promise.resolve();
  private serial = 0;

  constructor(private readonly file: string) {}

  write(status: GuestStatus): Promise<void> {
    const temp = `${this.file}.${process.pid}.${this.serial++}.tmp`;
    const text = JSON.stringify(status, null, 2) + '\n';
    this.tail = this.tail.then(async () => {
      try {
        await fs.writeFile(temp, text);
        await fs.rename(temp, this.file);
      } catch {
        // The run folder was removed (undefine) or the disk is full: the status is advisory.
        await fs.rm(temp, { force: true });
      }
    });
    return this.tail;
  }

  /** Resolves when every write so far has landed. */
  flush(): Promise<void> {
    return this.tail;
  }
}

let bootId: string | undefined;
export function currentBootId(): string | undefined {
  try {
    bootId ??= readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return undefined;
  }
  return bootId;
}
