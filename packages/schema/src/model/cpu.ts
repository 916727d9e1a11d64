import { childElements, firstChild, type XmlElement } from '../xml/tree.js';
import { attributeKiB } from './units.js';
import { childText, elementText, parseSigned, parseUnsigned, read } from './values.js';

export const VCPU_PLACEMENTS = {
  static: 'vCPUs are pinned to the given cpuset (or float over all host CPUs)',
  auto: 'numad chooses the host CPUs and NUMA nodes',
} as const;
export type VcpuPlacement = keyof typeof VCPU_PLACEMENTS;

export const CPU_MODES = {
  custom: 'a named CPU model, optionally with features added or removed',
  'host-model': 'the CPU model closest to the host, with its features (migratable)',
  'host-passthrough': 'the host CPU exactly as it is (fastest, not migratable)',
  maximum: 'every feature the accelerator can offer (TCG: QEMU\'s "max")',
} as const;
export type CpuMode = keyof typeof CPU_MODES;

export const CPU_MATCHES = {
  minimum: 'the host CPU must provide at least the requested features',
  exact: 'the guest CPU is exactly the requested model and features',
  strict: 'the host CPU must match the requested model exactly',
} as const;
export type CpuMatch = keyof typeof CPU_MATCHES;

export const CPU_CHECKS = {
  none: 'no check of the guest CPU against the host',
  partial: 'check before start, and not after',
  full: 'check before start and that the started guest got exactly what was asked',
} as const;

export const CPU_FALLBACKS = {
  allow: 'fall back to a close CPU model when the named one is not supported',
  forbid: 'refuse to start rather than use another CPU model',
} as const;

export const CPU_FEATURE_POLICIES = {
  force: 'enable the feature even if the host lacks it',
  require: 'enable the feature; fail if the host lacks it',
  optional: 'enable the feature if the host has it',
  disable: 'hide the feature from the guest',
  forbid: 'fail if the host has the feature',
} as const;
export type CpuFeaturePolicy = keyof typeof CPU_FEATURE_POLICIES;

export const CPU_CACHE_MODES = {
  emulate: 'report an emulated cache of the given level',
  passthrough: 'report the host CPU caches',
  disable: 'report no CPU cache',
} as const;

export const NUMA_MEMORY_MODES = {
  strict: 'allocate only from the given nodes; fail otherwise',
  preferred: 'prefer the given node, fall back to others',
  interleave: 'interleave allocations over the given nodes',
  restrictive: 'restrict allocations with cgroups only',
} as const;
export type NumaMemoryMode = keyof typeof NUMA_MEMORY_MODES;

export const NUMA_PLACEMENTS = {
  static: 'use the nodeset given here',
  auto: 'numad chooses the nodes (no nodeset allowed)',
} as const;

export const NUMA_CELL_MEMORY_ACCESS = {
  shared: 'the cell memory is shared (vhost-user)',
  private: 'the cell memory is private',
} as const;

export const SCHEDULERS = {
  batch: 'SCHED_BATCH',
  idle: 'SCHED_IDLE',
  fifo: 'SCHED_FIFO (real-time; needs a priority)',
  rr: 'SCHED_RR (real-time round-robin; needs a priority)',
} as const;
export type Scheduler = keyof typeof SCHEDULERS;

export const CACHE_TYPES = {
  both: 'a unified cache',
  code: 'the instruction part of a split cache',
  data: 'the data part of a split cache',
} as const;

export interface Vcpu {
  /** the maximum number of vCPUs */
  count: number;
  /** vCPUs online at start, when fewer than `count` */
  current?: number;
  placement?: VcpuPlacement;
  cpuset?: string;
  node: XmlElement;
}

export interface VcpuInfo {
  id?: number;
  enabled?: boolean;
  hotpluggable?: boolean;
  order?: number;
  node: XmlElement;
}

export interface Iothreads {
  count?: number;
  ids: { id?: number; node: XmlElement }[];
  node: XmlElement;
}

export interface SchedGroup {
  /** the cpuset-style list of vCPUs or iothreads */
  ids?: string;
  scheduler?: Scheduler;
  priority?: number;
  node: XmlElement;
}

export interface CpuTune {
  node: XmlElement;
  shares?: number;
  period?: number;
  quota?: number;
  globalPeriod?: number;
  globalQuota?: number;
  emulatorPeriod?: number;
  emulatorQuota?: number;
  iothreadPeriod?: number;
  iothreadQuota?: number;
  vcpupins: { vcpu?: number; cpuset?: string; node: XmlElement }[];
  emulatorpin?: { cpuset?: string; node: XmlElement };
  iothreadpins: { iothread?: number; cpuset?: string; node: XmlElement }[];
  vcpuscheds: SchedGroup[];
  iothreadscheds: SchedGroup[];
  emulatorsched?: SchedGroup;
  cachetunes: {
    vcpus?: string;
    caches: { id?: number; level?: number; type?: string; sizeKiB?: number; node: XmlElement }[];
    node: XmlElement;
  }[];
  memorytunes: { vcpus?: string; nodes: { id?: number; bandwidth?: number; node: XmlElement }[]; node: XmlElement }[];
}

export interface NumaTune {
  node: XmlElement;
  memory?: { mode?: NumaMemoryMode; nodeset?: string; placement?: string; node: XmlElement };
  memnodes: { cellid?: number; mode?: NumaMemoryMode; nodeset?: string; node: XmlElement }[];
}

export interface NumaCell {
  id?: number;
  cpus?: string;
  memoryKiB?: number;
  memAccess?: string;
  discard?: boolean;
  distances: { id?: number; value?: number; node: XmlElement }[];
  node: XmlElement;
}

export interface CpuTopology {
  sockets?: number;
  dies?: number;
  clusters?: number;
  cores?: number;
  threads?: number;
  node: XmlElement;
}

export interface Cpu {
  node: XmlElement;
  mode?: CpuMode;
  match?: CpuMatch;
  check?: string;
  migratable?: boolean;
  model?: { name: string; fallback?: string; vendorId?: string; node: XmlElement };
  vendor?: string;
  topology?: CpuTopology;
  features: { name: string; policy?: CpuFeaturePolicy; node: XmlElement }[];
  numa?: { cells: NumaCell[]; node: XmlElement };
  cache?: { level?: number; mode?: string; node: XmlElement };
  maxphysaddr?: { mode?: string; bits?: number; limit?: number; node: XmlElement };
}

export function parseVcpu(node: XmlElement | undefined): Vcpu | undefined {
  if (node === undefined) return undefined;
  const count = parseUnsigned(elementText(node));
  if (count === undefined) return undefined;
  return {
    count,
    current: read.unsigned(node, 'current'),
    placement: read.enum(node, 'placement', VCPU_PLACEMENTS),
    cpuset: read.string(node, 'cpuset'),
    node,
  };
}

export function parseVcpus(node: XmlElement | undefined): VcpuInfo[] {
  if (node === undefined) return [];
  return childElements(node, 'vcpu').map((vcpu) => ({
    id: read.unsigned(vcpu, 'id'),
    enabled: read.boolean(vcpu, 'enabled'),
    hotpluggable: read.boolean(vcpu, 'hotpluggable'),
    order: read.unsigned(vcpu, 'order'),
    node: vcpu,
  }));
}

export function parseIothreads(node: XmlElement | undefined, ids: XmlElement | undefined): Iothreads | undefined {
  if (node === undefined && ids === undefined) return undefined;
  const iothreads: Iothreads = { ids: [], node: (node ?? ids) as XmlElement };
  const count = node === undefined ? undefined : parseUnsigned(elementText(node));
  if (count !== undefined) iothreads.count = count;
  if (ids !== undefined) {
    for (const iothread of childElements(ids, 'iothread')) iothreads.ids.push({ id: read.unsigned(iothread, 'id'), node: iothread });
  }
  return iothreads;
}

function sched(node: XmlElement, idsAttribute: string): SchedGroup {
  return {
    ids: read.string(node, idsAttribute),
    scheduler: read.enum(node, 'scheduler', SCHEDULERS),
    priority: read.signed(node, 'priority'),
    node,
  };
}

export function parseCpuTune(node: XmlElement | undefined): CpuTune | undefined {
  if (node === undefined) return undefined;
  const number = (name: string) => {
    const value = childText(node, name);
    return value === undefined ? undefined : parseSigned(value);
  };
  const emulatorpin = firstChild(node, 'emulatorpin');
  const emulatorsched = firstChild(node, 'emulatorsched');
  return {
    node,
    shares: number('shares'),
    period: number('period'),
    quota: number('quota'),
    globalPeriod: number('global_period'),
    globalQuota: number('global_quota'),
    emulatorPeriod: number('emulator_period'),
    emulatorQuota: number('emulator_quota'),
    iothreadPeriod: number('iothread_period'),
    iothreadQuota: number('iothread_quota'),
    vcpupins: childElements(node, 'vcpupin').map((pin) => ({ vcpu: read.unsigned(pin, 'vcpu'), cpuset: read.string(pin, 'cpuset'), node: pin })),
    emulatorpin: emulatorpin === undefined ? undefined : { cpuset: read.string(emulatorpin, 'cpuset'), node: emulatorpin },
    iothreadpins: childElements(node, 'iothreadpin').map((pin) => ({ iothread: read.unsigned(pin, 'iothread'), cpuset: read.string(pin, 'cpuset'), node: pin })),
    vcpuscheds: childElements(node, 'vcpusched').map((s) => sched(s, 'vcpus')),
    iothreadscheds: childElements(node, 'iothreadsched').map((s) => sched(s, 'iothreads')),
    emulatorsched: emulatorsched === undefined ? undefined : sched(emulatorsched, 'vcpus'),
    cachetunes: childElements(node, 'cachetune').map((tune) => ({
      vcpus: read.string(tune, 'vcpus'),
      caches: childElements(tune, 'cache').map((cache) => ({
          id: read.unsigned(cache, 'id'),
          level: read.unsigned(cache, 'level'),
          type: read.string(cache, 'type'),
          sizeKiB: attributeKiB(cache, 'size'),
          node: cache,
        })),
      node: tune,
    })),
    memorytunes: childElements(node, 'memorytune').map((tune) => ({
      vcpus: read.string(tune, 'vcpus'),
      nodes: childElements(tune, 'node').map((n) => ({ id: read.unsigned(n, 'id'), bandwidth: read.unsigned(n, 'bandwidth'), node: n })),
      node: tune,
    })),
  };
}

export function parseNumaTune(node: XmlElement | undefined): NumaTune | undefined {
  if (node === undefined) return undefined;
  const memory = firstChild(node, 'memory');
  return {
    node,
    memory:
      memory === undefined
        ? undefined
        : {
            mode: read.enum(memory, 'mode', NUMA_MEMORY_MODES),
            nodeset: read.string(memory, 'nodeset'),
            placement: read.string(memory, 'placement'),
            node: memory,
          },
    memnodes: childElements(node, 'memnode').map((memnode) => ({
      cellid: read.unsigned(memnode, 'cellid'),
      mode: read.enum(memnode, 'mode', NUMA_MEMORY_MODES),
      nodeset: read.string(memnode, 'nodeset'),
      node: memnode,
    })),
  };
}

export function parseCpu(node: XmlElement | undefined): Cpu | undefined {
  if (node === undefined) return undefined;
  const cpu: Cpu = { node, features: [] };
  const mode = read.enum(node, 'mode', CPU_MODES);
  if (mode !== undefined) cpu.mode = mode;
  const match = read.enum(node, 'match', CPU_MATCHES);
  if (match !== undefined) cpu.match = match;
  const check = read.string(node, 'check');
  if (check !== undefined) cpu.check = check;
  const migratable = read.boolean(node, 'migratable');
  if (migratable !== undefined) cpu.migratable = migratable;
  const model = firstChild(node, 'model');
  if (model !== undefined) {
    cpu.model = { name: elementText(model), fallback: read.string(model, 'fallback'), vendorId: read.string(model, 'vendor_id'), node: model };
  }
  const vendor = childText(node, 'vendor');
  if (vendor !== undefined) cpu.vendor = vendor;
  const topology = firstChild(node, 'topology');
  if (topology !== undefined) {
    cpu.topology = {
      sockets: read.unsigned(topology, 'sockets'),
      dies: read.unsigned(topology, 'dies'),
      clusters: read.unsigned(topology, 'clusters'),
      cores: read.unsigned(topology, 'cores'),
      threads: read.unsigned(topology, 'threads'),
      node: topology,
    };
  }
  for (const feature of childElements(node, 'feature')) {
    cpu.features.push({ name: read.string(feature, 'name') ?? '', policy: read.enum(feature, 'policy', CPU_FEATURE_POLICIES), node: feature });
  }
  const numa = firstChild(node, 'numa');
  if (numa !== undefined) {
    cpu.numa = {
      node: numa,
      cells: childElements(numa, 'cell').map((cell) => {
        const distances = firstChild(cell, 'distances');
        return {
          id: read.unsigned(cell, 'id'),
          cpus: read.string(cell, 'cpus'),
          memoryKiB: attributeKiB(cell, 'memory'),
          memAccess: read.string(cell, 'memAccess'),
          discard: read.boolean(cell, 'discard'),
          distances:
            distances === undefined
              ? []
              : childElements(distances, 'sibling').map((s) => ({ id: read.unsigned(s, 'id'), value: read.unsigned(s, 'value'), node: s })),
          node: cell,
        };
      }),
    };
  }
  const cache = firstChild(node, 'cache');
  if (cache !== undefined) cpu.cache = { level: read.unsigned(cache, 'level'), mode: read.string(cache, 'mode'), node: cache };
  const maxphysaddr = firstChild(node, 'maxphysaddr');
  if (maxphysaddr !== undefined) {
    cpu.maxphysaddr = {
      mode: read.string(maxphysaddr, 'mode'),
      bits: read.unsigned(maxphysaddr, 'bits'),
      limit: read.unsigned(maxphysaddr, 'limit'),
      node: maxphysaddr,
    };
  }
  return cpu;
}
