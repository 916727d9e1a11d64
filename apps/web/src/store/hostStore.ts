import { create } from 'zustand';
import { api, errorMessage } from '../api/client';
import type { HostInfo } from '../api/types';

interface HostStore {
  host?: HostInfo;
  error?: string;
  /** Fetches `GET /api/host` once; the capabilities do not change while the page is open. */
  load: () => Promise<HostInfo | undefined>;
}

let inflight: Promise<HostInfo | undefined> | undefined;

export const useHostStore = create<HostStore>()((set, get) => ({
  load: () => {
    const loaded = get().host;
    if (loaded) return Promise.resolve(loaded);
    inflight ??= api.host().then(
      (host) => {
        set({ host, error: undefined });
        return host;
      },
      (e: unknown) => {
        // Let a later caller try again (the server may have been restarting).
        inflight = undefined;
        set({ error: errorMessage(e) });
        return undefined;
      },
    );
    return inflight;
  },
}));
