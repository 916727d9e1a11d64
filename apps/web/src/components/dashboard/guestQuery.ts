import type { GuestState, GuestSummary } from '../../api/types';

/** The columns the dashboard sorts by (the CPU column moves every second: sorting by it would make rows jump). */
export const SORT_COLUMNS = ['name', 'host', 'state', 'accelerator', 'vcpus', 'memory'] as const;
export type SortColumn = (typeof SORT_COLUMNS)[number];
export type SortDirection = 'ascending' | 'descending';

/** '' stands for "any" in the filters. */
export interface GuestQuery {
  /** Matched, ignoring case, in the name, the title and the description. */
  search: string;
  state: GuestState | '';
  tag: string;
  host: string;
  sort: { column: SortColumn; direction: SortDirection };
}

export const DEFAULT_QUERY: GuestQuery = { search: '', state: '', tag: '', host: '', sort: { column: 'name', direction: 'ascending' } };

const byText = (a: string, b: string) => a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' });

const COMPARE: Record<SortColumn, (a: GuestSummary, b: GuestSummary) => number> = {
  name: (a, b) => byText(a.name, b.name),
  host: (a, b) => byText(a.host, b.host),
  state: (a, b) => byText(a.state, b.state),
  accelerator: (a, b) => byText(a.accelerator, b.accelerator),
  vcpus: (a, b) => a.vcpus - b.vcpus,
  memory: (a, b) => a.memoryKiB - b.memoryKiB,
};

function matches(guest: GuestSummary, query: GuestQuery, words: string[]): boolean {
  if (query.state && guest.state !== query.state) return false;
  if (query.host && guest.host !== query.host) return false;
  if (query.tag && !guest.tags.includes(query.tag)) return false;
  if (words.length === 0) return true;
  const haystack = [guest.name, guest.title ?? '', guest.description ?? ''].join('\n').toLowerCase();
  return words.every((word) => haystack.includes(word));
}

/** The guests the query shows, in its order; ties go by name, then host, so the order is stable. */
export function queryGuests(guests: readonly GuestSummary[], query: GuestQuery): GuestSummary[] {
  const words = query.search.toLowerCase().split(/\s+/).filter(Boolean);
  const compare = COMPARE[query.sort.column];
  const sign = query.sort.direction === 'ascending' ? 1 : -1;
  return guests
    .filter((guest) => matches(guest, query, words))
    .sort((a, b) => sign * compare(a, b) || COMPARE.name(a, b) || COMPARE.host(a, b));
}

/** Every tag of these guests, once, sorted: the tag filter's choices. */
export function allTags(guests: readonly GuestSummary[]): string[] {
  return [...new Set(guests.flatMap((g) => g.tags))].sort(byText);
}

/** A click on a column header: sorts by it, or turns the direction round when it already sorts. */
export function toggleSort(sort: GuestQuery['sort'], column: SortColumn): GuestQuery['sort'] {
  if (sort.column !== column) return { column, direction: 'ascending' };
  return { column, direction: sort.direction === 'ascending' ? 'descending' : 'ascending' };
}
