import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { LOCAL_HOST, type GuestSummary } from '../../api/types';
import { formatMemoryKiB, formatPercent } from '../../format';
import { hrefFor } from '../../router';
import { guestKey, selectGuestList, useGuestStore } from '../../store/guestStore';
import { selectHostList, useHostsStore } from '../../store/hostsStore';
import { useStatsStore } from '../../store/statsStore';
import { ErrorLine } from '../common/ErrorLine';
import { Sparkline } from '../common/Sparkline';
import { StateBadge } from '../common/StateBadge';
import { prefetchEditor } from '../editor/loadEditorPages';
import { GuestActions } from '../guest/GuestActions';
import { GuestThumbnail } from './GuestThumbnail';
import { HostList } from './HostList';

/** The host filter's value for every host. */
const ALL_HOSTS = '';

export function Dashboard() {
  const all = useGuestStore(useShallow(selectGuestList));
  const loaded = useGuestStore((s) => s.loaded);
  const hostIds = useHostsStore(useShallow((s) => selectHostList(s).map((h) => h.id)));
  const [hostFilter, setHostFilter] = useState(ALL_HOSTS);
  const guests = hostFilter === ALL_HOSTS ? all : all.filter((g) => g.host === hostFilter);
  return (
    <section className="dashboard" data-testid="dashboard">
      <header className="page-header">
        <h2>Guests</h2>
        {hostIds.length > 1 ? (
          <label className="host-filter">
            Host{' '}
            <select value={hostFilter} onChange={(e) => setHostFilter(e.target.value)} data-testid="host-filter">
              <option value={ALL_HOSTS}>all hosts</option>
              {hostIds.map((id) => (
                <option key={id} value={id}>
                  {id}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <a className="button primary" href={hrefFor({ page: 'new' })} data-testid="new-guest" onPointerEnter={prefetchEditor} onFocus={prefetchEditor}>
          New guest
        </a>
      </header>
      {!loaded ? (
        <p className="hint">Loading guests…</p>
      ) : guests.length === 0 ? (
        <p className="hint" data-testid="no-guests">
          No guests defined yet. Create one from a template or import a libvirt XML with <a href={hrefFor({ page: 'new' })}>New guest</a>.
        </p>
      ) : (
        <table className="guest-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Host</th>
              <th scope="col">State</th>
              <th scope="col">Accelerator</th>
              <th scope="col">vCPUs</th>
              <th scope="col">Memory</th>
              <th scope="col">CPU</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {guests.map((guest) => (
              <GuestRow key={guestKey(guest.host, guest.name)} guest={guest} />
            ))}
          </tbody>
        </table>
      )}
      <HostList />
    </section>
  );
}

const COLUMNS = 8;

/**
 * A guest's row; its last error goes on a row of its own below, so the columns keep their
 * widths. A guest of a host that cannot be reached is greyed: its state is the last known.
 * Test ids name a local guest by its name, another host's as HOST/NAME.
 */
function GuestRow({ guest }: { guest: GuestSummary }) {
  const { name, host } = guest;
  const local = host === LOCAL_HOST;
  const id = local ? name : guestKey(host, name);
  const hostState = useHostsStore((s) => s.hosts[host]?.state);
  const unreachable = hostState !== undefined && hostState !== 'connected';
  const classes = [guest.error ? 'has-error' : '', unreachable ? 'host-unreachable' : ''].filter(Boolean).join(' ');
  return (
    <>
      <tr data-testid={`vm-${id}`} className={classes || undefined}>
        <td>
          {local ? (
            <a className="guest-link" href={hrefFor({ page: 'guest', name, tab: 'console' })} data-testid={`vm-${id}-link`}>
              {name}
            </a>
          ) : (
            <span className="guest-link">{name}</span>
          )}
          {guest.title ? <div className="guest-title">{guest.title}</div> : null}
          {local ? <GuestThumbnail guest={guest} /> : null}
        </td>
        <td data-testid={`vm-${id}-host`}>
          {host}
          {unreachable ? (
            <span className="tag" title="virtdeck cannot reach this host; the state shown is the last known" data-testid={`vm-${id}-host-state`}>
              {hostState}
            </span>
          ) : null}
        </td>
        <td>
          <StateBadge name={id} state={guest.state} />
          {guest.pendingChanges ? (
            <span className="tag" title="The saved definition differs from the one this guest was started with" data-testid={`vm-${id}-pending`}>
              changes at next start
            </span>
          ) : null}
        </td>
        <td data-testid={`vm-${id}-accelerator`}>{guest.accelerator}</td>
        <td className="num" data-testid={`vm-${id}-vcpus`}>{guest.vcpus}</td>
        <td className="num" data-testid={`vm-${id}-memory`}>{formatMemoryKiB(guest.memoryKiB)}</td>
        <td>{local ? <CpuSparkline name={name} active={guest.state === 'running'} /> : null}</td>
        <td>
          <GuestActions guest={guest} compact />
        </td>
      </tr>
      {guest.error ? (
        <tr className="error-row">
          <td colSpan={COLUMNS}>
            <ErrorLine message={guest.error} testId={`vm-${id}-last-error`} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

function CpuSparkline({ name, active }: { name: string; active: boolean }) {
  const values = useStatsStore(useShallow((s) => (s.series[name]?.samples ?? []).slice(-60).map((p) => p.cpuPercent)));
  const latest = values[values.length - 1];
  return (
    <span className="cpu-cell" data-testid={`vm-${name}-cpu`}>
      <Sparkline values={values} max={100} label={`CPU use of ${name} over the last minute`} />
      <span className="cpu-value">{active && latest !== undefined ? formatPercent(latest) : '–'}</span>
    </span>
  );
}
