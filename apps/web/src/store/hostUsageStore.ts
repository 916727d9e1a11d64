import { create } from 'zustand';
import type { HostUsageEvent } from '../api/types';

interface HostUsageStore {
  /** The server's machine as last sampled; absent until the first message. */
  usage?: HostUsageEvent;
  record: (usage: HostUsageEvent) => void;
}

/** The machine the server runs on (the dashboard's host summary); the stream sends a new sample every few seconds. */
export const useHostUsageStore = create<HostUsageStore>()((set) => ({
  record: (usage) => set({ usage }),
}));
