import { create } from 'zustand';
import { LOCAL_HOST, type StatsEvent } from '../api/types';
import { guestKey } from './guestStore';
import { appendStats, timestampOf, type StatsSeries } from './statsSeries';

interface StatsStore {
  /** By guestKey (host and name): guests of two hosts may share a name. */
  series: Record<string, StatsSeries>;
  /** One `stats` message: every running guest's numbers at one moment, the local host's and the libvirt hosts'. */
  record: (event: StatsEvent) => void;
  forget: (key: string) => void;
}

export const useStatsStore = create<StatsStore>()((set) => ({
  series: {},
  record: (event) =>
    set((s) => {
      const t = timestampOf(event.timestamp);
      const series = { ...s.series };
      const add = (host: string, guests: StatsEvent['guests']) => {
        for (const [name, stats] of Object.entries(guests)) {
          const key = guestKey(host, name);
          series[key] = appendStats(series[key], t, stats);
        }
      };
      add(LOCAL_HOST, event.guests);
      for (const [host, guests] of Object.entries(event.hosts ?? {})) add(host, guests);
      return { series };
    }),
  forget: (key) =>
    set((s) => {
      const { [key]: _gone, ...series } = s.series;
      return { series };
    }),
}));
