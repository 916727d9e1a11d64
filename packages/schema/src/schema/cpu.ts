/** <cpu> (model, topology, NUMA) and <cputune> (pinning, scheduling, resource control). */
import { CACHE_TYPES, CPU_CACHE_MODES, CPU_CHECKS, CPU_FALLBACKS, CPU_FEATURE_POLICIES, CPU_MATCHES, CPU_MODES, NUMA_CELL_MEMORY_ACCESS, SCHEDULERS } from '../model/cpu.js';
import { onOff, yesNo } from './common.js';
import { textOf } from './shorthands.js';
import { attr, data, element, many, must, one, oneOf, required } from './types.js';

export const numaCellSpec = element('a guest NUMA node', {
  attributes: {
    id: attr('the node number (0, 1, …)', data('uint')),
    cpus: attr('the vCPUs of this node', data('cpuset')),
    memory: required('the memory of this node', data('ulong')),
    unit: attr('the unit of memory (default KiB)', data('unit')),
    memAccess: attr('shared or private memory', oneOf(NUMA_CELL_MEMORY_ACCESS)),
    discard: yesNo('discard the memory when freed'),
  },
  children: {
    distances: one(
      element('distances to other nodes', {
        children: { sibling: many(element('the distance to one node', { attributes: { id: required('the node', data('uint')), value: required('10–255', data('numaDistance')) } }), 1) },
      }),
    ),
    cache: many(
      element('a memory-side cache of the node', {
        attributes: {
          level: required('cache level', data('uint')),
          associativity: required('associativity', oneOf({ none: 'none', direct: 'direct-mapped', full: 'fully associative' })),
          policy: required('write policy', oneOf({ none: 'none', writeback: 'write-back', writethrough: 'write-through' })),
        },
        children: {
          size: must(element('cache size', { attributes: { value: required('the size', data('uint')), unit: required('the unit', data('unit')) } })),
          line: must(element('cache line size', { attributes: { value: required('the size', data('uint')), unit: required('the unit', data('unit')) } })),
        },
      }),
    ),
  },
});
export const cpuSpec = element('the guest CPU: model, topology, features, NUMA', {
  attributes: {
    mode: attr('how the guest CPU is chosen', oneOf(CPU_MODES)),
    match: attr('how strictly the model must match', oneOf(CPU_MATCHES)),
    check: attr('how the CPU is checked at start', oneOf(CPU_CHECKS)),
    migratable: onOff('host-passthrough: hide features that block migration'),
    deprecated_features: onOff("off: disable the CPU model's deprecated features"),
  },
  children: {
    model: one(
      element('the named CPU model', {
        text: data('string'),
        textOptional: true,
        attributes: {
          fallback: attr('whether another model may be used', oneOf(CPU_FALLBACKS)),
          vendor_id: attr('the CPUID vendor string, 12 characters', data('cpuVendorId')),
        },
      }),
    ),
    vendor: one(textOf('the required CPU vendor', data('string'))),
    topology: one(
      element('sockets × dies × clusters × cores × threads; the product must equal the vCPU count', {
        attributes: {
          sockets: required('sockets', data('positive')),
          dies: attr('dies per socket', data('positive')),
          clusters: attr('clusters per die', data('positive')),
          cores: required('cores per die', data('positive')),
          threads: required('threads per core', data('positive')),
        },
      }),
    ),
    feature: many(
      element('a CPU feature added or removed', {
        attributes: { policy: required('what to do with the feature', oneOf(CPU_FEATURE_POLICIES)), name: required('the CPUID feature name', data('featureName')) },
      }),
    ),
    numa: one(
      element('the guest NUMA topology', {
        children: {
          cell: many(numaCellSpec, 1),
          interconnects: one(element('latencies and bandwidths between nodes', { anyContent: true })),
        },
      }),
    ),
    cache: one(
      element('the CPU cache the guest sees', {
        attributes: { level: attr('cache level 1–3', oneOf({ '1': 'L1', '2': 'L2', '3': 'L3' })), mode: required('how the cache is reported', oneOf(CPU_CACHE_MODES)) },
      }),
    ),
    maxphysaddr: one(
      element('the physical address width', {
        attributes: {
          mode: required('emulate or passthrough', oneOf({ emulate: 'a fixed width (bits=)', passthrough: 'the host width' })),
          bits: attr('address bits', data('uint')),
          limit: attr('upper limit of bits with passthrough', data('uint')),
        },
      }),
    ),
  },
});
export const schedSpec = (doc: string, idsAttribute?: string) =>
  element(doc, {
    attributes: {
      ...(idsAttribute === undefined ? {} : { [idsAttribute]: attr('which ones (a cpuset-style list)', data('cpuset')) }),
      scheduler: required('the host scheduler policy', oneOf(SCHEDULERS)),
      priority: attr('real-time priority (fifo, rr)', data('ushort')),
    },
    constraints: [
      { kind: 'requires', when: '@scheduler=fifo', then: ['@priority'], message: 'A real-time scheduler (fifo) needs a priority.' },
      { kind: 'requires', when: '@scheduler=rr', then: ['@priority'], message: 'A real-time scheduler (rr) needs a priority.' },
      { kind: 'forbids', when: '@scheduler=batch', names: ['@priority'], message: 'The batch scheduler takes no priority.' },
      { kind: 'forbids', when: '@scheduler=idle', names: ['@priority'], message: 'The idle scheduler takes no priority.' },
    ],
  });
export const cputuneSpec = element('host CPU scheduling of the guest', {
  children: {
    shares: one(textOf('relative CPU weight against other guests', data('uint'))),
    period: one(textOf('vCPU enforcement period, µs', data('cpuPeriod'))),
    quota: one(textOf('vCPU bandwidth per period, µs (-1 unlimited)', data('cpuQuota'))),
    global_period: one(textOf('whole-guest enforcement period, µs', data('cpuPeriod'))),
    global_quota: one(textOf('whole-guest bandwidth per period, µs', data('cpuQuota'))),
    emulator_period: one(textOf('emulator thread period, µs', data('cpuPeriod'))),
    emulator_quota: one(textOf('emulator thread bandwidth, µs', data('cpuQuota'))),
    iothread_period: one(textOf('iothread period, µs', data('cpuPeriod'))),
    iothread_quota: one(textOf('iothread bandwidth, µs', data('cpuQuota'))),
    vcpupin: many(element('pin one vCPU to host CPUs', { attributes: { vcpu: required('the vCPU', data('ushort')), cpuset: required('host CPUs', data('cpuset')) } })),
    emulatorpin: one(element('pin the emulator threads', { attributes: { cpuset: required('host CPUs', data('cpuset')) } })),
    iothreadpin: many(element('pin an iothread', { attributes: { iothread: required('the iothread id', data('uint')), cpuset: required('host CPUs', data('cpuset')) } })),
    vcpusched: many(schedSpec('scheduler of some vCPUs', 'vcpus')),
    iothreadsched: many(schedSpec('scheduler of some iothreads', 'iothreads')),
    emulatorsched: one(schedSpec('scheduler of the emulator threads')),
    cachetune: many(
      element('cache allocation (Intel RDT) for some vCPUs', {
        attributes: { vcpus: required('the vCPUs', data('cpuset')), id: attr('an id', data('string')) },
        children: {
          cache: many(
            element('one cache allocation', {
              attributes: {
                id: required('host cache id', data('uint')),
                level: required('cache level', data('uint')),
                type: required('which part of the cache', oneOf(CACHE_TYPES)),
                size: required('the allocation size', data('ulong')),
                unit: attr('unit of size', data('unit')),
              },
            }),
          ),
          monitor: many(element('a cache monitor', { attributes: { level: required('cache level', data('uint')), vcpus: required('the vCPUs', data('cpuset')) } })),
        },
        constraints: [{ kind: 'anyOf', names: ['cache', 'monitor'], message: 'A <cachetune> needs at least one <cache> or <monitor>.' }],
      }),
    ),
    memorytune: many(
      element('memory bandwidth allocation for some vCPUs', {
        attributes: { vcpus: required('the vCPUs', data('cpuset')) },
        children: {
          node: many(element('bandwidth on one host node', { attributes: { id: required('host node', data('uint')), bandwidth: required('percent', data('uint')) } })),
          monitor: many(element('a bandwidth monitor', { attributes: { vcpus: required('the vCPUs', data('cpuset')) } })),
        },
      }),
    ),
  },
});
