import { create } from 'zustand';
import type { StatsEvent } from '../api/types';
import { appendStats, timestampOf, type StatsSeries } from './statsSeries';

interface StatsStore {
  series: Record<string, StatsSeries>;
  /** One `stats` message: every running guest's numbers at one moment. */
  record: (event: StatsEvent) => void;
  forget: (name: string) => void;
}

export const useStatsStore = create<StatsStore>()((set) => ({
  series: {},
  record: (event) =>
    set((s) => {
      const t = timestampOf(event.timestamp);
      const series = { ...s.series };
      for (const [name, stats] of Object.entries(event.guests)) series[name] = appendStats(series[name], t, stats);
      return { series };
    }),
  forget: (name) =>
    set((s) => {
      const { [name]: _gone, ...series } = s.series;
      return { series };
    }),
}));
