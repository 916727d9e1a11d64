import { useShallow } from 'zustand/react/shallow';
import { LOCAL_HOST } from '../../api/types';
import { formatBytes, formatMemoryKiB, formatPercent } from '../../format';
import { useGuestStore, type GuestStore } from '../../store/guestStore';
import { useHostUsageStore } from '../../store/hostUsageStore';

/** The local host's guests by state: from the guest list, so the count moves with a state change, not at the next sample. */
function selectLocalCounts(s: GuestStore): { running: number; paused: number; defined: number } {
  let running = 0;
  let paused = 0;
  let defined = 0;
  for (const guest of Object.values(s.guests)) {
    if (guest.host !== LOCAL_HOST) continue;
    defined++;
    if (guest.state === 'running') running++;
    else if (guest.state === 'paused') paused++;
  }
  return { running, paused, defined };
}

function Figure({ label, value, share, testId, title }: { label: string; value: string; share?: number; testId: string; title?: string }) {
  return (
    <div className="host-figure" title={title}>
      <span className="host-figure-label">{label}</span>
      <span className="host-figure-value" data-testid={testId}>
        {value}
      </span>
      {share === undefined ? null : (
        <span className="host-figure-bar" role="presentation">
          <span style={{ width: `${Math.min(100, Math.max(0, share)).toFixed(1)}%` }} />
        </span>
      )}
    </div>
  );
}

/**
 * The machine virtdeck runs on, at the top of the dashboard: CPU use of all its cores, memory in
 * use, the file system of the state directory (images, logs and dumps grow there) and its guests.
 */
export function HostSummary() {
  const usage = useHostUsageStore((s) => s.usage);
  const counts = useGuestStore(useShallow(selectLocalCounts));
  const guests = `${counts.running} running${counts.paused > 0 ? `, ${counts.paused} paused` : ''} of ${counts.defined} defined`;
  if (!usage) {
    return (
      <section className="host-summary" aria-label="This host" data-testid="host-summary">
        <Figure label="Guests" value={guests} testId="host-guests" />
        <span className="hint">Sampling the host…</span>
      </section>
    );
  }
  const { cpu, memory, disk } = usage;
  const diskShare = disk.totalBytes > 0 ? (disk.usedBytes / disk.totalBytes) * 100 : 0;
  return (
    <section className="host-summary" aria-label="This host" data-testid="host-summary">
      <Figure label="CPU" value={`${formatPercent(cpu.usePercent)} of ${cpu.cores} ${cpu.cores === 1 ? 'core' : 'cores'}`} share={cpu.usePercent} testId="host-cpu" />
      <Figure label="Memory" value={`${formatMemoryKiB(memory.usedKiB)} / ${formatMemoryKiB(memory.totalKiB)}`} share={(memory.usedKiB / memory.totalKiB) * 100} testId="host-memory" />
      <Figure
        label="State directory"
        value={`${formatBytes(disk.usedBytes)} used, ${formatBytes(disk.freeBytes)} free`}
        share={diskShare}
        testId="host-disk"
        title={`The file system of ${disk.path}, where definitions, images, logs and dumps are kept`}
      />
      <Figure label="Guests" value={guests} testId="host-guests" />
    </section>
  );
}
