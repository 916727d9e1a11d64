import { create } from 'zustand';
import type { GuestSummary } from '../api/types';

export interface GuestStore {
  guests: Record<string, GuestSummary>;
  /** Guests that went away while this page was open, with when: a guest page explains it. */
  removed: Record<string, number>;
  /** Deletions asked for from this page, so they are not reported as "deleted elsewhere". */
  removing: Record<string, true>;
  /** True once the first snapshot has arrived: before that, an absent guest is merely unknown. */
  loaded: boolean;
  /** The server's full truth, as sent on every (re)connect: replaces everything. */
  replaceAll: (guests: GuestSummary[]) => void;
  /** One guest's new truth: replaces that guest. */
  upsert: (guest: GuestSummary) => void;
  remove: (name: string) => void;
  expectRemoval: (name: string, expected: boolean) => void;
}

export const useGuestStore = create<GuestStore>()((set) => ({
  guests: {},
  removed: {},
  removing: {},
  loaded: false,
  replaceAll: (list) =>
    set((s) => {
      const guests = Object.fromEntries(list.map((g) => [g.name, g]));
      const removed = { ...s.removed };
      const now = Date.now();
      // A guest deleted while the stream was down shows up only as missing from the snapshot.
      if (s.loaded) for (const name of Object.keys(s.guests)) if (!guests[name]) removed[name] = now;
      for (const name of Object.keys(guests)) delete removed[name];
      return { guests, removed, loaded: true };
    }),
  upsert: (guest) =>
    set((s) => {
      const { [guest.name]: _gone, ...removed } = s.removed;
      return { guests: { ...s.guests, [guest.name]: guest }, removed };
    }),
  remove: (name) =>
    set((s) => {
      const { [name]: _removed, ...guests } = s.guests;
      return { guests, removed: { ...s.removed, [name]: Date.now() } };
    }),
  expectRemoval: (name, expected) =>
    set((s) => {
      const { [name]: _was, ...removing } = s.removing;
      return { removing: expected ? { ...removing, [name]: true } : removing };
    }),
}));

export const selectGuestList = (s: GuestStore): GuestSummary[] =>
  Object.values(s.guests).sort((a, b) => a.name.localeCompare(b.name));

/** A guest with a QEMU process: it can be forced off, and its definition changes wait for the next start. */
export function isActive(guest: Pick<GuestSummary, 'state'>): boolean {
  return guest.state === 'running' || guest.state === 'paused' || guest.state === 'shutdown';
}
