import { formatMemoryKiB, formatPercent, formatRate } from '../../format';
import { guestKey, isActive } from '../../store/guestStore';
import { SERIES_LENGTH, type StatsSample } from '../../store/statsSeries';
import { useStatsStore } from '../../store/statsStore';
import type { GuestSummary, NetCountersGap } from '../../api/types';
import { LineChart } from '../common/LineChart';

// Set in styles.css for the light and the dark theme.
const COLORS = { a: 'var(--chart-a)', b: 'var(--chart-b)' };
const EMPTY: StatsSample[] = [];
/** The stats stream sends a code for each interface without counters; the words are here. */
const NET_GAP_TEXT = {
  'user-mode': 'user-mode networking has no host device, and QEMU 7.2 keeps no counters for it',
  unnamed: 'the host device name is not known (set <target dev=…/> to get counters)',
  'no-device': 'its host device does not exist',
} as const satisfies Record<NetCountersGap, string>;

/** CPU, memory, disk and network of one guest over the last two minutes, from the `stats` stream. */
export function GraphsPane({ guest }: { guest: GuestSummary }) {
  const key = guestKey(guest.host, guest.name);
  const samples = useStatsStore((s) => s.series[key]?.samples ?? EMPTY);
  const netUnavailable = useStatsStore((s) => s.series[key]?.netUnavailable);
  const pick = (f: (p: StatsSample) => number) => samples.map(f);
  const end = samples[samples.length - 1]?.t;
  return (
    <div className="graphs-pane" data-testid="graphs">
      {!isActive(guest) ? (
        <p className="hint">{samples.length > 0 ? 'The guest is not running; these are its last numbers.' : 'Graphs appear while the guest runs.'}</p>
      ) : null}
      <div className="chart-grid-layout">
        <LineChart title="CPU" testId="chart-cpu" capacity={SERIES_LENGTH} end={end} minMax={10} format={formatPercent} series={[{ label: 'use', color: COLORS.a, values: pick((p) => p.cpuPercent) }]} />
        <LineChart
          title="Memory"
          testId="chart-memory"
          capacity={SERIES_LENGTH}
          end={end}
          minMax={1024}
          binary
          format={formatMemoryKiB}
          series={[
            { label: 'guest', color: COLORS.a, values: pick((p) => p.memoryKiB) },
            ...(samples.some((p) => p.rssKiB !== undefined) ? [{ label: 'QEMU RSS', color: COLORS.b, values: pick((p) => p.rssKiB ?? 0) }] : []),
          ]}
        />
        <LineChart
          title="Disk I/O"
          testId="chart-disk"
          capacity={SERIES_LENGTH}
          end={end}
          minMax={1024}
          binary
          format={formatRate}
          series={[
            { label: 'read', color: COLORS.a, values: pick((p) => p.diskReadBps) },
            { label: 'write', color: COLORS.b, values: pick((p) => p.diskWriteBps) },
          ]}
        />
        <LineChart
          title="Network"
          testId="chart-net"
          capacity={SERIES_LENGTH}
          end={end}
          minMax={1024}
          binary
          format={formatRate}
          series={[
            { label: 'received', color: COLORS.a, values: pick((p) => p.netRxBps) },
            { label: 'sent', color: COLORS.b, values: pick((p) => p.netTxBps) },
          ]}
        />
      </div>
      {netUnavailable && netUnavailable.length > 0 ? (
        <ul className="hint small">
          {netUnavailable.map((n) => (
            <li key={n.device}>
              No network counters for {n.device}: {NET_GAP_TEXT[n.reason]}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
