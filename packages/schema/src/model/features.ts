import { childElements, firstChild, type XmlElement } from '../xml/tree.js';
import { toKiB } from './units.js';
import { elementText, read } from './values.js';

/** Hypervisor features under `<features>`, each with a one-line description. */
export const FEATURE_NAMES = {
  acpi: 'ACPI tables (needed for graceful shutdown)',
  apic: 'the local APIC',
  pae: 'Physical Address Extension (32-bit guests above 4 GiB)',
  hap: 'hardware-assisted paging (EPT/NPT)',
  privnet: 'a private network namespace (containers)',
  viridian: 'Xen Viridian extensions for Windows',
  hyperv: 'Hyper-V enlightenments for Windows guests',
  kvm: 'KVM paravirtual features',
  xen: 'Xen-specific features',
  pmu: 'the performance monitoring unit',
  vmport: 'the VMware I/O port (vmmouse)',
  gic: 'the ARM Generic Interrupt Controller',
  smm: 'System Management Mode (needed for secure-boot UEFI on q35)',
  ioapic: 'the I/O APIC implementation',
  hpt: 'the hashed page table (ppc64)',
  vmcoreinfo: 'the vmcoreinfo device, for guest crash dumps',
  htm: 'hardware transactional memory (ppc64)',
  'nested-hv': 'nested HV (ppc64)',
  msrs: 'the handling of unknown MSRs',
  ccf: 'cache-flush capability (ppc64)',
  cfpc: 'cache-flush on privilege change (ppc64)',
  sbbc: 'speculation barrier bounds checking (ppc64)',
  ibs: 'indirect branch speculation (ppc64)',
  tcg: 'TCG (software emulation) tuning',
  'async-teardown': 'asynchronous guest teardown (s390)',
  ras: 'RAS event reporting (ARM)',
  ps2: 'the PS/2 controller',
  'aia': 'the RISC-V advanced interrupt architecture',
  pvspinlock: 'paravirtual spinlocks',
  'hpt-resize': 'hashed page table resizing (ppc64)',
} as const;

export const HYPERV_MODES = {
  custom: 'only the enlightenments listed here',
  passthrough: 'every enlightenment the host supports',
} as const;

export const HYPERV_FEATURES = {
  relaxed: 'relax timer checks',
  vapic: 'virtual APIC assist',
  spinlocks: 'spinlock retry notification (retries=)',
  vpindex: 'virtual processor index',
  runtime: 'processor time spent running the guest',
  synic: 'synthetic interrupt controller',
  stimer: 'synthetic timers',
  reset: 'the guest can reset the VM',
  vendor_id: 'the hypervisor vendor id reported to the guest (value=)',
  frequencies: 'TSC and APIC frequency MSRs',
  reenlightenment: 'reenlightenment notification on migration',
  tlbflush: 'paravirtual TLB flush',
  ipi: 'paravirtual IPIs',
  evmcs: 'enlightened VMCS (nested)',
  avic: 'AMD AVIC-friendly settings',
  emsr_bitmap: 'enlightened MSR bitmap (nested)',
  xmm_input: 'XMM registers as hypercall input',
} as const;

export const KVM_FEATURES = {
  hidden: 'hide the KVM signature from the guest',
  'hint-dedicated': 'tell the guest its vCPUs are on dedicated host CPUs',
  'poll-control': 'guest-controlled halt polling',
  'pv-ipi': 'paravirtual IPIs',
  'dirty-ring': 'dirty page tracking through a ring (size=)',
} as const;

export const IOAPIC_DRIVERS = {
  qemu: 'the I/O APIC emulated in QEMU (split irqchip, needed by the intel IOMMU with interrupt remapping)',
  kvm: 'the I/O APIC emulated in the kernel',
} as const;

export const GIC_VERSIONS = {
  '2': 'GICv2',
  '3': 'GICv3',
  host: 'the version the host has',
} as const;

export const TOGGLE_STATES = {
  on: 'enabled',
  off: 'disabled',
} as const;

export interface Feature {
  /** true when present without `state`, or with `state='on'` */
  enabled: boolean;
  node: XmlElement;
}

export interface HypervFeature extends Feature {
  retries?: number;
  value?: string;
  /** tlbflush's `<direct/>` and `<extended/>` sub-features */
  direct?: boolean;
  extended?: boolean;
}

export interface Features {
  node: XmlElement;
  acpi?: Feature;
  apic?: Feature & { eoi?: boolean };
  pae?: Feature;
  hap?: Feature;
  pmu?: Feature;
  vmport?: Feature;
  smm?: Feature & { tsegKiB?: number };
  vmcoreinfo?: Feature;
  pvspinlock?: Feature;
  ioapic?: Feature & { driver?: keyof typeof IOAPIC_DRIVERS };
  gic?: Feature & { version?: string };
  hyperv?: Feature & { mode?: keyof typeof HYPERV_MODES; features: Partial<Record<keyof typeof HYPERV_FEATURES, HypervFeature>> };
  kvm?: Feature & { features: Partial<Record<keyof typeof KVM_FEATURES, Feature & { size?: number }>> };
  tcg?: Feature & { tbCacheKiB?: number };
  /** every feature element, by name, including those without a typed field */
  all: Record<string, Feature>;
}

function feature(node: XmlElement): Feature {
  const state = read.string(node, 'state');
  return { enabled: state === undefined ? true : state === 'on' || state === 'yes', node };
}

export function parseFeatures(node: XmlElement | undefined): Features | undefined {
  if (node === undefined) return undefined;
  const features: Features = { node, all: {} };
  for (const child of childElements(node)) {
    const base = feature(child);
    features.all[child.name] = base;
    switch (child.name) {
      case 'acpi':
      case 'pae':
      case 'hap':
      case 'pmu':
      case 'vmport':
      case 'vmcoreinfo':
      case 'pvspinlock':
        features[child.name] = base;
        break;
      case 'apic':
        features.apic = { ...base, eoi: read.boolean(child, 'eoi') };
        break;
      case 'smm': {
        const tseg = firstChild(child, 'tseg');
        features.smm = { ...base, tsegKiB: tseg === undefined ? undefined : tsegKiB(tseg) };
        break;
      }
      case 'ioapic':
        features.ioapic = { ...base, driver: read.enum(child, 'driver', IOAPIC_DRIVERS) };
        break;
      case 'gic':
        features.gic = { ...base, version: read.string(child, 'version') };
        break;
      case 'hyperv':
        features.hyperv = { ...base, mode: read.enum(child, 'mode', HYPERV_MODES), features: hypervFeatures(child) };
        break;
      case 'kvm': {
        const kvm: NonNullable<Features['kvm']> = { ...base, features: {} };
        for (const flag of childElements(child)) {
          if (Object.prototype.hasOwnProperty.call(KVM_FEATURES, flag.name)) {
            kvm.features[flag.name as keyof typeof KVM_FEATURES] = { ...feature(flag), size: read.unsigned(flag, 'size') };
          }
        }
        features.kvm = kvm;
        break;
      }
      case 'tcg': {
        const cache = firstChild(child, 'tb-cache');
        features.tcg = { ...base, tbCacheKiB: cache === undefined ? undefined : tsegKiB(cache) };
        break;
      }
      default:
        break;
    }
  }
  return features;
}

/** `<tseg unit='MiB'>48</tseg>`: a size whose default unit is MiB. */
function tsegKiB(node: XmlElement): number | undefined {
  return toKiB(elementText(node), read.string(node, 'unit'), 'MiB');
}

function hypervFeatures(node: XmlElement): Partial<Record<keyof typeof HYPERV_FEATURES, HypervFeature>> {
  const out: Partial<Record<keyof typeof HYPERV_FEATURES, HypervFeature>> = {};
  for (const child of childElements(node)) {
    if (!Object.prototype.hasOwnProperty.call(HYPERV_FEATURES, child.name)) continue;
    const direct = firstChild(child, 'direct');
    const extended = firstChild(child, 'extended');
    out[child.name as keyof typeof HYPERV_FEATURES] = {
      ...feature(child),
      retries: read.unsigned(child, 'retries'),
      value: read.string(child, 'value'),
      direct: direct === undefined ? undefined : feature(direct).enabled,
      extended: extended === undefined ? undefined : feature(extended).enabled,
    };
  }
  return out;
}

/** The Linux capabilities a container's <features><capabilities> grants or drops (LXC; the QEMU driver ignores them). */
export const LINUX_CAPABILITIES = {
  audit_control: 'CAP_AUDIT_CONTROL',
  audit_write: 'CAP_AUDIT_WRITE',
  block_suspend: 'CAP_BLOCK_SUSPEND',
  chown: 'CAP_CHOWN',
  dac_override: 'CAP_DAC_OVERRIDE',
  dac_read_search: 'CAP_DAC_READ_SEARCH',
  fowner: 'CAP_FOWNER',
  fsetid: 'CAP_FSETID',
  ipc_lock: 'CAP_IPC_LOCK',
  ipc_owner: 'CAP_IPC_OWNER',
  kill: 'CAP_KILL',
  lease: 'CAP_LEASE',
  linux_immutable: 'CAP_LINUX_IMMUTABLE',
  mac_admin: 'CAP_MAC_ADMIN',
  mac_override: 'CAP_MAC_OVERRIDE',
  mknod: 'CAP_MKNOD',
  net_admin: 'CAP_NET_ADMIN',
  net_bind_service: 'CAP_NET_BIND_SERVICE',
  net_broadcast: 'CAP_NET_BROADCAST',
  net_raw: 'CAP_NET_RAW',
  setgid: 'CAP_SETGID',
  setfcap: 'CAP_SETFCAP',
  setpcap: 'CAP_SETPCAP',
  setuid: 'CAP_SETUID',
  sys_admin: 'CAP_SYS_ADMIN',
  sys_boot: 'CAP_SYS_BOOT',
  sys_chroot: 'CAP_SYS_CHROOT',
  sys_module: 'CAP_SYS_MODULE',
  sys_nice: 'CAP_SYS_NICE',
  sys_pacct: 'CAP_SYS_PACCT',
  sys_ptrace: 'CAP_SYS_PTRACE',
  sys_rawio: 'CAP_SYS_RAWIO',
  sys_resource: 'CAP_SYS_RESOURCE',
  sys_time: 'CAP_SYS_TIME',
  sys_tty_config: 'CAP_SYS_TTY_CONFIG',
  syslog: 'CAP_SYSLOG',
  wake_alarm: 'CAP_WAKE_ALARM',
} as const;

export const CAPABILITY_POLICIES = {
  default: 'the driver\'s default set',
  allow: 'all capabilities, minus those turned off',
  deny: 'none, plus those turned on',
} as const;
