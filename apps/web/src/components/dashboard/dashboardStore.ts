import { create } from 'zustand';
import { DEFAULT_QUERY, type GuestQuery } from './guestQuery';

/**
 * What the dashboard shows and which guests are selected (by guestKey). Kept outside the
 * component, so that it is still there after a visit to a guest's page.
 */
export interface DashboardStore {
  query: GuestQuery;
  selected: Record<string, true>;
  setQuery: (change: Partial<GuestQuery>) => void;
  toggle: (key: string) => void;
  /** Select all of these, or, when all of them are selected already, none. */
  toggleAll: (keys: readonly string[]) => void;
  /** Keep only the selected guests among these (the others went away or are filtered out). */
  retain: (keys: readonly string[]) => void;
}

export const useDashboardStore = create<DashboardStore>()((set) => ({
  query: DEFAULT_QUERY,
  selected: {},
  setQuery: (change) => set((s) => ({ query: { ...s.query, ...change } })),
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
