/**
 * CPU pinning of a started QEMU (<cputune> vcpupin, emulatorpin, iothreadpin, <vcpu cpuset>),
 * as libvirt's qemuProcessSetupEmulator/Vcpus/IOThreads do it, while the CPUs are still
 * stopped: the whole process first (the emulator's set), then each vCPU and iothread thread,
 * found through QMP, with a set of its own. taskset(1) sets it; the host's CPUs were checked
 * in the pre-flight (hostTuning.ts).
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { ThreadAffinity } from '@virtdeck/qemu';
import type { CpuInfoFast, QmpClient } from '@virtdeck/qmp';
import { parseCpuset } from '@virtdeck/schema';
import { describeError, VirtdeckError } from '../errors.js';

const run = promisify(execFile);
const TASKSET_TIMEOUT_MS = 5000;
/** Linux's largest CPU number (CONFIG_NR_CPUS) is at most 8192. */
const HOST_CPU_LIMIT = 8192;

interface IothreadInfo {
  id: string;
  'thread-id': number;
}

export async function applyThreadAffinity(affinity: ThreadAffinity, qmp: QmpClient, pid: number): Promise<void> {
  if (affinity.emulator) await pin(['-a', '-p', '-c', cpuList(affinity.emulator), String(pid)], 'the emulator');
  // The emulator's set reached every thread: one without a set of its own may run anywhere again, as under libvirt.
  const unpinned = affinity.emulator ? await allowedHostCpus() : undefined;
  if (affinity.vcpus.length > 0 || unpinned) {
    const threads = await qmp.execute<CpuInfoFast[]>('query-cpus-fast');
    for (const thread of threads) {
      const cpus = affinity.vcpus.find((v) => v.vcpu === thread['cpu-index'])?.cpus ?? unpinned;
      if (cpus) await pin(['-p', '-c', cpuList(cpus), String(thread['thread-id'])], `vCPU ${thread['cpu-index']}`);
    }
    for (const { vcpu } of affinity.vcpus) {
      if (!threads.some((t) => t['cpu-index'] === vcpu)) throw new VirtdeckError('qemu-failed', `QEMU reports no thread for vCPU ${vcpu}, so it cannot be pinned`);
    }
  }
  if (affinity.iothreads.length > 0 || unpinned) {
    const threads = await qmp.execute<IothreadInfo[]>('query-iothreads');
    for (const thread of threads) {
      const cpus = affinity.iothreads.find((t) => `iothread${t.iothread}` === thread.id)?.cpus ?? unpinned;
      if (cpus) await pin(['-p', '-c', cpuList(cpus), String(thread['thread-id'])], thread.id);
    }
    for (const { iothread } of affinity.iothreads) {
      if (!threads.some((t) => t.id === `iothread${iothread}`)) throw new VirtdeckError('qemu-failed', `QEMU reports no thread for iothread ${iothread}, so it cannot be pinned`);
    }
  }
}

async function pin(args: string[], what: string): Promise<void> {
  try {
    await run('taskset', args, { timeout: TASKSET_TIMEOUT_MS });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new VirtdeckError('qemu-failed', `Pinning ${what} to host CPUs failed: ${stderr || describeError(error)}`, { cause: error });
  }
}

const cpuList = (cpus: readonly number[]): string => cpus.join(',');

/** The CPUs this server may run on (and so may hand to QEMU): its own Cpus_allowed_list. */
export async function allowedHostCpus(): Promise<number[]> {
  const status = await readFile('/proc/self/status', 'utf8');
  const list = /^Cpus_allowed_list:\s*(.+)$/m.exec(status)?.[1]?.trim() ?? '';
  return parseCpuset(list, HOST_CPU_LIMIT) ?? [];
}
