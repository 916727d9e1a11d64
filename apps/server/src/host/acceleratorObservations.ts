import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomically } from '../storage/atomicFile.js';
import { MissingStateFile, readStateText } from '../storage/stateFile.js';

/** What was last seen of guests under one accelerator on this host. */
const observation = z.object({
  /** A guest under it showed no sign of life after its start. */
  silentGuest: z.string(),
  at: z.string(),
});
const fileShape = z.record(z.string(), observation);
type Observations = z.infer<typeof fileShape>;

const MAX_FILE_BYTES = 64 * 1024;

/**
 * What this host's guests have shown of its accelerators, kept across restarts: a host where
 * /dev/kvm opens but guests hang (nested virtualization without the CPU's support) passes
 * every probe, and only a guest that never boots tells. The accelerator form then marks KVM
 * as "opens, but guests did not boot here"; a guest that boots under it clears the mark.
 */
export class AcceleratorObservations {
  private seen: Observations = {};
  private writes: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {}

  static inStateDir(stateDir: string): AcceleratorObservations {
    return new AcceleratorObservations(path.join(stateDir, 'cache', 'accelerators.json'));
  }

  /** Reads what an earlier run saw; a missing or unreadable file is a host seen fresh. */
  async load(): Promise<string | undefined> {
    try {
      const parsed = fileShape.safeParse(JSON.parse(await readStateText(this.file, MAX_FILE_BYTES)));
      if (parsed.success) this.seen = parsed.data;
      return parsed.success ? undefined : `${this.file} is not what virtdeck writes there; starting afresh`;
    } catch (error) {
      if (error instanceof MissingStateFile) return undefined;
      return `${this.file}: ${(error as Error).message}; starting afresh`;
    }
  }

  /** A guest under `accelerator` showed nothing for the whole watch after its start. */
  noteSilent(accelerator: string, guest: string, at = new Date()): Promise<void> {
    this.seen[accelerator] = { silentGuest: guest, at: at.toISOString() };
    return this.save();
  }

  /** A guest under `accelerator` showed a sign of life: the accelerator works here. */
  noteAlive(accelerator: string): Promise<void> {
    if (!(accelerator in this.seen)) return Promise.resolve();
    delete this.seen[accelerator];
    return this.save();
  }

  /** Why the accelerator may not work here, when a guest under it has not booted. */
  caution(accelerator: string): string | undefined {
    const seen = this.seen[accelerator];
    if (!seen) return undefined;
    return `Opens, but guests did not boot here: '${seen.silentGuest}' showed no sign of life under it (${seen.at.slice(0, 16).replace('T', ' ')} UTC). Nested virtualization without the host CPU's support does this; use qemu (TCG) instead.`;
  }

  /** Writes in turn, so the last state wins; a failed write is the caller's to log. */
  private save(): Promise<void> {
    const text = `${JSON.stringify(this.seen, null, 2)}\n`;
    const write = this.writes.then(async () => {
      await fs.mkdir(path.dirname(this.file), { recursive: true });
      await writeFileAtomically(this.file, text);
    });
    this.writes = write.catch(() => undefined);
    return write;
  }
}
