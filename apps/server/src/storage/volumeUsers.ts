import path from 'node:path';
import { parseDomain } from '@virtdeck/schema';
import type { Driver } from '../drivers/Driver.js';

/** The guests a volume's users are looked up in: their list and their definitions. */
export type GuestLookup = Pick<Driver, 'list' | 'definition'>;

/**
 * Image path → the guests whose definition uses it: a disk's file, anything in its backing
 * chain, or `<source pool volume>` (keyed `pool:NAME/VOLUME`). Both the saved definition and,
 * for a running guest, the one it runs, so a volume is never deleted under a guest.
 */
export async function volumeUsers(guests: GuestLookup): Promise<Map<string, string[]>> {
  const users = new Map<string, Set<string>>();
  const add = (key: string, guest: string) => users.set(key, (users.get(key) ?? new Set()).add(guest));
  for (const guest of guests.list()) {
    const definitions = [guests.definition(guest.name)];
    if (guest.state !== 'shutoff') definitions.push(guests.definition(guest.name, { running: true }));
    for (const xml of await Promise.all(definitions.map((d) => d.catch(() => undefined)))) {
      const domain = xml === undefined ? undefined : parseDomain(xml).domain;
      for (const disk of domain?.devices.disks ?? []) {
        if (disk.source?.file !== undefined) add(path.resolve(disk.source.file), guest.name);
        if (disk.source?.pool !== undefined && disk.source.volume !== undefined) add(`pool:${disk.source.pool}/${disk.source.volume}`, guest.name);
        for (const backing of disk.backingChain) if (backing.source?.file !== undefined) add(path.resolve(backing.source.file), guest.name);
      }
    }
  }
  return new Map([...users].map(([key, names]) => [key, [...names].sort()]));
}
