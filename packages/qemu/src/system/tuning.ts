/**
 * Host-side tuning that is no QEMU option: CPU pinning (<cputune> pins, <vcpu cpuset>) and
 * memory limits (<memtune>). Both become part of the launch plan, which the server applies to
 * the running QEMU before its CPUs run; whether this host can honour them (its CPUs, its
 * cgroups) is the server's pre-flight to say.
 */
import { firstChild, parseCpuset, type XmlElement } from '@virtdeck/schema';
import type { BuildContext, MemoryLimits, ThreadAffinity } from '../build/context.js';

/** The cpuset's members, or undefined (with an error at its element) when it names none. */
function cpusOf(ctx: BuildContext, cpuset: string | undefined, node: XmlElement): number[] | undefined {
  if (cpuset === undefined) return undefined;
  const cpus = parseCpuset(cpuset);
  if (cpus === undefined || cpus.length === 0) {
    ctx.diagnostics.error('invalid-value', node, `The CPU set '${cpuset}' names no host CPU: pinning to it would leave the thread nowhere to run.`);
    return undefined;
  }
  return cpus;
}

/** <cputune> settings that need the cgroup cpu controller or resctrl, which virtdeck does not drive. */
function otherCputune(ctx: BuildContext): void {
  const tune = ctx.domain.cputune;
  if (!tune) return;
  const quotas = [tune.shares, tune.period, tune.quota, tune.globalPeriod, tune.globalQuota, tune.emulatorPeriod, tune.emulatorQuota, tune.iothreadPeriod, tune.iothreadQuota];
  if (quotas.some((v) => v !== undefined)) ctx.diagnostics.unsupported(tune.node, 'CPU shares and quotas (<cputune> shares, period, quota)', false);
  for (const sched of [...tune.vcpuscheds, ...tune.iothreadscheds, ...(tune.emulatorsched ? [tune.emulatorsched] : [])]) {
    ctx.diagnostics.unsupported(sched.node, `Real-time scheduling (<${sched.node.name}>)`, false);
  }
  for (const tuneNode of [...tune.cachetunes, ...tune.memorytunes]) ctx.diagnostics.unsupported(tuneNode.node, `Cache and memory bandwidth allocation (<${tuneNode.node.name}>)`, false);
}

/** Where each of QEMU's threads may run, from the pins and the guest-wide <vcpu cpuset>. */
export function planThreadAffinity(ctx: BuildContext): ThreadAffinity | undefined {
  otherCputune(ctx);
  const { domain } = ctx;
  const vcpu = domain.vcpu;
  const fallback = vcpu ? cpusOf(ctx, vcpu.cpuset, vcpu.node) : undefined;
  const tune = domain.cputune;
  const affinity: ThreadAffinity = { vcpus: [], iothreads: [] };
  const emulator = tune?.emulatorpin ? cpusOf(ctx, tune.emulatorpin.cpuset, tune.emulatorpin.node) : fallback;
  if (emulator) affinity.emulator = emulator;

  const online = vcpu?.current ?? vcpu?.count ?? 1;
  for (let id = 0; id < online; id++) {
    const pin = tune?.vcpupins.find((p) => p.vcpu === id);
    const cpus = pin ? cpusOf(ctx, pin.cpuset, pin.node) : fallback;
    if (cpus) affinity.vcpus.push({ vcpu: id, cpus });
  }
  for (const pin of tune?.vcpupins ?? []) {
    if (pin.vcpu !== undefined && pin.vcpu >= online && pin.vcpu < (vcpu?.count ?? 1)) {
      ctx.diagnostics.warning('not-supported-yet', pin.node, `vCPU ${pin.vcpu} is offline at start (<vcpu current='${online}'>): its pin applies to nothing, as virtdeck does not hot-plug vCPUs.`);
    }
  }

  const iothreadIds = iothreadIdsOf(ctx);
  for (const id of iothreadIds) {
    const pin = tune?.iothreadpins.find((p) => p.iothread === id);
    const cpus = pin ? cpusOf(ctx, pin.cpuset, pin.node) : fallback;
    if (cpus) affinity.iothreads.push({ iothread: id, cpus });
  }
  const empty = affinity.emulator === undefined && affinity.vcpus.length === 0 && affinity.iothreads.length === 0;
  return empty ? undefined : affinity;
}

/** The iothread ids the command line creates (iothreadN objects), as buildIothreadArgs numbers them. */
function iothreadIdsOf(ctx: BuildContext): number[] {
  const iothreads = ctx.domain.iothreads;
  if (!iothreads) return [];
  const ids = iothreads.ids.map((t) => t.id).filter((id): id is number => id !== undefined);
  for (let id = 1; ids.length < (iothreads.count ?? 0); id++) if (!ids.includes(id)) ids.push(id);
  return ids;
}

/**
 * <memtune> as cgroup v2 limits: hard_limit → memory.max, soft_limit → memory.high (as libvirt
 * maps them), swap_hard_limit (memory plus swap) → memory.swap.max as the swap beyond
 * hard_limit, since v2 counts swap apart. min_guarantee is VMware's only.
 */
export function planMemoryLimits(ctx: BuildContext): MemoryLimits | undefined {
  const tune = ctx.domain.memtune;
  if (!tune) return undefined;
  const limits: MemoryLimits = {};
  if (tune.hardLimitKiB !== undefined) limits.max = tune.hardLimitKiB * 1024;
  if (tune.softLimitKiB !== undefined) limits.high = tune.softLimitKiB * 1024;
  if (tune.swapHardLimitKiB !== undefined) {
    const node = firstChild(tune.node, 'swap_hard_limit') ?? tune.node;
    if (tune.hardLimitKiB === undefined) {
      ctx.diagnostics.error('invalid-combination', node, 'swap_hard_limit caps memory and swap together; with cgroup v2 that needs hard_limit too (the swap allowed is the difference).');
    } else if (tune.swapHardLimitKiB < tune.hardLimitKiB) {
      ctx.diagnostics.error('invalid-combination', node, 'swap_hard_limit (memory plus swap) cannot be below hard_limit.');
    } else limits.swapMax = (tune.swapHardLimitKiB - tune.hardLimitKiB) * 1024;
  }
  if (tune.minGuaranteeKiB !== undefined) {
    ctx.diagnostics.info('not-applicable', firstChild(tune.node, 'min_guarantee') ?? tune.node, 'min_guarantee applies to VMware guests only; QEMU has nothing to set.');
  }
  return Object.keys(limits).length > 0 ? limits : undefined;
}
