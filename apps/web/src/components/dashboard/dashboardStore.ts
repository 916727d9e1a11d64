import { create } from 'zustand';
import { DEFAULT_QUERY, toggleSort, type CpuSnapshot, type GuestQuery, type SortColumn } from './guestQuery';

/**
 * What the dashboard shows and which guests are selected (by guestKey). Kept outside the
 * component, so that it is still there after a visit to a guest's page.
 */
export interface DashboardStore {
  query: GuestQuery;
  selected: Record<string, true>;
  /** The CPU use the CPU sort orders by: taken when that sort was chosen. */
  cpuAtSort: CpuSnapshot;
  setQuery: (change: Partial<GuestQuery>) => void;
  /** A header chosen: sorts by its column, or turns the direction round; the CPU sort takes `cpu` as its snapshot. */
  sortBy: (column: SortColumn, cpu?: CpuSnapshot) => void;
  toggle: (key: string) => void;
  /** Select all of these, or, when all of them are selected already, none. */
  toggleAll: (keys: readonly string[]) => void;
  /** Keep only the selected guests among these (the others went away or are filtered out). */
  retain: (keys: readonly string[]) => void;
}

export const useDashboardStore = create<DashboardStore>()((set) => ({
  query: DEFAULT_QUERY,
  selected: {},
  cpuAtSort: {},
  setQuery: (change) => set((s) => ({ query: { ...s.query, ...change } })),
  sortBy: (column, cpu) => set((s) => ({ query: { ...s.query, sort: toggleSort(s.query.sort, column) }, ...(cpu ? { cpuAtSort: cpu } : {}) })),
  toggle: (key) =>
    set((s) => {
      const { [key]: was, ...rest } = s.selected;
      return { selected: was ? rest : { ...rest, [key]: true } };
    }),
  toggleAll: (keys) =>
    set((s) => {
      const all = keys.length > 0 && keys.every((key) => s.selected[key]);
      return { selected: all ? {} : Object.fromEntries(keys.map((key) => [key, true as const])) };
    }),
  retain: (keys) =>
    set((s) => {
      const kept = keys.filter((key) => s.selected[key]);
      return kept.length === Object.keys(s.selected).length ? s : { selected: Object.fromEntries(kept.map((key) => [key, true as const])) };
    }),
}));
