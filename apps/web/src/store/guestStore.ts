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
  /** Of those, the ones renamed or moved to another host (elsewhere or here), with where they are now. */
  wentTo: Record<string, GuestPlace>;
  /** Deletions and renames asked for from this page, so they are not reported as "deleted elsewhere". */
  removing: Record<string, RemovalReason>;
  /** True once the first snapshot has arrived: before that, an absent guest is merely unknown. */
  loaded: boolean;
  /** The server's full truth, as sent on every (re)connect: replaces everything. */
  replaceAll: (guests: GuestSummary[]) => void;
  /** One guest's new truth: replaces that guest. */
  upsert: (guest: GuestSummary) => void;
  /** `wentTo`: the guest is defined again there (renamed on its host, or moved to another one). */
  remove: (key: string, wentTo?: GuestPlace) => void;
  expectRemoval: (key: string, why: RemovalReason | false) => void;
}

export type RemovalReason = 'delete' | 'rename';

/** Where a guest is: its host and its name. */
export interface GuestPlace {
  host: string;
  name: string;
}

export const useGuestStore = create<GuestStore>()((set) => ({
  guests: {},
  removed: {},
  wentTo: {},
  removing: {},
  loaded: false,
  replaceAll: (list) =>
    set((s) => {
      const guests = Object.fromEntries(list.map((g) => [keyOf(g), g]));
      const removed = { ...s.removed };
      const now = Date.now();
      // A guest deleted while the stream was down shows up only as missing from the snapshot.
      if (s.loaded) for (const key of Object.keys(s.guests)) if (!guests[key]) removed[key] = now;
      const wentTo = { ...s.wentTo };
      for (const key of Object.keys(guests)) {
        delete removed[key];
        delete wentTo[key];
      }
      return { guests, removed, wentTo, loaded: true };
    }),
  upsert: (guest) =>
    set((s) => {
      const key = keyOf(guest);
      const { [key]: _gone, ...removed } = s.removed;
      const { [key]: _was, ...wentTo } = s.wentTo;
      return { guests: { ...s.guests, [key]: guest }, removed, wentTo };
    }),
  remove: (key, to) =>
    set((s) => {
      const { [key]: _removed, ...guests } = s.guests;
      const { [key]: _before, ...wentTo } = s.wentTo;
      return { guests, removed: { ...s.removed, [key]: Date.now() }, wentTo: to === undefined ? wentTo : { ...wentTo, [key]: to } };
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
