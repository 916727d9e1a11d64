import { memo, useMemo } from 'react';
import { LOCAL_HOST, type GuestSummary } from '../../api/types';
import type { StatsSample } from '../../store/statsSeries';
import { formatMemoryKiB, formatPercent } from '../../format';
import { hrefFor } from '../../router';
import { guestKey } from '../../store/guestStore';
import { useHostsStore } from '../../store/hostsStore';
import { useStatsStore } from '../../store/statsStore';
import { ErrorLine } from '../common/ErrorLine';
import { Sparkline } from '../common/Sparkline';
import { StateBadge } from '../common/StateBadge';
import { GuestActions } from '../guest/GuestActions';
import { useDashboardStore } from './dashboardStore';
import { GuestThumbnail } from './GuestThumbnail';
import { TagEditor } from './TagEditor';

/** Columns of the guest table, in order, with fixed widths so that nothing moves when a state or an error changes. */
export const GUEST_COLUMNS = [
  { id: 'select', width: '2.5rem' },
  { id: 'name', width: '18%' },
  { id: 'host', width: '7rem' },
  { id: 'state', width: '9.5rem' },
  { id: 'accelerator', width: '6.5rem' },
  { id: 'vcpus', width: '4.5rem' },
  { id: 'memory', width: '6.5rem' },
  { id: 'cpu', width: '10rem' },
  { id: 'actions', width: 'auto' },
] as const;

/**
 * A guest's row; its last error goes on a row of its own below, cut to one line with
 * "details". Memoized: a guest's new summary re-renders its row only (the CPU cell follows
 * the stats by itself). A guest of a host that cannot be reached is greyed: its state is the
 * last known. Test ids name a local guest by its name, another host's as HOST/NAME.
 */
export const GuestRow = memo(function GuestRow({ guest, selected }: { guest: GuestSummary; selected: boolean }) {
  const { name, host } = guest;
  const local = host === LOCAL_HOST;
  const key = guestKey(host, name);
  const id = local ? name : key;
  const toggle = useDashboardStore((s) => s.toggle);
  const hostState = useHostsStore((s) => s.hosts[host]?.state);
  const unreachable = hostState !== undefined && hostState !== 'connected';
  const classes = [guest.error ? 'has-error' : '', unreachable ? 'host-unreachable' : '', selected ? 'selected' : ''].filter(Boolean).join(' ');
  return (
    <>
      <tr data-testid={`vm-${id}`} className={classes || undefined}>
        <td>
          <input type="checkbox" checked={selected} onChange={() => toggle(key)} aria-label={`Select ${name}`} data-testid={`vm-${id}-select`} />
        </td>
        <td className="name-cell">
          <a className="guest-link" href={hrefFor({ page: 'guest', host, name, tab: 'console' })} data-testid={`vm-${id}-link`}>
            {name}
          </a>
          {guest.title ? <div className="guest-title">{guest.title}</div> : null}
          <GuestThumbnail guest={guest} testId={`vm-${id}-thumbnail`} />
          <TagEditor guest={guest} />
        </td>
        <td data-testid={`vm-${id}-host`} className="clip">
          {host}
          {unreachable ? (
            <span className="tag" title="virtdeck cannot reach this host; the state shown is the last known" data-testid={`vm-${id}-host-state`}>
              {hostState}
            </span>
          ) : null}
        </td>
        <td className="clip">
          <StateBadge name={id} state={guest.state} reason={guest.reason} />
          {guest.pendingChanges ? (
            <span className="tag" title="The saved definition differs from the one this guest was started with" data-testid={`vm-${id}-pending`}>
              changes at next start
            </span>
          ) : null}
        </td>
        <td data-testid={`vm-${id}-accelerator`}>{guest.accelerator}</td>
        <td className="num" data-testid={`vm-${id}-vcpus`}>
          {guest.vcpus}
        </td>
        <td className="num" data-testid={`vm-${id}-memory`}>
          {formatMemoryKiB(guest.memoryKiB)}
        </td>
        <td className="clip">
          <CpuSparkline statsKey={key} id={id} name={name} active={guest.state === 'running'} />
        </td>
        <td>
          <GuestActions guest={guest} compact />
        </td>
      </tr>
      {guest.error ? (
        <tr className="error-row">
          <td />
          <td colSpan={GUEST_COLUMNS.length - 1}>
            <ErrorLine message={guest.error} testId={`vm-${id}-last-error`} />
          </td>
        </tr>
      ) : null}
    </>
  );
});

const NO_SAMPLES: readonly StatsSample[] = [];
/** With the figure beside it, within the CPU column (the figure ran under the Actions column's buttons with a 120 px line). */
const SPARKLINE_WIDTH = 72;

/**
 * Subscribes to its guest's samples array only: a stats message leaves the arrays of guests it
 * does not report (stopped ones) as they were, so only the rows of running guests re-render,
 * and the last minute's values are worked out once per new sample, not in the store's selector.
 */
const CpuSparkline = memo(function CpuSparkline({ statsKey, id, name, active }: { statsKey: string; id: string; name: string; active: boolean }) {
  const samples = useStatsStore((s) => s.series[statsKey]?.samples ?? NO_SAMPLES);
  const values = useMemo(() => samples.slice(-60).map((p) => p.cpuPercent), [samples]);
  const latest = values[values.length - 1];
  return (
    <span className="cpu-cell" data-testid={`vm-${id}-cpu`}>
      <Sparkline values={values} max={100} width={SPARKLINE_WIDTH} label={`CPU use of ${name} over the last minute`} />
      <span className="cpu-value">{active && latest !== undefined ? formatPercent(latest) : '–'}</span>
    </span>
  );
});
