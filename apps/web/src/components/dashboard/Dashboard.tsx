import { useEffect, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { GUEST_STATES, type GuestSummary } from '../../api/types';
import { hrefFor } from '../../router';
import { guestKey, selectGuestList, useGuestStore } from '../../store/guestStore';
import { selectHostList, useHostsStore } from '../../store/hostsStore';
import { useStatsStore } from '../../store/statsStore';
import { prefetchEditor } from '../editor/loadEditorPages';
import { BulkActions } from './BulkActions';
import { useDashboardStore } from './dashboardStore';
import { GUEST_COLUMNS, GuestRow } from './GuestRow';
import { allTags, queryGuests, type CpuSnapshot, type GuestQuery, type SortColumn } from './guestQuery';
import { HostList } from './HostList';
import { HostSummary } from './HostSummary';

/**
 * The sortable header cells, in the table's column order; the name column also sorts by the
 * tags shown under each name. `title` says what a sort by it orders by where that is not plain.
 */
const HEADERS: { column: SortColumn; label: string; also?: { column: SortColumn; label: string }; title?: string }[] = [
  { column: 'name', label: 'Name', also: { column: 'tags', label: 'Tags' } },
  { column: 'host', label: 'Host' },
  { column: 'state', label: 'State' },
  { column: 'accelerator', label: 'Accelerator' },
  { column: 'vcpus', label: 'vCPUs' },
  { column: 'memory', label: 'Memory' },
  { column: 'cpu', label: 'CPU', title: 'Orders the guests by their CPU use when you sort, so that rows stay put; sort again for the use of that moment' },
];
const SORT_LABEL = Object.fromEntries(HEADERS.flatMap((h) => [[h.column, h.label], ...(h.also ? [[h.also.column, h.also.label]] : [])])) as Record<SortColumn, string>;

/** Each running guest's latest CPU figure, as its row shows it: what the CPU sort orders by. */
function cpuNow(guests: readonly GuestSummary[]): CpuSnapshot {
  const { series } = useStatsStore.getState();
  return Object.fromEntries(
    guests.flatMap((g) => {
      const key = guestKey(g.host, g.name);
      const latest = series[key]?.samples.at(-1);
      return g.state === 'running' && latest ? [[key, latest.cpuPercent] as const] : [];
    }),
  );
}

function SortButton({ column, label, sort, onSort, title }: { column: SortColumn; label: string; sort: GuestQuery['sort']; onSort: (column: SortColumn) => void; title?: string }) {
  const active = sort.column === column;
  return (
    <button type="button" className="sort-button" onClick={() => onSort(column)} title={title} data-testid={`sort-by-${column}`}>
      {label}
      <span aria-hidden="true">{active ? (sort.direction === 'ascending' ? ' ▲' : ' ▼') : ''}</span>
    </button>
  );
}

export function Dashboard() {
  const all = useGuestStore(useShallow(selectGuestList));
  const loaded = useGuestStore((s) => s.loaded);
  const hostIds = useHostsStore(useShallow((s) => selectHostList(s).map((h) => h.id)));
  const { query, selected, cpuAtSort, setQuery, sortBy, toggleAll, retain } = useDashboardStore();
  const guests = useMemo(() => queryGuests(all, query, cpuAtSort), [all, query, cpuAtSort]);
  const onSort = (column: SortColumn) => sortBy(column, column === 'cpu' ? cpuNow(all) : undefined);
  const tags = useMemo(() => allTags(all), [all]);
  const visibleKeys = useMemo(() => guests.map((g) => guestKey(g.host, g.name)), [guests]);
  const chosen = guests.filter((g) => selected[guestKey(g.host, g.name)]);
  const allChosen = visibleKeys.length > 0 && chosen.length === visibleKeys.length;
  // What a filter hides is no longer acted on: the selection is what is in view.
  useEffect(() => retain(visibleKeys), [visibleKeys, retain]);

  return (
    <section className="dashboard" data-testid="dashboard">
      <header className="page-header">
        <h1>Guests</h1>
        <a className="button primary" href={hrefFor({ page: 'new' })} data-testid="new-guest" onPointerEnter={prefetchEditor} onFocus={prefetchEditor}>
          New guest
        </a>
      </header>
      <HostSummary />
      <div className="dashboard-filters" role="search">
        <input type="search" placeholder="Search name or description" aria-label="Search guests by name or description" value={query.search} onChange={(e) => setQuery({ search: e.target.value })} data-testid="guest-search" />
        <label>
          State{' '}
          <select value={query.state} onChange={(e) => setQuery({ state: e.target.value as typeof query.state })} data-testid="state-filter">
            <option value="">any</option>
            {GUEST_STATES.map((state) => (
              <option key={state} value={state}>
                {state}
              </option>
            ))}
          </select>
        </label>
        <label>
          Tag{' '}
          <select value={query.tag} onChange={(e) => setQuery({ tag: e.target.value })} data-testid="tag-filter">
            <option value="">any</option>
            {tags.map((tag) => (
              <option key={tag} value={tag}>
                {tag}
              </option>
            ))}
          </select>
        </label>
        {hostIds.length > 1 ? (
          <label className="host-filter">
            Host{' '}
            <select value={query.host} onChange={(e) => setQuery({ host: e.target.value })} data-testid="host-filter">
              <option value="">all hosts</option>
              {hostIds.map((id) => (
                <option key={id} value={id}>
                  {id}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <BulkActions guests={chosen} />
      </div>
      {!loaded ? (
        <p className="hint">Loading guests…</p>
      ) : all.length === 0 ? (
        <p className="hint" data-testid="no-guests">
          No guests defined yet. Create one from a template or import a libvirt XML with <a href={hrefFor({ page: 'new' })}>New guest</a>.
        </p>
      ) : (
        <table className="guest-table fixed" data-testid="guest-table" aria-describedby="guest-sort-status">
          <colgroup>
            {GUEST_COLUMNS.map((c) => (
              <col key={c.id} style={{ width: c.width }} />
            ))}
          </colgroup>
          <thead>
            <tr>
              <th scope="col">
                <input type="checkbox" checked={allChosen} onChange={() => toggleAll(visibleKeys)} aria-label="Select all guests shown" data-testid="select-all" />
              </th>
              {HEADERS.map(({ column, label, also, title }) => {
                const sorted = query.sort.column === column || query.sort.column === also?.column;
                return (
                  <th scope="col" key={column} aria-sort={sorted ? query.sort.direction : 'none'} data-testid={`sort-${column}`}>
                    <SortButton column={column} label={label} sort={query.sort} onSort={onSort} title={title} />
                    {also ? (
                      <>
                        {' · '}
                        <SortButton column={also.column} label={also.label} sort={query.sort} onSort={onSort} />
                      </>
                    ) : null}
                  </th>
                );
              })}
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {guests.map((guest) => {
              const key = guestKey(guest.host, guest.name);
              return <GuestRow key={key} guest={guest} selected={selected[key] === true} />;
            })}
          </tbody>
        </table>
      )}
      <span className="visually-hidden" role="status" id="guest-sort-status" data-testid="sort-status">
        Sorted by {SORT_LABEL[query.sort.column]}, {query.sort.direction}
        {query.sort.column === 'cpu' ? ' (the use when sorted)' : ''}
      </span>
      {loaded && all.length > 0 && guests.length === 0 ? (
        <p className="hint" data-testid="no-match">
          No guest matches these filters.
        </p>
      ) : null}
      <HostList />
    </section>
  );
}
