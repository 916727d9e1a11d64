/**
 * Pre-flight of the tuning a definition asks of the host: the CPUs it pins to are ones this
 * server may use, <memtune> limits can be set (cgroup v2 with its memory controller), and the
 * huge pages its RAM asks for are free (with a hugetlbfs mount where QEMU needs one). Never
 * ignored: what the host cannot give stops the start at its element, since the guest would
 * otherwise run with other resources than its definition says.
 */
import { hugepageNeeds, type QemuDiagnostic } from '@virtdeck/qemu';
import { parseCpuset, type Domain, type XmlElement } from '@virtdeck/schema';
import { hugepageHost, type HugepageHost } from '../host/hugepages.js';
import { cgroupHost, type CgroupHost } from '../host/memoryCgroup.js';
import { allowedHostCpus } from '../host/threadAffinity.js';

export interface HostTuningFacts {
  /** The host CPUs the server (and so QEMU) may run on. */
  cpus: readonly number[];
  cgroups: CgroupHost;
  hugepages: HugepageHost;
}

export async function hostTuningFacts(): Promise<HostTuningFacts> {
  const [cpus, cgroups, hugepages] = await Promise.all([allowedHostCpus(), cgroupHost(), hugepageHost()]);
  return { cpus, cgroups, hugepages };
}

export function checkHostTuning(domain: Domain, facts: HostTuningFacts): QemuDiagnostic[] {
  const diagnostics: QemuDiagnostic[] = [];
  const error = (node: XmlElement, message: string) => diagnostics.push({ severity: 'error', scope: 'host', code: 'host-resource-needed', message, range: node.range });
  const allowed = new Set(facts.cpus);
  for (const { cpuset, node } of cpusets(domain)) {
    const missing = (parseCpuset(cpuset) ?? []).filter((cpu) => !allowed.has(cpu));
    if (missing.length > 0) {
      const here = facts.cpus.length > 0 ? `this host has CPUs ${describeCpus(facts.cpus)}` : 'this host lists no CPUs for the server';
      error(node, `The CPU set '${cpuset}' names CPU${missing.length > 1 ? 's' : ''} ${describeCpus(missing)}, but ${here}.`);
    }
  }
  const memtune = domain.memtune;
  const limited = memtune && [memtune.hardLimitKiB, memtune.softLimitKiB, memtune.swapHardLimitKiB].some((v) => v !== undefined);
  if (memtune && limited && facts.cgroups.problem !== undefined) {
    error(memtune.node, `<memtune> limits need cgroup v2's memory controller, and ${facts.cgroups.problem}: the guest does not start rather than run without its limits.`);
  }
  const hugepages = domain.memoryBacking?.hugepages;
  if (hugepages) for (const message of hugepageProblems(domain, facts.hugepages)) error(hugepages.node, message);
  return diagnostics;
}

function hugepageProblems(domain: Domain, host: HugepageHost): string[] {
  const problems: string[] = [];
  for (const need of hugepageNeeds(domain, host.defaultKiB)) {
    const pages = Math.ceil(need.ramKiB / need.pageKiB);
    const free = host.free.get(need.pageKiB);
    const [amount, unit] = need.pageKiB >= 1024 * 1024 ? [need.pageKiB / (1024 * 1024), 'G'] : [need.pageKiB / 1024, 'M'];
    const size = `${amount} ${unit}iB`;
    if (free === undefined) problems.push(`This host has no ${size} huge pages (no pool in /sys/kernel/mm/hugepages): the guest's RAM cannot be backed by them.`);
    else if (free < pages) problems.push(`The guest's RAM needs ${pages} huge pages of ${size}, and this host has ${free} free (raise vm.nr_hugepages).`);
    else if (need.needsMount && !host.mounts.has(need.pageKiB)) problems.push(`Huge pages of ${size} need a hugetlbfs mount of that page size, and this host has none (mount -t hugetlbfs -o pagesize=${amount}${unit} none DIR).`);
  }
  return problems;
}

function cpusets(domain: Domain): Array<{ cpuset: string; node: XmlElement }> {
  const sets: Array<{ cpuset?: string; node: XmlElement }> = [];
  if (domain.vcpu) sets.push({ cpuset: domain.vcpu.cpuset, node: domain.vcpu.node });
  const tune = domain.cputune;
  if (tune) sets.push(...tune.vcpupins, ...(tune.emulatorpin ? [tune.emulatorpin] : []), ...tune.iothreadpins);
  return sets.filter((s): s is { cpuset: string; node: XmlElement } => s.cpuset !== undefined);
}

/** 0,1,2,3,7 as 0-3,7. */
function describeCpus(cpus: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < cpus.length; ) {
    let j = i;
    while (j + 1 < cpus.length && cpus[j + 1] === (cpus[j] ?? 0) + 1) j++;
    parts.push(j > i ? `${cpus[i]}-${cpus[j]}` : String(cpus[i]));
    i = j + 1;
  }
  return parts.join(',');
}
