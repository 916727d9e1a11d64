import { create } from 'zustand';
import type { HostSummary } from '../api/types';

interface HostsStore {
  /** By host id, as the event stream last sent them. */
  hosts: Record<string, HostSummary>;
  /** The server sends the whole list after any change: it replaces what was known. */
  replaceAll: (hosts: HostSummary[]) => void;
}

/** The hosts (local and libvirt connections) and where each stands; the dashboard shows a lost host's guests greyed. */
export const useHostsStore = create<HostsStore>()((set) => ({
  hosts: {},
  replaceAll: (list) => set({ hosts: Object.fromEntries(list.map((h) => [h.id, h])) }),
}));

/** The local host first, then the others by id. */
export const selectHostList = (s: HostsStore): HostSummary[] =>
  Object.values(s.hosts).sort((a, b) => Number(b.driver === 'embedded') - Number(a.driver === 'embedded') || a.id.localeCompare(b.id));
