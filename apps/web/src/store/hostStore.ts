import { create } from 'zustand';
import { api, errorMessage } from '../api/client';
import { LOCAL_HOST, type HostInfo } from '../api/types';

interface HostStore {
  /** What each host can run, by host id (`local`, or a libvirt host's: its domcapabilities). */
  hosts: Record<string, HostInfo>;
  errors: Record<string, string>;
  /**
   * Fetches a host's capabilities once (`GET /api/host`, `GET /api/hosts/ID/host`); they do
   * not change while the page is open (the server reads a libvirt host's again when it reconnects).
   */
  load: (host?: string) => Promise<HostInfo | undefined>;
}

const inflight = new Map<string, Promise<HostInfo | undefined>>();

export const useHostStore = create<HostStore>()((set, get) => ({
  hosts: {},
  errors: {},
  load: (host = LOCAL_HOST) => {
    const loaded = get().hosts[host];
    if (loaded) return Promise.resolve(loaded);
    let pending = inflight.get(host);
    if (!pending) {
      pending = api.host(host).then(
        (info) => {
          set((s) => {
            const { [host]: _cleared, ...errors } = s.errors;
            return { hosts: { ...s.hosts, [host]: info }, errors };
          });
          return info;
        },
        (e: unknown) => {
          // Let a later caller try again (the server may have been restarting, the host lost).
          inflight.delete(host);
          set((s) => ({ errors: { ...s.errors, [host]: errorMessage(e) } }));
          return undefined;
        },
      );
      inflight.set(host, pending);
    }
    return pending;
  },
}));

/** The local host's capabilities: the new-guest editor and everything that is about this machine. */
export const selectLocalHost = (s: HostStore): HostInfo | undefined => s.hosts[LOCAL_HOST];
