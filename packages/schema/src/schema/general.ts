import { CLOCK_BASES, CLOCK_OFFSETS, TIMER_MODES, TIMER_NAMES, TIMER_TICKPOLICIES, TIMER_TRACKS } from '../model/clock.js';
import {
  CACHE_TYPES,
  CPU_CACHE_MODES,
  CPU_CHECKS,
  CPU_FALLBACKS,
  CPU_FEATURE_POLICIES,
  CPU_MATCHES,
  CPU_MODES,
  NUMA_CELL_MEMORY_ACCESS,
  NUMA_MEMORY_MODES,
  NUMA_PLACEMENTS,
  SCHEDULERS,
  VCPU_PLACEMENTS,
} from '../model/cpu.js';
import { GIC_VERSIONS, HYPERV_MODES, IOAPIC_DRIVERS } from '../model/features.js';
import { CRASH_ACTIONS, LIFECYCLE_ACTIONS, LOCKFAILURE_ACTIONS } from '../model/lifecycle.js';
import { MEMORY_ACCESS_MODES, MEMORY_ALLOCATION_MODES, MEMORY_SOURCE_TYPES } from '../model/memory.js';
import { ACCELERATORS } from '../model/domain.js';
import { ARCHITECTURES, BOOT_DEVICES, FIRMWARE_FORMATS, FIRMWARE_KINDS, LOADER_TYPES, OS_TYPES, SMBIOS_MODES, X86_MACHINES } from '../model/os.js';
import { LAUNCH_SECURITY_TYPES, SECLABEL_MODELS, SECLABEL_TYPES } from '../model/security.js';
import { SMBIOS_BASEBOARD_ENTRIES, SMBIOS_BIOS_ENTRIES, SMBIOS_CHASSIS_ENTRIES, SMBIOS_SYSTEM_ENTRIES, SYSINFO_TYPES } from '../model/sysinfo.js';
import { ON_OFF, onOff, YES_NO, yesNo } from './common.js';
import { attr, data, element, many, must, one, oneOf, required, suggest, type ElementSpec, type ValueSpec } from './types.js';

const sized = (doc: string, extra: ElementSpec['attributes'] = {}): ElementSpec =>
  element(doc, { text: data('ulong'), attributes: { unit: attr('the unit of the size (default KiB)', data('unit')), ...extra } });
const textOf = (doc: string, value: ValueSpec): ElementSpec => element(doc, { text: value });
const state = (doc: string): ElementSpec => element(doc, { attributes: { state: onOff('on or off') } });
const stateRequired = (doc: string, extra: ElementSpec['attributes'] = {}): ElementSpec =>
  element(doc, { attributes: { state: required('on or off', oneOf(ON_OFF)), ...extra } });

/** The legacy accelerator words are read in <os><type> but never offered. */
const OS_TYPE_LEGACY = {
  kvm: 'historical spelling of the accelerator: write <domain type="kvm"> and hvm here',
  qemu: 'historical spelling of the accelerator: write <domain type="qemu"> and hvm here',
  kqemu: 'historical spelling of the accelerator',
  qvm86: 'historical spelling of the accelerator',
} as const;

const osSpec = element('how the guest boots: its type, firmware, kernel, boot order', {
  attributes: { firmware: attr('let libvirt pick the firmware of this kind', oneOf(FIRMWARE_KINDS)) },
  children: {
    type: must(
      element('the guest type (hvm for QEMU) with its architecture and machine', {
        text: { kind: 'enum', values: OS_TYPES, accepted: OS_TYPE_LEGACY },
        attributes: {
          arch: attr('the guest CPU architecture', suggest(ARCHITECTURES, 'machine')),
          machine: attr('the QEMU machine type', suggest(X86_MACHINES, 'machine')),
          accel: attr('historical spelling of the accelerator (write it in <domain type>)', oneOf(ACCELERATORS)),
        },
      }),
    ),
    firmware: one(
      element('required features of an automatically selected firmware', {
        children: {
          feature: many(
            element('a firmware feature', {
              attributes: {
                enabled: required('whether the firmware must have it', oneOf(YES_NO)),
                name: required('the feature', oneOf({ 'enrolled-keys': 'Secure Boot keys are enrolled', 'secure-boot': 'Secure Boot is supported' })),
              },
            }),
            1,
          ),
        },
      }),
    ),
    loader: one(
      element('the firmware image', {
        text: data('absPath'),
        textOptional: true,
        attributes: {
          readonly: yesNo('map the image read-only (needed for pflash UEFI)'),
          secure: yesNo('Secure Boot (needs SMM)'),
          type: attr('how the image is mapped', oneOf(LOADER_TYPES)),
          stateless: yesNo('no NVRAM variable store'),
          format: attr('image format', oneOf(FIRMWARE_FORMATS)),
        },
      }),
    ),
    nvram: one(
      element('the UEFI variable store of this guest', {
        text: data('absPath'),
        textOptional: true,
        attributes: {
          template: attr('the file the store is created from', data('absPath')),
          format: attr('image format', oneOf(FIRMWARE_FORMATS)),
          type: attr('the storage type of the store', oneOf({ file: 'a file', block: 'a block device', network: 'a network source' })),
        },
      }),
    ),
    kernel: one(textOf('a kernel image to boot directly', data('absPath'))),
    initrd: one(textOf('an initial ramdisk for direct kernel boot', data('absPath'))),
    root: one(textOf('the root device (Xen)', data('absPath'))),
    cmdline: one(element('the kernel command line for direct kernel boot', { text: data('string'), textOptional: true })),
    dtb: one(textOf('a device tree binary (ARM)', data('absPath'))),
    shim: one(textOf('a UEFI shim loaded before the kernel', data('absPath'))),
    boot: many(element('a boot device; several give the order', { attributes: { dev: required('the device class to boot from', oneOf(BOOT_DEVICES)) } })),
    bootmenu: one(
      element('the interactive boot menu', {
        attributes: { enable: required('show the boot menu', oneOf(YES_NO)), timeout: attr('milliseconds to wait, 0–65535', data('ushort')) },
      }),
    ),
    smbios: one(element('where the SMBIOS tables come from', { attributes: { mode: required('the SMBIOS mode', oneOf(SMBIOS_MODES)) } })),
    bios: one(
      element('BIOS options', {
        attributes: {
          useserial: yesNo('show BIOS messages on the serial port'),
          rebootTimeout: attr('milliseconds before rebooting when no boot device is found (-1: never)', data('rebootTimeout')),
        },
      }),
    ),
    acpi: one(
      element('extra ACPI tables', {
        children: {
          table: many(
            element('an ACPI table file', {
              text: data('absPath'),
              attributes: { type: required('the table type', oneOf({ slic: 'software licensing table', msdm: 'Microsoft data management table' })) },
            }),
          ),
        },
      }),
    ),
    init: one(textOf('the init program (containers)', data('absPath'))),
    initarg: many(textOf('an argument of the init program', data('string'))),
    initdir: one(textOf('the working directory of init', data('absPath'))),
  },
});

const hypervState = (doc: string, extra: ElementSpec['attributes'] = {}, children: ElementSpec['children'] = {}) =>
  element(doc, { attributes: { state: required('on or off', oneOf(ON_OFF)), ...extra }, children });

const hypervSpec = element('Hyper-V enlightenments for Windows guests', {
  attributes: { mode: attr('custom (listed here) or passthrough (all the host has)', oneOf(HYPERV_MODES)) },
  children: {
    relaxed: one(hypervState('relax timer checks')),
    vapic: one(hypervState('virtual APIC assist')),
    spinlocks: one(hypervState('spinlock retry notification', { retries: attr('retries before notifying, at least 4095', data('uint')) })),
    vpindex: one(hypervState('virtual processor index')),
    runtime: one(hypervState('processor run time')),
    synic: one(hypervState('synthetic interrupt controller')),
    stimer: one(hypervState('synthetic timers', {}, { direct: one(stateRequired('direct mode synthetic timers')) })),
    reset: one(hypervState('guest-initiated reset')),
    vendor_id: one(hypervState('the hypervisor vendor id', { value: attr('up to 12 characters', data('hypervVendorId')) })),
    frequencies: one(hypervState('frequency MSRs')),
    reenlightenment: one(hypervState('reenlightenment notifications')),
    tlbflush: one(
      hypervState('paravirtual TLB flush', {}, { direct: one(stateRequired('direct TLB flush')), extended: one(stateRequired('extended TLB flush')) }),
    ),
    ipi: one(hypervState('paravirtual IPIs')),
    evmcs: one(hypervState('enlightened VMCS')),
    avic: one(hypervState('AVIC-friendly settings')),
    emsr_bitmap: one(hypervState('enlightened MSR bitmap')),
    xmm_input: one(hypervState('XMM hypercall input')),
  },
});

const featuresSpec = element('hypervisor features the guest sees', {
  children: {
    pae: one(element('Physical Address Extension')),
    apic: one(element('the local APIC', { attributes: { eoi: onOff('paravirtual end-of-interrupt') } })),
    acpi: one(element('ACPI (needed for graceful shutdown)')),
    hap: one(state('hardware-assisted paging')),
    hyperv: one(hypervSpec),
    viridian: one(element('Viridian extensions (Xen)')),
    kvm: one(
      element('KVM paravirtual features', {
        children: {
          hidden: one(stateRequired('hide the KVM signature')),
          'hint-dedicated': one(stateRequired('vCPUs run on dedicated host CPUs')),
          'poll-control': one(stateRequired('guest-controlled halt polling')),
          'pv-ipi': one(stateRequired('paravirtual IPIs')),
          'dirty-ring': one(stateRequired('dirty page ring', { size: attr('ring entries, a power of 2 from 1024 to 65536', data('uint')) })),
        },
      }),
    ),
    xen: one(
      element('Xen features', {
        children: {
          e820_host: one(stateRequired('the host E820 map')),
          passthrough: one(stateRequired('IOMMU passthrough', { mode: attr('sync_pt or share_pt', oneOf({ sync_pt: 'synchronized page tables', share_pt: 'shared page tables' })) })),
        },
      }),
    ),
    privnet: one(element('a private network namespace (containers)')),
    pvspinlock: one(state('paravirtual spinlocks')),
    pmu: one(state('the performance monitoring unit')),
    vmport: one(state('the VMware I/O port')),
    gic: one(element('the ARM interrupt controller', { attributes: { version: attr('the GIC version', oneOf(GIC_VERSIONS)) } })),
    smm: one(
      element('System Management Mode', {
        attributes: { state: onOff('on or off') },
        children: { tseg: one(sized('the TSEG size (default unit MiB)')) },
      }),
    ),
    ioapic: one(element('the I/O APIC implementation', { attributes: { driver: required('where it is emulated', oneOf(IOAPIC_DRIVERS)) } })),
    hpt: one(
      element('the hashed page table (ppc64)', {
        attributes: { resizing: attr('HPT resizing', oneOf({ enabled: 'enabled', disabled: 'disabled', required: 'required' })) },
        children: { maxpagesize: one(sized('the largest page size')) },
      }),
    ),
    vmcoreinfo: one(state('the vmcoreinfo device')),
    htm: one(stateRequired('hardware transactional memory')),
    'nested-hv': one(stateRequired('nested HV')),
    msrs: one(element('unknown MSR handling', { attributes: { unknown: required('ignore or fault', oneOf({ ignore: 'ignore', fault: 'inject a fault' })) } })),
    'ccf-assist': one(stateRequired('cache-flush assist')),
    cfpc: one(element('cache flush on privilege change', { attributes: { value: required('the mitigation', oneOf({ broken: 'broken', workaround: 'workaround', fixed: 'fixed' })) } })),
    sbbc: one(element('speculation barrier bounds checking', { attributes: { value: required('the mitigation', oneOf({ broken: 'broken', workaround: 'workaround', fixed: 'fixed' })) } })),
    ibs: one(
      element('indirect branch speculation', {
        attributes: {
          value: required('the mitigation', oneOf({ broken: 'broken', workaround: 'workaround', 'fixed-ibs': 'fixed (ibs)', 'fixed-ccd': 'fixed (ccd)', 'fixed-na': 'not affected' })),
        },
      }),
    ),
    tcg: one(element('TCG tuning', { children: { 'tb-cache': one(sized('the translation block cache size (default unit MiB)')) } })),
    'async-teardown': one(element('asynchronous teardown (s390)', { attributes: { enabled: yesNo('enabled') } })),
    ras: one(stateRequired('RAS event reporting')),
    ps2: one(stateRequired('the PS/2 controller')),
    aia: one(element('RISC-V AIA', { attributes: { value: required('the AIA mode', oneOf({ none: 'none', aplic: 'APLIC', 'aplic-imsic': 'APLIC and IMSIC' })) } })),
  },
});

const numaCellSpec = element('a guest NUMA node', {
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

const cpuSpec = element('the guest CPU: model, topology, features, NUMA', {
  attributes: {
    mode: attr('how the guest CPU is chosen', oneOf(CPU_MODES)),
    match: attr('how strictly the model must match', oneOf(CPU_MATCHES)),
    check: attr('how the CPU is checked at start', oneOf(CPU_CHECKS)),
    migratable: onOff('host-passthrough: hide features that block migration'),
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

const schedSpec = (doc: string, idsAttribute?: string) =>
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

const cputuneSpec = element('host CPU scheduling of the guest', {
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

const sysinfoEntries = (doc: string, names: Readonly<Record<string, string>>) =>
  element(doc, { children: { entry: many(element('one SMBIOS field', { text: data('string'), textOptional: true, attributes: { name: required('the field', oneOf(names)) } }), 1) } });

const sysinfoSpec = element('system information tables (SMBIOS) or firmware configuration entries', {
  attributes: { type: required('smbios or fwcfg', oneOf(SYSINFO_TYPES)) },
  variants: {
    attribute: 'type',
    cases: {
      smbios: {
        children: {
          bios: one(sysinfoEntries('SMBIOS type 0: BIOS information', SMBIOS_BIOS_ENTRIES)),
          system: one(sysinfoEntries('SMBIOS type 1: system information', SMBIOS_SYSTEM_ENTRIES)),
          baseBoard: many(sysinfoEntries('SMBIOS type 2: baseboard information', SMBIOS_BASEBOARD_ENTRIES)),
          chassis: one(sysinfoEntries('SMBIOS type 3: chassis information', SMBIOS_CHASSIS_ENTRIES)),
          oemStrings: one(element('SMBIOS type 11: OEM strings', { children: { entry: many(element('one OEM string', { text: data('string'), textOptional: true }), 1) } })),
        },
      },
      fwcfg: {
        children: {
          entry: many(
            element('a firmware configuration entry', {
              text: data('string'),
              textOptional: true,
              attributes: { name: required('the fw_cfg name (opt/…)', data('string')), file: attr('take the value from this file', data('string')) },
            }),
          ),
        },
      },
    },
  },
});

const timerSpec = element('a guest timer', {
  attributes: {
    name: required('the timer', oneOf(TIMER_NAMES)),
    present: yesNo('whether the guest has this timer'),
  },
  variants: {
    attribute: 'name',
    cases: {
      platform: { attributes: { track: attr('what the timer tracks', oneOf(TIMER_TRACKS)), tickpolicy: attr('what to do with missed ticks', oneOf(TIMER_TICKPOLICIES)) } },
      rtc: { attributes: { track: attr('what the timer tracks', oneOf(TIMER_TRACKS)), tickpolicy: attr('what to do with missed ticks', oneOf(TIMER_TICKPOLICIES)) } },
      tsc: {
        attributes: {
          tickpolicy: attr('what to do with missed ticks', oneOf(TIMER_TICKPOLICIES)),
          frequency: attr('the TSC frequency in Hz', data('ulong')),
          mode: attr('how the TSC is provided', oneOf(TIMER_MODES)),
        },
      },
      hpet: { attributes: { tickpolicy: attr('what to do with missed ticks', oneOf(TIMER_TICKPOLICIES)) } },
      pit: { attributes: { tickpolicy: attr('what to do with missed ticks', oneOf(TIMER_TICKPOLICIES)) } },
      armvtimer: { attributes: { tickpolicy: attr('what to do with missed ticks', oneOf(TIMER_TICKPOLICIES)) } },
      kvmclock: {},
      hypervclock: {},
    },
  },
  children: {
    catchup: one(
      element('how missed ticks are caught up', {
        attributes: { threshold: attr('threshold', data('uint')), slew: attr('slew', data('uint')), limit: attr('limit', data('uint')) },
      }),
    ),
  },
  constraints: [{ kind: 'requires', when: 'catchup', then: ['@tickpolicy=catchup'], message: "<catchup> is only used with tickpolicy='catchup'." }],
});

const clockSpec = element('the guest clock and its timers', {
  attributes: { offset: required('how the guest clock relates to the host clock', oneOf(CLOCK_OFFSETS)) },
  variants: {
    attribute: 'offset',
    cases: {
      utc: { attributes: { adjustment: attr("seconds to add, or 'reset'", data('string')) } },
      localtime: { attributes: { adjustment: attr("seconds to add, or 'reset'", data('string')) } },
      timezone: { attributes: { timezone: attr('the time zone, such as Europe/Paris', data('timeZone')) } },
      variable: {
        attributes: { adjustment: attr('seconds to add', data('timeDelta')), basis: attr('what the adjustment is relative to', oneOf(CLOCK_BASES)) },
      },
      absolute: { attributes: { start: required('the start time, seconds since the epoch', data('ulong')) } },
    },
  },
  children: { timer: many(timerSpec) },
});

const memoryBackingSpec = element('how guest memory is backed on the host', {
  children: {
    hugepages: one(
      element('back guest memory with huge pages', {
        children: {
          page: many(
            element('a huge page size, optionally for some NUMA nodes', {
              attributes: { size: required('the page size', data('ulong')), unit: attr('unit of size (default KiB)', data('unit')), nodeset: attr('guest NUMA nodes', data('cpuset')) },
            }),
          ),
        },
      }),
    ),
    nosharepages: one(element('do not merge identical pages (KSM)')),
    locked: one(element('lock guest memory in host RAM')),
    source: one(element('the memory backend', { attributes: { type: required('anonymous, file or memfd', oneOf(MEMORY_SOURCE_TYPES)) } })),
    access: one(element('shared or private memory', { attributes: { mode: required('the access mode', oneOf(MEMORY_ACCESS_MODES)) } })),
    allocation: one(
      element('when memory is allocated', {
        attributes: { mode: attr('immediate or ondemand', oneOf(MEMORY_ALLOCATION_MODES)), threads: attr('threads used to preallocate', data('uint')) },
      }),
    ),
    discard: one(element('discard memory when the guest stops')),
  },
});

const iotuneLimitChildren = Object.fromEntries(
  [
    'total_bytes_sec',
    'read_bytes_sec',
    'write_bytes_sec',
    'total_iops_sec',
    'read_iops_sec',
    'write_iops_sec',
    'total_bytes_sec_max',
    'read_bytes_sec_max',
    'write_bytes_sec_max',
    'total_iops_sec_max',
    'read_iops_sec_max',
    'write_iops_sec_max',
    'size_iops_sec',
    'total_bytes_sec_max_length',
    'read_bytes_sec_max_length',
    'write_bytes_sec_max_length',
    'total_iops_sec_max_length',
    'read_iops_sec_max_length',
    'write_iops_sec_max_length',
  ].map((name) => [name, one(textOf(name.replace(/_/g, ' '), data('ulong')))]),
);

/** total_* and read_/write_* of the same limit exclude each other. */
export const iotuneConstraints = ['bytes_sec', 'iops_sec', 'bytes_sec_max', 'iops_sec_max', 'bytes_sec_max_length', 'iops_sec_max_length'].map((limit) => ({
  kind: 'exclusive' as const,
  groups: [[`total_${limit}`], [`read_${limit}`, `write_${limit}`]],
}));

export const iotuneSpec = element('I/O throttling of the disk', {
  children: { ...iotuneLimitChildren, group_name: one(textOf('share the limits with other disks of this group', data('string'))) },
  constraints: iotuneConstraints,
});

const throttlegroupsSpec = element('named I/O limits disks can share', {
  children: {
    throttlegroup: many(
      element('one named set of I/O limits', {
        children: { ...iotuneLimitChildren, group_name: must(textOf('the group name', data('string'))) },
        constraints: iotuneConstraints,
      }),
    ),
  },
});

const launchSecuritySpec = element('confidential computing: memory encryption of the guest', {
  attributes: { type: required('the technology', oneOf(LAUNCH_SECURITY_TYPES)) },
  variants: {
    attribute: 'type',
    cases: {
      sev: {
        attributes: { kernelHashes: yesNo('include kernel hashes in the measurement') },
        children: {
          cbitpos: one(textOf('the C-bit position in page table entries', data('uint'))),
          reducedPhysBits: one(textOf('physical address bits lost to encryption', data('uint'))),
          policy: must(textOf('the guest policy word', data('hexuint'))),
          handle: one(textOf('the SEV handle', data('uint'))),
          dhCert: one(textOf("the guest owner's Diffie-Hellman key (base64)", data('string'))),
          session: one(textOf('the session blob (base64)', data('string'))),
        },
      },
      'sev-snp': {
        attributes: { kernelHashes: yesNo('include kernel hashes in the measurement'), authorKey: yesNo('an author key is present'), vcek: yesNo('use the VCEK') },
        children: {
          cbitpos: one(textOf('the C-bit position', data('uint'))),
          reducedPhysBits: one(textOf('physical address bits lost to encryption', data('uint'))),
          policy: one(textOf('the guest policy', data('hexuint'))),
          guestVisibleWorkarounds: one(textOf('guest-visible workarounds', data('string'))),
          idBlock: one(textOf('the ID block', data('string'))),
          idAuth: one(textOf('the ID authentication', data('string'))),
          hostData: one(textOf('host data', data('string'))),
        },
      },
      's390-pv': {},
      tdx: {
        children: {
          policy: one(textOf('the TD attributes', data('hexuint'))),
          mrConfigId: one(textOf('the config id', data('string'))),
          mrOwner: one(textOf('the owner id', data('string'))),
          mrOwnerConfig: one(textOf('the owner configuration', data('string'))),
          quoteGenerationService: one(element('the quote generation service', { attributes: { path: attr('socket path', data('absPath')) } })),
        },
      },
    },
  },
});

const seclabelSpec = element('the security label of the guest', {
  attributes: {
    type: attr('dynamic, static or none', oneOf(SECLABEL_TYPES)),
    model: attr('the security driver', suggest(SECLABEL_MODELS, 'string')),
    relabel: yesNo('whether libvirt relabels resources'),
  },
  children: {
    label: one(textOf('the label', data('string'))),
    imagelabel: one(textOf('the label of the image files', data('string'))),
    baselabel: one(textOf('the base for generated labels', data('string'))),
  },
  constraints: [
    { kind: 'requires', when: '@type=static', then: ['label'], message: "A static seclabel needs a <label>." },
    { kind: 'forbids', when: '@type=none', names: ['@relabel=yes'], message: "A seclabel of type 'none' cannot relabel." },
  ],
});

export const generalSchema = {
  name: must(textOf('the guest name, unique on the host', data('nonEmpty'))),
  uuid: one(textOf('a globally unique id (generated when absent)', data('uuid'))),
  genid: one(element('the VM generation id (Windows), generated when empty', { text: data('uuid'), textOptional: true })),
  title: one(textOf('a short title', data('nonEmpty'))),
  description: one(element('a human-readable description', { text: data('string'), textOptional: true })),
  metadata: one(element('application metadata in your own XML namespaces; kept as is', { anyContent: true })),
  memory: one(sized('the maximum memory at boot', { dumpCore: onOff('include guest memory in core dumps') })),
  maxMemory: one(sized('the memory hot-plug limit', { slots: required('hot-plug slots', data('uint')) })),
  currentMemory: one(sized('the memory actually given at start (balloon target)')),
  memoryBacking: one(memoryBackingSpec),
  vcpu: one(
    element('the maximum number of vCPUs', {
      text: data('countCPU'),
      attributes: {
        placement: attr('how vCPUs are placed on host CPUs', oneOf(VCPU_PLACEMENTS)),
        cpuset: attr('host CPUs the vCPUs may run on', data('cpuset')),
        current: attr('vCPUs online at start', data('countCPU')),
      },
    }),
  ),
  vcpus: one(
    element('the state of each vCPU', {
      children: {
        vcpu: many(
          element('one vCPU', {
            attributes: {
              id: required('the vCPU id', data('uint')),
              enabled: required('online at start', oneOf(YES_NO)),
              hotpluggable: yesNo('can be unplugged'),
              order: attr('order of onlining', data('uint')),
            },
          }),
        ),
      },
    }),
  ),
  iothreads: one(textOf('the number of I/O threads', data('uint'))),
  iothreadids: one(
    element('the I/O threads by id', {
      children: {
        iothread: many(
          element('one I/O thread', {
            attributes: {
              id: required('the id (from 1)', data('uint')),
              thread_pool_min: attr('minimum worker threads', data('uint')),
              thread_pool_max: attr('maximum worker threads', data('uint')),
            },
          }),
        ),
      },
    }),
  ),
  defaultiothread: one(
    element('the default event loop thread', {
      attributes: { thread_pool_min: attr('minimum worker threads', data('uint')), thread_pool_max: attr('maximum worker threads', data('uint')) },
    }),
  ),
  blkiotune: one(
    element('block I/O weights of the guest', {
      children: {
        weight: one(textOf('relative weight, 100–1000', data('weight'))),
        device: many(
          element('limits for one host device', {
            children: {
              path: must(textOf('the host device', data('absPath'))),
              weight: one(textOf('relative weight', data('weight'))),
              read_iops_sec: one(textOf('read operations per second', data('uint'))),
              write_iops_sec: one(textOf('write operations per second', data('uint'))),
              read_bytes_sec: one(textOf('read bytes per second', data('ulong'))),
              write_bytes_sec: one(textOf('write bytes per second', data('ulong'))),
            },
          }),
        ),
      },
    }),
  ),
  memtune: one(
    element('host memory limits of the guest', {
      children: {
        hard_limit: one(sized('the most memory the guest process may use')),
        soft_limit: one(sized('the memory limit under host memory pressure')),
        min_guarantee: one(sized('memory guaranteed to the guest')),
        swap_hard_limit: one(sized('memory plus swap limit')),
      },
    }),
  ),
  cputune: one(cputuneSpec),
  numatune: one(
    element('host NUMA placement of guest memory', {
      children: {
        memory: one(
          element('memory placement of the whole guest', {
            attributes: {
              mode: attr('the allocation policy', oneOf(NUMA_MEMORY_MODES)),
              placement: attr('static (nodeset) or auto (numad)', oneOf(NUMA_PLACEMENTS)),
              nodeset: attr('host NUMA nodes', data('cpuset')),
            },
            constraints: [{ kind: 'forbids', when: '@placement=auto', names: ['@nodeset'], message: "With placement='auto' numad chooses the nodes: remove nodeset." }],
          }),
        ),
        memnode: many(
          element('placement of one guest NUMA node', {
            attributes: {
              cellid: required('the guest node', data('uint')),
              mode: required('the allocation policy', oneOf(NUMA_MEMORY_MODES)),
              nodeset: required('host NUMA nodes', data('cpuset')),
            },
          }),
        ),
      },
    }),
  ),
  resource: one(
    element('resource partitioning', {
      children: {
        partition: one(textOf('the cgroup partition', data('absPath'))),
        fibrechannel: one(element('Fibre Channel application id', { attributes: { appid: required('the id', data('nonEmpty')) } })),
      },
    }),
  ),
  throttlegroups: one(throttlegroupsSpec),
  sysinfo: many(sysinfoSpec),
  os: must(osSpec),
  bootloader: one(element('a host-side boot loader (Xen)', { text: data('string'), textOptional: true })),
  bootloader_args: one(textOf('boot loader arguments', data('string'))),
  features: one(featuresSpec),
  cpu: one(cpuSpec),
  clock: one(clockSpec),
  on_poweroff: one(textOf('what to do when the guest powers off', oneOf(LIFECYCLE_ACTIONS))),
  on_reboot: one(textOf('what to do when the guest reboots', oneOf(LIFECYCLE_ACTIONS))),
  on_crash: one(textOf('what to do when the guest crashes', oneOf(CRASH_ACTIONS))),
  on_lockfailure: one(textOf('what to do when a lock is lost', oneOf(LOCKFAILURE_ACTIONS))),
  pm: one(
    element('guest power management (ACPI S3/S4)', {
      children: {
        'suspend-to-mem': one(element('S3: suspend to RAM', { attributes: { enabled: yesNo('allow it') } })),
        'suspend-to-disk': one(element('S4: suspend to disk', { attributes: { enabled: yesNo('allow it') } })),
      },
    }),
  ),
  perf: one(
    element('host perf events collected for the guest', {
      children: { event: many(element('one perf event', { attributes: { name: required('the event', data('string')), enabled: required('collect it', oneOf(YES_NO)) } }), 1) },
    }),
  ),
  idmap: one(
    element('user and group id mapping (containers)', {
      children: {
        uid: many(element('a user id range', { attributes: { start: required('first id in the guest', data('uint')), target: required('first id on the host', data('uint')), count: required('how many', data('uint')) } })),
        gid: many(element('a group id range', { attributes: { start: required('first id in the guest', data('uint')), target: required('first id on the host', data('uint')), count: required('how many', data('uint')) } })),
      },
    }),
  ),
  seclabel: many(seclabelSpec),
  keywrap: one(
    element('s390 key wrapping', {
      children: {
        cipher: many(element('a wrapping cipher', { attributes: { name: required('aes or dea', oneOf({ aes: 'AES', dea: 'DEA/TDEA' })), state: required('on or off', oneOf(ON_OFF)) } }), 1),
      },
    }),
  ),
  launchSecurity: one(launchSecuritySpec),
} satisfies Record<string, ReturnType<typeof one>>;
