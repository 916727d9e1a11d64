import { describe, expect, it } from 'vitest';
import type { GuestStats } from '../api/types';
import { appendStats, SERIES_LENGTH, timestampOf } from './statsSeries';

const stats = (over: Partial<GuestStats> & { rd?: number; wr?: number; rx?: number; tx?: number } = {}): GuestStats => ({
  cpuTimeNs: 0,
  cpuPercent: over.cpuPercent ?? 5,
  memory: over.memory ?? { currentKiB: 262144 },
  block: [{ device: 'vda', rdBytes: over.rd ?? 0, wrBytes: over.wr ?? 0, rdOps: 0, wrOps: 0 }],
  net: [{ device: 'tap0', rxBytes: over.rx ?? 0, txBytes: over.tx ?? 0, rxPackets: 0, txPackets: 0 }],
});

describe('appendStats', () => {
  it('turns cumulative disk and network counters into rates per second', () => {
    let series = appendStats(undefined, 1_000, stats({ rd: 1000, wr: 0, rx: 500, tx: 100 }));
    series = appendStats(series, 3_000, stats({ rd: 5000, wr: 2048, rx: 1500, tx: 100 }));
    const last = series.samples.at(-1)!;
    expect(last).toMatchObject({ diskReadBps: 2000, diskWriteBps: 1024, netRxBps: 500, netTxBps: 0 });
  });

  it('reports zero for the first sample, after a long gap and when a counter restarts', () => {
    let series = appendStats(undefined, 1_000, stats({ rd: 1000 }));
    expect(series.samples[0]!.diskReadBps).toBe(0);
    series = appendStats(series, 60_000, stats({ rd: 900_000 }));
    expect(series.samples.at(-1)!.diskReadBps).toBe(0);
    series = appendStats(series, 61_000, stats({ rd: 10 }));
    expect(series.samples.at(-1)!.diskReadBps).toBe(0);
    series = appendStats(series, 62_000, stats({ rd: 1034 }));
    expect(series.samples.at(-1)!.diskReadBps).toBe(1024);
  });

  it('keeps two minutes of samples', () => {
    let series = appendStats(undefined, 0, stats());
    for (let i = 1; i < SERIES_LENGTH + 30; i++) series = appendStats(series, i * 1000, stats({ cpuPercent: i }));
    expect(series.samples).toHaveLength(SERIES_LENGTH);
    expect(series.samples.at(-1)!.cpuPercent).toBe(SERIES_LENGTH + 29);
  });

  it('sums every disk and every interface', () => {
    const two: GuestStats = {
      ...stats(),
      block: [
        { device: 'vda', rdBytes: 100, wrBytes: 0, rdOps: 0, wrOps: 0 },
        { device: 'vdb', rdBytes: 100, wrBytes: 0, rdOps: 0, wrOps: 0 },
      ],
    };
    let series = appendStats(undefined, 0, two);
    series = appendStats(series, 1000, { ...two, block: two.block.map((b) => ({ ...b, rdBytes: b.rdBytes + 50 })) });
    expect(series.samples.at(-1)!.diskReadBps).toBe(100);
  });
});

describe('timestampOf', () => {
  it('reads epoch milliseconds and ISO strings', () => {
    expect(timestampOf(1_700_000_000_000)).toBe(1_700_000_000_000);
    expect(timestampOf('2026-11-27T10:00:00.000Z')).toBe(Date.parse('2026-11-27T10:00:00.000Z'));
  });
});
