import { readFileSync } from 'node:fs';
import { processCpuTicks, processUserCpuTicks } from '../guests/qemuProcess.js';

/** USER_HZ, the unit of /proc/PID/stat times: 100 on every Linux architecture QEMU hosts run. */
const TICKS_PER_SECOND = 100;

/** CPU time of the whole QEMU process (vCPU threads, I/O threads, main loop), in ns. */
export function cpuTimeNs(pid: number): number | undefined {
  const ticks = processCpuTicks(pid);
  return ticks === undefined ? undefined : (ticks * 1e9) / TICKS_PER_SECOND;
}

/** The part of it in user mode (guest code under TCG and under KVM), in ns. */
export function userCpuTimeNs(pid: number): number | undefined {
  const ticks = processUserCpuTicks(pid);
  return ticks === undefined ? undefined : (ticks * 1e9) / TICKS_PER_SECOND;
}

/** Resident memory of the process (VmRSS), in KiB. */
export function rssKiB(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] === undefined ? undefined : Number(match[1]);
  } catch {
    return undefined;
  }
}

export interface InterfaceCounters {
  rxBytes: number;
  txBytes: number;
  rxPackets: number;
  txPackets: number;
}

/**
 * Counters of a host network device (a guest's tap), turned around to the guest's point
 * of view as libvirt does: what the host's tap transmits, the guest receives.
 */
export function tapCounters(device: string): InterfaceCounters | undefined {
  if (!/^[A-Za-z0-9_.:-]{1,15}$/.test(device)) return undefined;
  const read = (counter: string) => Number(readFileSync(`/sys/class/net/${device}/statistics/${counter}`, 'utf8').trim());
  try {
    return { rxBytes: read('tx_bytes'), txBytes: read('rx_bytes'), rxPackets: read('tx_packets'), txPackets: read('rx_packets') };
  } catch {
    return undefined;
  }
}
