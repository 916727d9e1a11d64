import { readFileSync, statfsSync } from 'node:fs';
import type { HostUsageEvent } from '../api.js';

/** The all-CPU line of /proc/stat: busy and total jiffies since boot. */
export interface CpuTimes {
  busy: number;
  total: number;
}

/**
 * /proc/stat's `cpu` line (user nice system idle iowait irq softirq steal guest guest_nice)
 * and the number of `cpuN` lines. Idle and iowait are idle; guest time is already counted
 * in user and nice, so it is left out of the total.
 */
export function parseProcStat(text: string): { times: CpuTimes; cores: number } {
  let times: CpuTimes | undefined;
  let cores = 0;
  for (const line of text.split('\n')) {
    if (/^cpu\d+\s/.test(line)) cores++;
    else if (/^cpu\s/.test(line)) {
      const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number);
      const total = user + nice + system + idle + iowait + irq + softirq + steal;
      times = { busy: total - idle - iowait, total };
    }
  }
  if (!times || cores === 0) throw new Error('/proc/stat has no cpu lines');
  return { times, cores };
}

/** MemTotal and MemAvailable of /proc/meminfo; used is what is not available, as `free` counts it. */
export function parseMeminfo(text: string): { totalKiB: number; usedKiB: number } {
  const field = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(text);
    if (!match?.[1]) throw new Error(`/proc/meminfo has no ${name}`);
    return Number(match[1]);
  };
  const totalKiB = field('MemTotal');
  return { totalKiB, usedKiB: totalKiB - field('MemAvailable') };
}

/** Share of the jiffies between two readings that were busy, in percent of all cores. */
export function cpuUsePercent(before: CpuTimes, after: CpuTimes): number {
  const total = after.total - before.total;
  if (total <= 0) return 0;
  return Math.min(100, Math.max(0, ((after.busy - before.busy) / total) * 100));
}

/**
 * What the dashboard's host summary shows of the machine the server runs on: CPU use since
 * the previous sample, memory, and the file system of the state directory (where images,
 * logs and dumps grow). Reads /proc and statfs only, so a sample costs well under a
 * millisecond; the guests running and defined come from the guest list the page already has.
 */
export class HostUsage {
  private previous: CpuTimes;

  constructor(
    private readonly stateDir: string,
    private readonly proc = '/proc',
  ) {
    this.previous = this.readCpu().times;
  }

  sample(): HostUsageEvent {
    const { times, cores } = this.readCpu();
    const usePercent = cpuUsePercent(this.previous, times);
    this.previous = times;
    const memory = parseMeminfo(readFileSync(`${this.proc}/meminfo`, 'utf8'));
    const fs = statfsSync(this.stateDir);
    const totalBytes = fs.blocks * fs.bsize;
    return {
      timestamp: Date.now(),
      cpu: { cores, usePercent: Math.round(usePercent * 10) / 10 },
      memory,
      disk: { path: this.stateDir, totalBytes, usedBytes: (fs.blocks - fs.bfree) * fs.bsize, freeBytes: fs.bavail * fs.bsize },
    };
  }

  private readCpu() {
    return parseProcStat(readFileSync(`${this.proc}/stat`, 'utf8'));
  }
}
