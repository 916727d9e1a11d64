import type { GuestStats } from '../api/types';

/** One point of a guest's graphs: levels as reported, I/O as rates per second. */
export interface StatsSample {
  /** Milliseconds since the epoch. */
  t: number;
  cpuPercent: number;
  memoryKiB: number;
  rssKiB?: number;
  diskReadBps: number;
  diskWriteBps: number;
  netRxBps: number;
  netTxBps: number;
}

export interface StatsSeries {
  samples: StatsSample[];
  /** The previous raw report, to turn cumulative counters into rates. */
  previous?: { t: number; totals: Totals };
  /** Interfaces the latest report had no counters for, and why. */
  netUnavailable?: GuestStats['netUnavailable'];
}

interface Totals {
  diskRead: number;
  diskWrite: number;
  netRx: number;
  netTx: number;
}

/** Two minutes at one report a second. */
export const SERIES_LENGTH = 120;
/** A longer silence (guest stopped, stream lost) makes the previous counters useless for a rate. */
const MAX_RATE_GAP_MS = 5_000;

const sum = <T>(items: readonly T[], pick: (item: T) => number) => items.reduce((total, item) => total + pick(item), 0);

function totalsOf(stats: GuestStats): Totals {
  return {
    diskRead: sum(stats.block, (b) => b.rdBytes),
    diskWrite: sum(stats.block, (b) => b.wrBytes),
    netRx: sum(stats.net, (n) => n.rxBytes),
    netTx: sum(stats.net, (n) => n.txBytes),
  };
}

/**
 * A counter that went down means QEMU restarted and counts from zero again; a rate
 * across that, or across a long gap, would be nonsense, so it is reported as zero.
 */
function rate(now: number, before: number, seconds: number): number {
  return now >= before && seconds > 0 ? (now - before) / seconds : 0;
}

export function appendStats(series: StatsSeries | undefined, t: number, stats: GuestStats): StatsSeries {
  const totals = totalsOf(stats);
  const previous = series?.previous;
  const usable = previous !== undefined && t > previous.t && t - previous.t <= MAX_RATE_GAP_MS;
  const seconds = usable ? (t - previous.t) / 1000 : 0;
  const base = usable ? previous.totals : totals;
  const sample: StatsSample = {
    t,
    cpuPercent: Math.max(0, stats.cpuPercent),
    memoryKiB: stats.memory.currentKiB,
    diskReadBps: rate(totals.diskRead, base.diskRead, seconds),
    diskWriteBps: rate(totals.diskWrite, base.diskWrite, seconds),
    netRxBps: rate(totals.netRx, base.netRx, seconds),
    netTxBps: rate(totals.netTx, base.netTx, seconds),
  };
  if (stats.memory.rssKiB !== undefined) sample.rssKiB = stats.memory.rssKiB;
  const samples = [...(series?.samples ?? []), sample];
  if (samples.length > SERIES_LENGTH) samples.splice(0, samples.length - SERIES_LENGTH);
  return { samples, previous: { t, totals }, netUnavailable: stats.netUnavailable };
}

/** SSE timestamps may come as epoch milliseconds or ISO strings; the page clock is the fallback. */
export function timestampOf(value: number | string | undefined): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string') {
    const parsed = Date.parse(value);
    if (!Number.isNaN(parsed)) return parsed;
  }
  return Date.now();
}
