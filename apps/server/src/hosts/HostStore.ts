import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { describeError, VirtdeckError } from '../errors.js';
import { writeFileAtomically } from '../storage/atomicFile.js';
import { BadStateFile, MissingStateFile, readStateText } from '../storage/stateFile.js';
import { hostEntry, type HostEntry } from './hostConfig.js';

/** A few thousand hosts; anything larger is not a file this server wrote. */
const MAX_BYTES = 1024 * 1024;

const hostsFile = z.object({ hosts: z.array(hostEntry) }).strict();

/**
 * The libvirt hosts virtdeck connects to, as `hosts.json` in the state directory; written
 * atomically, like the definitions, so a crash mid-write keeps the previous list.
 */
export class HostStore {
  readonly file: string;

  constructor(stateDir: string) {
    this.file = path.join(stateDir, 'hosts.json');
  }

  async load(): Promise<HostEntry[]> {
    let json: unknown;
    try {
      json = JSON.parse(await readStateText(this.file, MAX_BYTES));
    } catch (error) {
      if (error instanceof MissingStateFile) return [];
      if (error instanceof BadStateFile) throw new VirtdeckError('internal', error.message);
      throw new VirtdeckError('internal', `${this.file} is not JSON (${describeError(error)})`);
    }
    const parsed = hostsFile.safeParse(json);
    if (!parsed.success) throw new VirtdeckError('internal', `${this.file} is not a list of hosts: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    return parsed.data.hosts;
  }

  async save(hosts: readonly HostEntry[]): Promise<void> {
    try {
      await writeFileAtomically(this.file, `${JSON.stringify({ hosts }, null, 2)}\n`, fs, 0o600);
    } catch (error) {
      throw new VirtdeckError('storage-failed', `Could not save the hosts (${describeError(error)}); the previous list is unchanged`, { cause: error });
    }
  }
}
