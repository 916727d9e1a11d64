import type { GuestSummary } from '@virtdeck/server/api';
import { create } from 'zustand';

export type StreamStatus = 'connecting' | 'live' | 'reconnecting';

interface GuestStore {
  guests: Record<string, GuestSummary>;
  stream: StreamStatus;
  /** The server's full truth, as sent on (re)connect: replaces everything. */
  replaceAll: (guests: GuestSummary[]) => void;
  /** One guest's new truth: replaces that guest. */
  upsert: (guest: GuestSummary) => void;
  remove: (name: string) => void;
  setStream: (status: StreamStatus) => void;
}

export const useGuestStore = create<GuestStore>()((set) => ({
  guests: {},
  stream: 'connecting',
  replaceAll: (list) => set({ guests: Object.fromEntries(list.map((g) => [g.name, g])) }),
  upsert: (guest) => set((s) => ({ guests: { ...s.guests, [guest.name]: guest } })),
  remove: (name) =>
    set((s) => {
      const { [name]: _removed, ...rest } = s.guests;
      return { guests: rest };
    }),
  setStream: (stream) => set({ stream }),
}));

export const selectGuestList = (s: GuestStore): GuestSummary[] =>
  Object.values(s.guests).sort((a, b) => a.name.localeCompare(b.name));
