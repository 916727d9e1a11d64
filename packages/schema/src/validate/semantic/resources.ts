import { parseCpuset } from '../../model/cpuset.js';
import type { Domain } from '../../model/domain.js';
import type { SchedGroup } from '../../model/cpu.js';
import { firstChild } from '../../xml/tree.js';
import { attributeRange, type Reporter } from './report.js';

/** Memory sizes and vCPU counts, as libvirt's post-parse and validation check them. */
export function validateResources(domain: Domain, report: Reporter): void {
  validateMemory(domain, report);
  validateVcpus(domain, report);
  validateNuma(domain, report);
  validateCputune(domain, report);
}

function formatKiB(kib: number): string {
  return kib % 1048576 === 0 ? `${kib / 1048576} GiB` : kib % 1024 === 0 ? `${kib / 1024} MiB` : `${kib} KiB`;
}

function validateMemory(domain: Domain, report: Reporter): void {
  const cells = domain.cpu?.numa?.cells ?? [];
  if (firstChild(domain.node, 'memory') === undefined && !cells.some((c) => c.memoryKiB !== undefined)) {
    report.error('memory-missing', 'The guest has no memory size: add <memory unit="MiB">…</memory> (or NUMA cells with memory).', domain.node.nameRange);
  }
  const memory = domain.memory;
  const current = domain.currentMemory;
  if (memory !== undefined && current !== undefined && current.kib > memory.kib) {
    report.warning(
      'memory-current-exceeds-max',
      `currentMemory (${formatKiB(current.kib)}) is larger than memory (${formatKiB(memory.kib)}); libvirt lowers it to the memory size.`,
      current.node.nameRange,
    );
  }
  const max = domain.maxMemory;
  if (memory !== undefined && max !== undefined && max.kib < memory.kib) {
    report.error('memory-max-too-small', `maxMemory (${formatKiB(max.kib)}) must be at least the memory size (${formatKiB(memory.kib)}).`, max.node.nameRange);
  }
}

function validateVcpus(domain: Domain, report: Reporter): void {
  const vcpu = domain.vcpu;
  if (vcpu === undefined) return;
  if (vcpu.current !== undefined && vcpu.current > vcpu.count) {
    report.error('vcpu-current-exceeds-max', `current='${vcpu.current}' is more than the ${vcpu.count} vCPUs the guest can have.`, attributeRange(vcpu.node, 'current'));
  }
  const topology = domain.cpu?.topology;
  if (topology !== undefined && topology.sockets !== undefined && topology.cores !== undefined && topology.threads !== undefined) {
    const product = topology.sockets * (topology.dies ?? 1) * (topology.clusters ?? 1) * topology.cores * topology.threads;
    if (product !== vcpu.count) {
      report.error(
        'vcpu-topology-mismatch',
        `The CPU topology gives ${product} vCPUs (sockets × dies × clusters × cores × threads) but <vcpu> says ${vcpu.count}.`,
        topology.node.nameRange,
      );
    }
  }
  for (const pin of domain.cputune?.vcpupins ?? []) {
    if (pin.vcpu !== undefined && pin.vcpu >= vcpu.count) {
      report.error('invalid-combination', `vcpupin names vCPU ${pin.vcpu}, but the guest has vCPUs 0–${vcpu.count - 1}.`, attributeRange(pin.node, 'vcpu'));
    }
  }
}

function validateNuma(domain: Domain, report: Reporter): void {
  const cells = domain.cpu?.numa?.cells ?? [];
  const seen = new Map<number, string>();
  // libvirt takes the cells in any order: each id once, below the number of cells
  const ids = new Set<number>();
  cells.forEach((cell, index) => {
    if (cell.id !== undefined && cell.id >= cells.length) {
      report.error('numa-cells-invalid', `With ${cells.length} NUMA cells the ids are 0 to ${cells.length - 1}: id='${cell.id}' is beyond them.`, attributeRange(cell.node, 'id'));
    } else if (cell.id !== undefined && ids.has(cell.id)) {
      report.error('numa-cells-invalid', `Two NUMA cells have id='${cell.id}'.`, attributeRange(cell.node, 'id'));
    }
    if (cell.id !== undefined) ids.add(cell.id);
    const cpus = cell.cpus === undefined ? undefined : parseCpuset(cell.cpus);
    for (const cpu of cpus ?? []) {
      const other = seen.get(cpu);
      if (other !== undefined) {
        report.error('numa-cells-invalid', `vCPU ${cpu} is in two NUMA cells.`, attributeRange(cell.node, 'cpus'));
        break;
      }
      seen.set(cpu, String(index));
    }
    if (cpus !== undefined && domain.vcpu !== undefined && cpus.some((cpu) => cpu >= (domain.vcpu?.count ?? 0))) {
      report.error('numa-cells-invalid', `This NUMA cell names vCPUs beyond the ${domain.vcpu.count} the guest has.`, attributeRange(cell.node, 'cpus'));
    }
  });
}

function overlapping(groups: SchedGroup[], what: string, attribute: string, report: Reporter): void {
  const seen = new Set<number>();
  for (const group of groups) {
    const members = group.ids === undefined ? undefined : parseCpuset(group.ids);
    if (members === undefined) continue;
    if (members.some((m) => seen.has(m))) {
      report.error('cputune-overlap', `The '${attribute}' of two <${what}> elements overlap: each must be in one group only.`, attributeRange(group.node, attribute));
    }
    for (const m of members) seen.add(m);
  }
}

function validateCputune(domain: Domain, report: Reporter): void {
  const cputune = domain.cputune;
  if (cputune === undefined) return;
  overlapping(cputune.vcpuscheds, 'vcpusched', 'vcpus', report);
  overlapping(cputune.iothreadscheds, 'iothreadsched', 'iothreads', report);
  const iothreads = domain.iothreads?.count;
  for (const pin of cputune.iothreadpins) {
    if (pin.iothread !== undefined && (pin.iothread < 1 || (iothreads !== undefined && pin.iothread > iothreads))) {
      report.error('invalid-combination', `iothreadpin names iothread ${pin.iothread}, but the guest has iothreads 1–${iothreads ?? 0}.`, attributeRange(pin.node, 'iothread'));
    }
  }
  // resource control (Intel RDT): cachetune groups must not share vCPUs; a memorytune that
  // shares vCPUs with a cachetune must name exactly the same vCPUs; allocations must not collide
  const tunes: { vcpus: number[]; text: string }[] = [];
  for (const tune of cputune.cachetunes) {
    const vcpus = tune.vcpus === undefined ? undefined : parseCpuset(tune.vcpus);
    if (vcpus === undefined) continue;
    if (tunes.some((t) => t.vcpus.some((v) => vcpus.includes(v)))) {
      report.error('resctrl-conflict', 'Two <cachetune> elements share vCPUs.', attributeRange(tune.node, 'vcpus'));
    }
    tunes.push({ vcpus, text: vcpus.join(',') });
    const allocations = new Map<string, string>();
    for (const cache of tune.caches) {
      const key = `${cache.id}/${cache.level}`;
      const type = cache.type ?? 'both';
      const previous = allocations.get(key);
      if (previous !== undefined && (previous === type || previous === 'both' || type === 'both')) {
        report.error(
          'resctrl-conflict',
          previous === type
            ? `Cache ${cache.id} level ${cache.level} type '${type}' is allocated twice in this <cachetune>.`
            : `Cache ${cache.id} level ${cache.level} is allocated as 'both' and as '${previous === 'both' ? type : previous}'; use code and data, or both alone.`,
          cache.node.nameRange,
        );
      }
      allocations.set(key, previous === undefined ? type : previous);
    }
  }
  const memoryTunes: number[][] = [];
  for (const tune of cputune.memorytunes) {
    const vcpus = tune.vcpus === undefined ? undefined : parseCpuset(tune.vcpus);
    if (vcpus === undefined) continue;
    const text = vcpus.join(',');
    if (tunes.some((t) => t.text !== text && t.vcpus.some((v) => vcpus.includes(v)))) {
      report.error('resctrl-conflict', 'A <memorytune> sharing vCPUs with a <cachetune> must name exactly the same vCPUs.', attributeRange(tune.node, 'vcpus'));
    }
    if (memoryTunes.some((m) => m.some((v) => vcpus.includes(v)))) {
      report.error('resctrl-conflict', 'Two <memorytune> elements share vCPUs.', attributeRange(tune.node, 'vcpus'));
    }
    memoryTunes.push(vcpus);
    const nodes = new Set<number>();
    for (const node of tune.nodes) {
      if (node.id !== undefined && nodes.has(node.id)) {
        report.error('resctrl-conflict', `Memory bandwidth of node ${node.id} is allocated twice in this <memorytune>.`, node.node.nameRange);
      }
      if (node.id !== undefined) nodes.add(node.id);
    }
  }
}
