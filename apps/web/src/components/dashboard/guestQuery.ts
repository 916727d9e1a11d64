import type { GuestState, GuestSummary } from '../../api/types';
import { guestKey } from '../../store/guestStore';

/**
 * The columns the dashboard sorts by. The CPU figure moves every second: sorting by it orders the
 * guests by their use when the header was chosen (a snapshot), so that rows do not jump under the pointer.
 */
export const SORT_COLUMNS = ['name', 'tags', 'host', 'state', 'accelerator', 'vcpus', 'memory', 'cpu'] as const;
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

/** CPU use in percent by guestKey when the CPU sort was chosen; a guest not in it (not running then) counts as below 0 %. */
export type CpuSnapshot = Readonly<Record<string, number>>;

export const DEFAULT_QUERY: GuestQuery = { search: '', state: '', tag: '', host: '', sort: { column: 'name', direction: 'ascending' } };

const byText = (a: string, b: string) => a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' });

/** Tag lists compared tag by tag in their sorted order, a shorter list first on a tie; untagged guests after every tagged one (ascending). */
function compareTags(a: GuestSummary, b: GuestSummary): number {
  if (a.tags.length === 0 || b.tags.length === 0) return Number(a.tags.length === 0) - Number(b.tags.length === 0);
  const [x, y] = [[...a.tags].sort(byText), [...b.tags].sort(byText)];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const order = byText(x[i]!, y[i]!);
    if (order !== 0) return order;
  }
  return x.length - y.length;
}
const cpuOf = (cpu: CpuSnapshot, guest: GuestSummary) => cpu[guestKey(guest.host, guest.name)] ?? -1;

type Compare = (a: GuestSummary, b: GuestSummary, cpu: CpuSnapshot) => number;
const COMPARE: Record<SortColumn, Compare> = {
  name: (a, b) => byText(a.name, b.name),
  tags: compareTags,
  host: (a, b) => byText(a.host, b.host),
  state: (a, b) => byText(a.state, b.state),
  accelerator: (a, b) => byText(a.accelerator, b.accelerator),
  vcpus: (a, b) => a.vcpus - b.vcpus,
  memory: (a, b) => a.memoryKiB - b.memoryKiB,
  cpu: (a, b, cpu) => cpuOf(cpu, a) - cpuOf(cpu, b),
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
export function queryGuests(guests: readonly GuestSummary[], query: GuestQuery, cpu: CpuSnapshot = {}): GuestSummary[] {
  const words = query.search.toLowerCase().split(/\s+/).filter(Boolean);
  const compare = COMPARE[query.sort.column];
  const sign = query.sort.direction === 'ascending' ? 1 : -1;
  return guests
    .filter((guest) => matches(guest, query, words))
    .sort((a, b) => sign * compare(a, b, cpu) || COMPARE.name(a, b, cpu) || COMPARE.host(a, b, cpu));
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
