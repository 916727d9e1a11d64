import { guestCondition } from '@virtdeck/schema';
import { create } from 'zustand';
import type { GuestSummary } from '../api/types';

/** A guest is identified by its host and its name (neither can contain '/'). */
export const guestKey = (host: string, name: string): string => `${host}/${name}`;
const keyOf = (guest: Pick<GuestSummary, 'host' | 'name'>) => guestKey(guest.host, guest.name);

/** Every map of the store is keyed by guestKey. */
export interface GuestStore {
  guests: Record<string, GuestSummary>;
  /** Guests that went away while this page was open, with when: a guest page explains it. */
  removed: Record<string, number>;
  /** Of those, the ones renamed (elsewhere or here), with their new name on the same host. */
  renamed: Record<string, string>;
  /** Deletions and renames asked for from this page, so they are not reported as "deleted elsewhere". */
  removing: Record<string, RemovalReason>;
  /** True once the first snapshot has arrived: before that, an absent guest is merely unknown. */
  loaded: boolean;
  /** The server's full truth, as sent on every (re)connect: replaces everything. */
  replaceAll: (guests: GuestSummary[]) => void;
  /** One guest's new truth: replaces that guest. */
  upsert: (guest: GuestSummary) => void;
  /** `renamedTo`: the guest is defined again under that name, on the same host. */
  remove: (key: string, renamedTo?: string) => void;
  expectRemoval: (key: string, why: RemovalReason | false) => void;
}

export type RemovalReason = 'delete' | 'rename';

export const useGuestStore = create<GuestStore>()((set) => ({
  guests: {},
  removed: {},
  renamed: {},
  removing: {},
  loaded: false,
  replaceAll: (list) =>
    set((s) => {
      const guests = Object.fromEntries(list.map((g) => [keyOf(g), g]));
      const removed = { ...s.removed };
      const now = Date.now();
      // A guest deleted while the stream was down shows up only as missing from the snapshot.
      if (s.loaded) for (const key of Object.keys(s.guests)) if (!guests[key]) removed[key] = now;
      const renamed = { ...s.renamed };
      for (const key of Object.keys(guests)) {
        delete removed[key];
        delete renamed[key];
      }
      return { guests, removed, renamed, loaded: true };
    }),
  upsert: (guest) =>
    set((s) => {
      const key = keyOf(guest);
      const { [key]: _gone, ...removed } = s.removed;
      const { [key]: _was, ...renamed } = s.renamed;
      return { guests: { ...s.guests, [key]: guest }, removed, renamed };
    }),
  remove: (key, renamedTo) =>
    set((s) => {
      const { [key]: _removed, ...guests } = s.guests;
      const { [key]: _before, ...renamed } = s.renamed;
      return { guests, removed: { ...s.removed, [key]: Date.now() }, renamed: renamedTo === undefined ? renamed : { ...renamed, [key]: renamedTo } };
    }),
  expectRemoval: (key, why) =>
    set((s) => {
      const { [key]: _was, ...removing } = s.removing;
      return { removing: why ? { ...removing, [key]: why } : removing };
    }),
}));

export const selectGuestList = (s: GuestStore): GuestSummary[] =>
  Object.values(s.guests).sort((a, b) => a.name.localeCompare(b.name) || a.host.localeCompare(b.host));

/**
 * A guest with a QEMU process, as the server's rules see it (@virtdeck/schema's guest
 * conditions): its console, screen and graphs are live, and definition changes wait for the
 * next start. A crashed guest is one when on_crash kept its QEMU for inspection.
 */
export function isActive(guest: Pick<GuestSummary, 'state' | 'active'>): boolean {
  return guestCondition(guest).qemu;
}
