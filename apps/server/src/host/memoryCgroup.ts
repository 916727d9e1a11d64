/**
 * <memtune> limits through cgroup v2, as libvirt's cgroup v2 backend sets them: a cgroup for
 * the guest's QEMU (`virtdeck/ID` under the cgroup2 mount), memory.max, memory.high and
 * memory.swap.max written, the QEMU process moved in before its CPUs run, the cgroup removed
 * once QEMU has exited. A host where this cannot be done refuses the start in the pre-flight
 * (hostTuning.ts): the limits change what the guest may use, so they are never skipped.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { MemoryLimits } from '@virtdeck/qemu';
import { describeError, VirtdeckError } from '../errors.js';

/** Where virtdeck's guest cgroups live under the cgroup2 mount. */
const PARENT = 'virtdeck';

export interface CgroupHost {
  /** The cgroup2 mount, when this host can take memory limits there. */
  mount?: string;
  /** Why it cannot, in words for the start error. */
  problem?: string;
}

/** Mount points of a file system type, from /proc/self/mounts (octal escapes decoded). */
export async function mountsOf(type: string): Promise<Array<{ dir: string; options: string[] }>> {
  const table = await fs.readFile('/proc/self/mounts', 'utf8').catch(() => '');
  return table
    .split('\n')
    .map((line) => line.split(' '))
    .filter((fields) => fields[2] === type && fields[1] !== undefined)
    .map((fields) => ({ dir: (fields[1] ?? '').replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8))), options: (fields[3] ?? '').split(',') }));
}

/** Can this server put a guest under cgroup v2 memory limits, and where? */
export async function cgroupHost(): Promise<CgroupHost> {
  const [mount] = await mountsOf('cgroup2');
  if (!mount) return { problem: 'this host has no cgroup v2 hierarchy mounted' };
  const controllers = (await fs.readFile(path.join(mount.dir, 'cgroup.controllers'), 'utf8').catch(() => '')).split(/\s+/);
  if (!controllers.includes('memory')) {
    return { problem: `the cgroup v2 hierarchy at ${mount.dir} has no memory controller (on this host it is bound to cgroup v1)` };
  }
  if (process.getuid?.() !== 0) return { problem: 'the server does not run as root, so it cannot make cgroups' };
  return { mount: mount.dir };
}

/** The guest's cgroup folder: named after its run folder, so two state directories never share one. */
export function guestCgroup(mount: string, runDir: string): string {
  return path.join(mount, PARENT, createHash('sha256').update(runDir).digest('hex').slice(0, 16));
}

/** Makes the guest's cgroup with its limits and moves `pid` (every thread of it) in. */
export async function enterMemoryCgroup(mount: string, runDir: string, limits: MemoryLimits, pid: number): Promise<void> {
  const parent = path.join(mount, PARENT);
  const dir = guestCgroup(mount, runDir);
  try {
    await enableMemory(mount);
    await fs.mkdir(parent, { recursive: true });
    await enableMemory(parent);
    // One left by a QEMU that died unseen is empty again and is taken over.
    await fs.mkdir(dir, { recursive: true });
    const values: Array<[string, number | undefined]> = [
      ['memory.max', limits.max],
      ['memory.high', limits.high],
      ['memory.swap.max', limits.swapMax],
    ];
    for (const [file, value] of values) if (value !== undefined) await fs.writeFile(path.join(dir, file), String(value));
    await fs.writeFile(path.join(dir, 'cgroup.procs'), String(pid));
  } catch (error) {
    throw new VirtdeckError('unavailable', `The memory limits of <memtune> could not be set in ${dir}: ${describeError(error)}`, { cause: error });
  }
}

async function enableMemory(dir: string): Promise<void> {
  const enabled = (await fs.readFile(path.join(dir, 'cgroup.subtree_control'), 'utf8')).split(/\s+/);
  if (!enabled.includes('memory')) await fs.writeFile(path.join(dir, 'cgroup.subtree_control'), '+memory');
}

/** Removes the guest's cgroup once its QEMU is gone (an absent one is fine). */
export async function removeMemoryCgroup(mount: string, runDir: string): Promise<void> {
  await fs.rmdir(guestCgroup(mount, runDir)).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}
