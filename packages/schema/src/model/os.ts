import { isOsTypeAcceleratorWord } from './accelerators.js';
import { childElements, firstChild, type XmlElement } from '../xml/tree.js';
import { childText, elementText, read } from './values.js';
import { DISK_TYPES, type DiskType } from './devices/disk.js';

export const OS_TYPES = {
  hvm: 'full virtualization: an unmodified guest OS on emulated hardware (what QEMU runs)',
  linux: 'a Xen paravirtualized Linux guest',
  xen: 'a Xen paravirtualized guest',
  xenpvh: 'a Xen PVH guest',
  exe: 'a container running an init program',
} as const;
export type OsType = keyof typeof OS_TYPES;

export const ARCHITECTURES = {
  x86_64: '64-bit x86 (AMD64 / Intel 64)',
  i686: '32-bit x86',
  aarch64: '64-bit ARM',
  armv7l: '32-bit ARM (v7)',
  ppc64: '64-bit POWER, big-endian',
  ppc64le: '64-bit POWER, little-endian',
  s390x: 'IBM Z',
  riscv64: '64-bit RISC-V',
  loongarch64: '64-bit LoongArch',
  mips64el: '64-bit MIPS, little-endian',
} as const;

export const X86_MACHINES = {
  pc: 'the i440FX + PIIX3 chipset (PCI, legacy-friendly); the latest pc-i440fx-* version',
  q35: 'the Q35 + ICH9 chipset (PCI Express, AHCI, secure boot capable); the latest pc-q35-* version',
  isapc: 'an ISA-only PC without PCI',
  microvm: 'a minimal virtio-mmio machine for fast direct-kernel boot',
} as const;

export const FIRMWARE_KINDS = {
  bios: 'legacy BIOS (SeaBIOS)',
  efi: 'UEFI (OVMF)',
} as const;
export type Firmware = keyof typeof FIRMWARE_KINDS;

export const LOADER_TYPES = {
  rom: 'the firmware image is mapped read-only as a ROM',
  pflash: 'the firmware image is a parallel flash device (UEFI with variable store)',
} as const;
export type LoaderType = keyof typeof LOADER_TYPES;

/** <os><acpi><table type>: libvirt's virDomainOsACPITable. */
export const ACPI_TABLE_TYPES = {
  raw: 'a table passed to QEMU as it is',
  rawset: 'a set of tables in one file (Xen)',
  slic: 'software licensing table',
  msdm: 'Microsoft data management table',
} as const;

export const FIRMWARE_FORMATS = {
  raw: 'a raw image',
  qcow2: 'a qcow2 image',
} as const;

/** `<os><firmware><feature name=…>`: what an automatically chosen firmware must (not) have. */
export const FIRMWARE_FEATURES = {
  'enrolled-keys': 'Secure Boot keys are enrolled',
  'secure-boot': 'Secure Boot is supported',
} as const;
export type FirmwareFeature = keyof typeof FIRMWARE_FEATURES;

export const BOOT_DEVICES = {
  hd: 'the first hard disk',
  cdrom: 'the first CD-ROM',
  fd: 'the first floppy disk',
  network: 'PXE boot from the network',
} as const;
export type BootDevice = keyof typeof BOOT_DEVICES;

export const SMBIOS_MODES = {
  emulate: 'QEMU provides its default SMBIOS tables',
  host: 'copy the host SMBIOS tables (Xen)',
  sysinfo: 'use the values of the <sysinfo> element',
} as const;
export type SmbiosMode = keyof typeof SMBIOS_MODES;

export interface Os {
  /** absent when the definition has no <os> (an error) */
  node?: XmlElement;
  /** the guest type, normalised: `<type>kvm</type>` and `<type accel='kvm'>qemu</type>` mean `hvm` */
  type?: OsType;
  arch?: string;
  machine?: string;
  firmware?: Firmware;
  firmwareFeatures: { name: string; enabled?: boolean; node: XmlElement }[];
  loader?: { path?: string; readonly?: boolean; secure?: boolean; type?: LoaderType; stateless?: boolean; format?: string; node: XmlElement };
  /** `storage`: the type of a `<source>` store (file when absent) */
  nvram?: { path?: string; storage?: DiskType; template?: string; format?: string; node: XmlElement };
  kernel?: string;
  initrd?: string;
  cmdline?: string;
  dtb?: string;
  shim?: string;
  boot: { dev?: BootDevice; node: XmlElement }[];
  bootmenu?: { enable?: boolean; timeout?: number; node: XmlElement };
  smbios?: { mode?: SmbiosMode; node: XmlElement };
  bios?: { useserial?: boolean; rebootTimeout?: number; node: XmlElement };
  acpiTables: { type?: string; path: string; node: XmlElement }[];
}

export function parseOs(node: XmlElement | undefined): Os {
  if (node === undefined) return { firmwareFeatures: [], boot: [], acpiTables: [] };
  const os: Os = { node, firmwareFeatures: [], boot: [], acpiTables: [] };
  const type = firstChild(node, 'type');
  if (type !== undefined) {
    const word = elementText(type);
    if (Object.prototype.hasOwnProperty.call(OS_TYPES, word)) os.type = word as OsType;
    else if (isOsTypeAcceleratorWord(word)) os.type = 'hvm';
    const arch = read.string(type, 'arch');
    const machine = read.string(type, 'machine');
    if (arch !== undefined) os.arch = arch;
    if (machine !== undefined) os.machine = machine;
  }
  const firmware = read.enum(node, 'firmware', FIRMWARE_KINDS);
  if (firmware !== undefined) os.firmware = firmware;
  const firmwareElement = firstChild(node, 'firmware');
  if (firmwareElement !== undefined) {
    for (const feature of childElements(firmwareElement, 'feature')) {
      os.firmwareFeatures.push({ name: read.string(feature, 'name') ?? '', enabled: read.boolean(feature, 'enabled'), node: feature });
    }
  }
  const loader = firstChild(node, 'loader');
  if (loader !== undefined) {
    const path = elementText(loader);
    os.loader = {
      path: path === '' ? undefined : path,
      readonly: read.boolean(loader, 'readonly'),
      secure: read.boolean(loader, 'secure'),
      type: read.enum(loader, 'type', LOADER_TYPES),
      stateless: read.boolean(loader, 'stateless'),
      format: read.string(loader, 'format'),
      node: loader,
    };
  }
  const nvram = firstChild(node, 'nvram');
  if (nvram !== undefined) {
    // libvirt's newer form names the store as a disk does: <nvram type='file'><source file='…'/>
    const source = firstChild(nvram, 'source');
    const path = elementText(nvram) || (source === undefined ? '' : (read.string(source, 'file') ?? read.string(source, 'dev') ?? ''));
    os.nvram = { path: path === '' ? undefined : path, storage: read.enum(nvram, 'type', DISK_TYPES), template: read.string(nvram, 'template'), format: read.string(nvram, 'format'), node: nvram };
  }
  for (const key of ['kernel', 'initrd', 'cmdline', 'dtb', 'shim'] as const) {
    const value = childText(node, key);
    if (value !== undefined) os[key] = value;
  }
  for (const boot of childElements(node, 'boot')) os.boot.push({ dev: read.enum(boot, 'dev', BOOT_DEVICES), node: boot });
  const bootmenu = firstChild(node, 'bootmenu');
  if (bootmenu !== undefined) {
    os.bootmenu = { enable: read.boolean(bootmenu, 'enable'), timeout: read.unsigned(bootmenu, 'timeout'), node: bootmenu };
  }
  const smbios = firstChild(node, 'smbios');
  if (smbios !== undefined) os.smbios = { mode: read.enum(smbios, 'mode', SMBIOS_MODES), node: smbios };
  const bios = firstChild(node, 'bios');
  if (bios !== undefined) {
    os.bios = { useserial: read.boolean(bios, 'useserial'), rebootTimeout: read.signed(bios, 'rebootTimeout'), node: bios };
  }
  const acpi = firstChild(node, 'acpi');
  if (acpi !== undefined) {
    for (const table of childElements(acpi, 'table')) {
      os.acpiTables.push({ type: read.string(table, 'type'), path: elementText(table), node: table });
    }
  }
  return os;
}
