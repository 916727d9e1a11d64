import type { IsoInstallNetwork, IsoOsFamily } from '../api.js';
import { escapeXml, LIFECYCLE_XML, pcieRootPortsXml, SERIAL_CONSOLE_XML, SPARE_PCIE_PORTS } from './xmlText.js';

/** What the definition of a guest installing from an ISO is made of, every path already resolved. */
export interface IsoInstallPlan {
  name: string;
  emulator: string;
  accelerator: 'qemu' | 'kvm';
  os: IsoOsFamily;
  memoryMiB: number;
  vcpus: number;
  /** The installer ISO's path. */
  iso: string;
  /** The new qcow2 disk's path. */
  disk: string;
  network: IsoInstallNetwork;
}

type DiskBus = 'virtio' | 'sata' | 'ide';

interface FamilyDevices {
  title: string;
  machine: 'q35' | 'pc';
  disk: { bus: DiskBus; dev: string };
  cdrom: { bus: Exclude<DiskBus, 'virtio'>; dev: string };
  nic: 'virtio' | 'e1000e' | 'e1000';
  video: 'virtio' | 'vga';
  /** Windows keeps its clock in local time. */
  clock: 'utc' | 'localtime';
  /** UEFI with secure boot (enrolled keys, SMM) and an emulated TPM 2.0: what Windows 11 demands. */
  secureBootTpm: boolean;
  /** Hyper-V enlightenments (KVM only: QEMU's TCG does not offer them). */
  hyperv: boolean;
}

/**
 * The devices each OS family gets, as virt-install picks them: a Linux installer has virtio
 * drivers; Windows installs on SATA with an e1000e NIC without extra drivers; Windows 11 also
 * needs UEFI with secure boot and a TPM 2.0; anything else gets the i440FX machine's IDE and
 * an e1000, which every OS since the 1990s knows.
 */
export const ISO_OS_DEVICES = {
  linux: {
    title: 'Linux',
    machine: 'q35',
    disk: { bus: 'virtio', dev: 'vda' },
    cdrom: { bus: 'sata', dev: 'sda' },
    nic: 'virtio',
    video: 'virtio',
    clock: 'utc',
    secureBootTpm: false,
    hyperv: false,
  },
  windows: {
    title: 'Windows (10 and older)',
    machine: 'q35',
    disk: { bus: 'sata', dev: 'sda' },
    cdrom: { bus: 'sata', dev: 'sdb' },
    nic: 'e1000e',
    video: 'vga',
    clock: 'localtime',
    secureBootTpm: false,
    hyperv: true,
  },
  windows11: {
    title: 'Windows 11',
    machine: 'q35',
    disk: { bus: 'sata', dev: 'sda' },
    cdrom: { bus: 'sata', dev: 'sdb' },
    nic: 'e1000e',
    video: 'vga',
    clock: 'localtime',
    secureBootTpm: true,
    hyperv: true,
  },
  other: {
    title: 'Other',
    machine: 'pc',
    disk: { bus: 'ide', dev: 'hda' },
    cdrom: { bus: 'ide', dev: 'hdc' },
    nic: 'e1000',
    video: 'vga',
    clock: 'utc',
    secureBootTpm: false,
    hyperv: false,
  },
} as const satisfies Record<IsoOsFamily, FamilyDevices>;

/** The q35 devices that sit on a pcie-root-port of their own (libvirt puts each PCIe device on one). */
function pcieDevices(devices: FamilyDevices, network: IsoInstallNetwork): number {
  const onPorts = [devices.disk.bus === 'virtio', network.type !== 'none', true /* USB */, true /* balloon */];
  return onPorts.filter(Boolean).length;
}

const indent = (lines: string[], depth: number): string => lines.map((line) => `${'  '.repeat(depth)}${line}`).join('\n');

function interfaceXml(network: IsoInstallNetwork, model: string): string[] {
  switch (network.type) {
    case 'none':
      return [];
    case 'user':
      return ["<interface type='user'>", `  <model type='${model}'/>`, '</interface>'];
    case 'network':
      return ["<interface type='network'>", `  <source network='${escapeXml(network.name)}'/>`, `  <model type='${model}'/>`, '</interface>'];
    default: {
      const unreachable: never = network;
      return unreachable;
    }
  }
}

function osXml(devices: FamilyDevices): string[] {
  const type = `<type arch='x86_64' machine='${devices.machine}'>hvm</type>`;
  // The installer first; once it has written the disk and the CD-ROM is ejected, the disk boots.
  const boot = ["<boot dev='cdrom'/>", "<boot dev='hd'/>"];
  if (!devices.secureBootTpm) return ['<os>', `  ${type}`, ...boot.map((b) => `  ${b}`), '</os>'];
  return [
    "<os firmware='efi'>",
    `  ${type}`,
    '  <firmware>',
    "    <feature enabled='yes' name='enrolled-keys'/>",
    "    <feature enabled='yes' name='secure-boot'/>",
    '  </firmware>',
    "  <loader secure='yes'/>",
    ...boot.map((b) => `  ${b}`),
    '</os>',
  ];
}

function featuresXml(devices: FamilyDevices, accelerator: IsoInstallPlan['accelerator']): string[] {
  const hyperv =
    devices.hyperv && accelerator === 'kvm'
      ? ["<hyperv mode='custom'>", "  <relaxed state='on'/>", "  <vapic state='on'/>", "  <spinlocks state='on' retries='8191'/>", '</hyperv>']
      : [];
  // Secure boot's firmware runs in SMM, which keeps the guest's OS from changing it.
  const smm = devices.secureBootTpm ? ["<smm state='on'/>"] : [];
  return ['<features>', '  <acpi/>', '  <apic/>', ...[...hyperv, ...smm].map((line) => `  ${line}`), '</features>'];
}

function clockXml(devices: FamilyDevices, accelerator: IsoInstallPlan['accelerator']): string[] {
  const timers = ["<timer name='rtc' tickpolicy='catchup'/>", "<timer name='pit' tickpolicy='delay'/>", "<timer name='hpet' present='no'/>"];
  if (devices.hyperv && accelerator === 'kvm') timers.push("<timer name='hypervclock' present='yes'/>");
  return [`<clock offset='${devices.clock}'>`, ...timers.map((t) => `  ${t}`), '</clock>'];
}

function diskXml(kind: 'disk' | 'cdrom', file: string, target: { bus: DiskBus; dev: string }): string[] {
  return [
    `<disk type='file' device='${kind}'>`,
    `  <driver name='qemu' type='${kind === 'disk' ? 'qcow2' : 'raw'}'/>`,
    `  <source file='${escapeXml(file)}'/>`,
    `  <target dev='${target.dev}' bus='${target.bus}'/>`,
    ...(kind === 'cdrom' ? ['  <readonly/>'] : []),
    '</disk>',
  ];
}

/**
 * The definition of a guest that installs an OS from an ISO: the CD-ROM first in the boot
 * order, the new disk, the family's devices, a VNC display with a USB tablet (so the pointer
 * follows the browser's) and a serial console. Pure: every path is the caller's.
 */
export function isoInstallXml(plan: IsoInstallPlan): string {
  const devices: FamilyDevices = ISO_OS_DEVICES[plan.os];
  const q35 = devices.machine === 'q35';
  const deviceLines = [
    `<emulator>${escapeXml(plan.emulator)}</emulator>`,
    ...diskXml('disk', plan.disk, devices.disk),
    ...diskXml('cdrom', plan.iso, devices.cdrom),
    // q35's own USB controller is xHCI, as libvirt adds it; i440FX keeps its built-in UHCI.
    ...(q35 ? ["<controller type='usb' index='0' model='qemu-xhci' ports='15'/>", ...pcieRootPortsXml(pcieDevices(devices, plan.network) + SPARE_PCIE_PORTS)] : []),
    ...interfaceXml(plan.network, devices.nic),
  ];
  const displayLines = [
    ...(devices.secureBootTpm ? ["<tpm model='tpm-crb'>", "  <backend type='emulator' version='2.0'/>", '</tpm>'] : []),
    "<input type='tablet' bus='usb'/>",
    "<graphics type='vnc'/>",
    '<video>',
    `  <model type='${devices.video}'/>`,
    '</video>',
    "<memballoon model='virtio'/>",
  ];
  return `<domain type='${plan.accelerator}'>
  <name>${escapeXml(plan.name)}</name>
  <memory unit='MiB'>${plan.memoryMiB}</memory>
  <vcpu placement='static'>${plan.vcpus}</vcpu>
${indent(osXml(devices), 1)}
${indent(featuresXml(devices, plan.accelerator), 1)}
${indent(clockXml(devices, plan.accelerator), 1)}
${LIFECYCLE_XML}
  <devices>
${indent(deviceLines, 2)}
${SERIAL_CONSOLE_XML}
${indent(displayLines, 2)}
  </devices>
</domain>
`;
}
