/**
 * The host side of a guest's tuning around its QEMU (see @virtdeck/qemu's LaunchPlan): huge
 * page folders made before launch, CPU pins and the memory cgroup applied while the CPUs are
 * stopped, and all of it undone once QEMU has exited. Whether the host can give it was checked
 * in the pre-flight (preflight/hostTuning.ts).
 */
import { hugepageNeeds, type LaunchPlan, type LaunchRuntime } from '@virtdeck/qemu';
import type { QmpClient } from '@virtdeck/qmp';
import type { Domain } from '@virtdeck/schema';
import type { QemuUser } from '../confine/qemuUser.js';
import { VirtdeckError } from '../errors.js';
import { guestHugepageDir, hugepageHost, prepareHugepageDirs, removeHugepageDirs } from './hugepages.js';
import { cgroupHost, enterMemoryCgroup, removeMemoryCgroup } from './memoryCgroup.js';
import { applyThreadAffinity } from './threadAffinity.js';

export type HugepageRuntime = Pick<LaunchRuntime, 'hugepageDirs' | 'defaultHugepageKiB'>;

/** Where the guest's huge-page RAM goes on this host (the folders are made by prepareGuestTuning). */
export async function hugepageRuntime(domain: Domain, runDir: string): Promise<HugepageRuntime> {
  if (!domain.memoryBacking?.hugepages) return {};
  const host = await hugepageHost();
  const dirs: Record<number, string> = {};
  for (const [size, mount] of host.mounts) dirs[size] = guestHugepageDir(mount, runDir);
  return { hugepageDirs: dirs, defaultHugepageKiB: host.defaultKiB };
}

/** Before launch: the huge page folders the RAM is made in, QEMU's user's. */
export async function prepareGuestTuning(domain: Domain, runDir: string, user?: QemuUser): Promise<void> {
  if (!domain.memoryBacking?.hugepages) return;
  const host = await hugepageHost();
  const sizes = hugepageNeeds(domain, host.defaultKiB).filter((n) => n.needsMount).map((n) => n.pageKiB);
  await prepareHugepageDirs(host, sizes, runDir, user);
}

/** With QEMU launched and its CPUs stopped: pins, then the memory cgroup. */
export async function applyGuestTuning(launch: LaunchPlan, qmp: QmpClient, pid: number, runDir: string): Promise<void> {
  if (launch.affinity) await applyThreadAffinity(launch.affinity, qmp, pid);
  if (launch.memoryLimits) {
    const cgroups = await cgroupHost();
    if (cgroups.mount === undefined) throw new VirtdeckError('unavailable', `<memtune> limits cannot be set: ${cgroups.problem ?? 'no cgroup v2'}`);
    await enterMemoryCgroup(cgroups.mount, runDir, launch.memoryLimits, pid);
  }
}

/** Once QEMU has exited (or never ran): its cgroup and huge page folders go. */
export async function releaseGuestTuning(runDir: string): Promise<void> {
  const cgroups = await cgroupHost();
  if (cgroups.mount !== undefined) await removeMemoryCgroup(cgroups.mount, runDir);
  await removeHugepageDirs(runDir);
}
