/**
 * Every accelerator a domain can name, what QEMU calls it, and what a person should know
 * about it. One table serves resolution, host checks, the API and the web app's picker.
 */

export const ACCELERATOR_STATUS = {
  available: 'supported by current QEMU',
  removed: 'removed from QEMU',
  'never-merged': 'never part of QEMU',
} as const;
export type AcceleratorStatus = keyof typeof ACCELERATOR_STATUS;

export interface AcceleratorInfo {
  /** The value of <domain type='…'>. */
  name: string;
  /** QEMU's accelerator name (`-accel NAME`), when QEMU has one. */
  qemuName?: string;
  status: AcceleratorStatus;
  /** Host OS the accelerator exists on (Node's process.platform names); absent: any. */
  hostOS?: string;
  title: string;
  /** One or two sentences for people: what it is and, for dead ends, what happened. */
  summary: string;
}

export const ACCELERATORS = {
  qemu: {
    name: 'qemu',
    qemuName: 'tcg',
    status: 'available',
    title: 'TCG (pure emulation)',
    summary: "QEMU's Tiny Code Generator translates guest instructions in software: it works on every host, more slowly than hardware virtualization.",
  },
  kvm: {
    name: 'kvm',
    qemuName: 'kvm',
    status: 'available',
    hostOS: 'linux',
    title: 'KVM',
    summary: "Linux's kernel hypervisor runs the guest on the CPU's virtualization extensions; it needs a usable /dev/kvm.",
  },
  kqemu: {
    name: 'kqemu',
    status: 'removed',
    title: 'KQEMU',
    summary: 'The kqemu kernel accelerator was removed from QEMU in version 0.12 (2009); no QEMU that virtdeck supports can use it.',
  },
  qvm86: {
    name: 'qvm86',
    status: 'never-merged',
    title: 'QVM86',
    summary: 'qvm86 was a 2005 kernel-module project that was never merged into QEMU; no QEMU can use it.',
  },
  hvf: {
    name: 'hvf',
    qemuName: 'hvf',
    status: 'available',
    hostOS: 'darwin',
    title: 'Hypervisor.framework',
    summary: "macOS's Hypervisor.framework; it exists only on macOS hosts.",
  },
  whpx: {
    name: 'whpx',
    qemuName: 'whpx',
    status: 'available',
    hostOS: 'win32',
    title: 'Windows Hypervisor Platform',
    summary: "Windows' Hypervisor Platform API; it exists only on Windows hosts.",
  },
  nvmm: {
    name: 'nvmm',
    qemuName: 'nvmm',
    status: 'available',
    hostOS: 'netbsd',
    title: 'NVMM',
    summary: "NetBSD's Virtual Machine Monitor; it exists only on NetBSD hosts.",
  },
  xen: {
    name: 'xen',
    qemuName: 'xen',
    status: 'available',
    title: 'Xen',
    summary: 'QEMU as the device model of a Xen hypervisor: it needs a host booted under Xen (dom0) and a Xen-enabled QEMU.',
  },
} as const satisfies Record<string, AcceleratorInfo>;

export type AcceleratorName = keyof typeof ACCELERATORS;

export function acceleratorInfo(name: string): AcceleratorInfo | undefined {
  return Object.hasOwn(ACCELERATORS, name) ? ACCELERATORS[name as AcceleratorName] : undefined;
}
