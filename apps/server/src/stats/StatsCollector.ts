import type { BalloonInfo, BlockStats, QmpClient } from '@virtdeck/qmp';
import type { BlockStatsEntry, GuestStats, NetCountersGap, NetStatsEntry, StatsEvent } from '../api.js';
import { cpuTimeNs, rssKiB, tapCounters } from './procStats.js';

/** One running guest, as the collector needs it. */
export interface StatsSource {
  name: string;
  pid: number;
  /** Absent while the monitor is not connected: only /proc figures then. */
  qmp?: QmpClient;
  memoryKiB: number;
  /** The definition has a balloon device (`query-balloon` fails without one). */
  balloon: boolean;
  interfaces: { type: string; targetDev?: string; label: string }[];
}

/** A stats query must not hold up the once-a-second message for long. */
const QUERY_TIMEOUT_MS = 800;

/**
 * Samples every running guest: CPU time and RSS from /proc, memory from the balloon,
 * block I/O from `query-blockstats`, network counters from the host side of tap devices.
 * User-mode networking has no host device and QEMU 7.2 has no counters for it
 * (`query-stats` knows only KVM statistics), so such interfaces are listed as unavailable.
 */
export class StatsCollector {
  private readonly previous = new Map<string, { cpuTimeNs: number; at: number }>();

  async collect(sources: readonly StatsSource[]): Promise<StatsEvent> {
    const timestamp = Date.now();
    const samples = await Promise.all(sources.map(async (source) => [source.name, await this.sample(source)] as const));
    const guests: Record<string, GuestStats> = {};
    for (const [name, stats] of samples) if (stats) guests[name] = stats;
    for (const name of this.previous.keys()) if (!(name in guests)) this.previous.delete(name);
    return { timestamp, guests };
  }

  private async sample(source: StatsSource): Promise<GuestStats | undefined> {
    const cpu = cpuTimeNs(source.pid);
    if (cpu === undefined) return undefined;
    const at = performance.now();
    const before = this.previous.get(source.name);
    this.previous.set(source.name, { cpuTimeNs: cpu, at });
    const cpuPercent = before && at > before.at ? Math.max(0, ((cpu - before.cpuTimeNs) / ((at - before.at) * 1e6)) * 100) : 0;

    const [balloon, block] = await Promise.all([
      source.balloon && source.qmp ? query<BalloonInfo>(source.qmp, 'query-balloon') : undefined,
      source.qmp ? query<BlockStats[]>(source.qmp, 'query-blockstats') : undefined,
    ]);
    const balloonKiB = balloon ? Math.round(balloon.actual / 1024) : undefined;
    const memory: GuestStats['memory'] = { currentKiB: balloonKiB ?? source.memoryKiB };
    if (balloonKiB !== undefined) memory.balloonKiB = balloonKiB;
    const rss = rssKiB(source.pid);
    if (rss !== undefined) memory.rssKiB = rss;

    const net: NetStatsEntry[] = [];
    const netUnavailable: { device: string; reason: NetCountersGap }[] = [];
    for (const nic of source.interfaces) {
      const counters = nic.targetDev ? tapCounters(nic.targetDev) : undefined;
      if (counters && nic.targetDev) net.push({ device: nic.targetDev, ...counters });
      else netUnavailable.push({ device: nic.label, reason: unavailableReason(nic) });
    }
    const stats: GuestStats = { cpuTimeNs: cpu, cpuPercent: Math.round(cpuPercent * 10) / 10, memory, block: blockEntries(block ?? []), net };
    if (netUnavailable.length > 0) stats.netUnavailable = netUnavailable;
    return stats;
  }
}

function unavailableReason(nic: StatsSource['interfaces'][number]): NetCountersGap {
  if (nic.type === 'user') return 'user-mode';
  if (!nic.targetDev) return 'unnamed';
  return 'no-device';
}

/** QEMU's block devices: named by the guest device's id (`virtio-disk0`), else drive or node name. */
function blockEntries(stats: readonly BlockStats[]): BlockStatsEntry[] {
  return stats.map((entry) => ({
    device: deviceLabel(entry),
    rdBytes: entry.stats.rd_bytes,
    wrBytes: entry.stats.wr_bytes,
    rdOps: entry.stats.rd_operations,
    wrOps: entry.stats.wr_operations,
  }));
}

function deviceLabel(entry: BlockStats): string {
  const qdev = entry.qdev?.replace(/^\/machine\/peripheral(-anon)?\//, '').replace(/\/virtio-backend$/, '');
  return qdev || entry.device || entry['node-name'] || 'unknown';
}

async function query<T>(qmp: QmpClient, command: string): Promise<T | undefined> {
  try {
    return await qmp.execute<T>(command, undefined, { timeoutMs: QUERY_TIMEOUT_MS });
  } catch {
    return undefined;
  }
}
