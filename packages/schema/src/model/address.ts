import { firstChild, type XmlElement } from '../xml/tree.js';
import { read } from './values.js';

export const ADDRESS_TYPES = {
  pci: 'a PCI address: domain, bus, slot, function',
  drive: 'a position on a disk controller: controller, bus, target, unit',
  'virtio-serial': 'a port on a virtio-serial controller',
  ccid: 'a slot on a CCID (smartcard) controller',
  usb: 'a USB bus and port path such as 1.2',
  isa: 'an ISA I/O base and IRQ',
  'spapr-vio': 'a PAPR VIO register (ppc64 pseries)',
  ccw: 'a channel I/O device number (s390)',
  'virtio-mmio': 'a virtio-mmio transport (ARM, RISC-V)',
  'virtio-s390': 'the legacy s390 virtio transport',
  dimm: 'a memory DIMM slot and base address',
  unassigned: 'a host device with no guest address (kept for later assignment)',
} as const;
export type AddressType = keyof typeof ADDRESS_TYPES;

interface AddressBase {
  node: XmlElement;
}
export interface PciAddress extends AddressBase {
  type: 'pci';
  domain?: number;
  bus?: number;
  slot?: number;
  function?: number;
  multifunction?: boolean;
}
export interface DriveAddress extends AddressBase {
  type: 'drive';
  controller?: number;
  bus?: number;
  target?: number;
  unit?: number;
}
export interface VirtioSerialAddress extends AddressBase {
  type: 'virtio-serial';
  controller?: number;
  bus?: number;
  port?: number;
}
export interface CcidAddress extends AddressBase {
  type: 'ccid';
  controller?: number;
  slot?: number;
}
export interface UsbAddress extends AddressBase {
  type: 'usb';
  bus?: number;
  /** dotted port path, e.g. `1.2` (a port on a hub on port 1) */
  port?: string;
}
export interface IsaAddress extends AddressBase {
  type: 'isa';
  iobase?: number;
  irq?: number;
}
export interface SpaprVioAddress extends AddressBase {
  type: 'spapr-vio';
  reg?: number;
}
export interface CcwAddress extends AddressBase {
  type: 'ccw';
  cssid?: number;
  ssid?: number;
  devno?: number;
}
export interface DimmAddress extends AddressBase {
  type: 'dimm';
  slot?: number;
  base?: number;
}
export interface OtherAddress extends AddressBase {
  type: 'virtio-mmio' | 'virtio-s390' | 'unassigned';
}
export type DeviceAddress =
  | PciAddress
  | DriveAddress
  | VirtioSerialAddress
  | CcidAddress
  | UsbAddress
  | IsaAddress
  | SpaprVioAddress
  | CcwAddress
  | DimmAddress
  | OtherAddress;

/** A device's guest address from its `<address type='…'>` element. */
export function parseAddress(node: XmlElement): DeviceAddress | undefined {
  const type = read.enum(node, 'type', ADDRESS_TYPES);
  const n = (name: string) => read.number(node, name);
  switch (type) {
    case undefined:
      return undefined;
    case 'pci':
      return { type, node, domain: n('domain'), bus: n('bus'), slot: n('slot'), function: n('function'), multifunction: read.boolean(node, 'multifunction') };
    case 'drive':
      return { type, node, controller: n('controller'), bus: n('bus'), target: n('target'), unit: n('unit') };
    case 'virtio-serial':
      return { type, node, controller: n('controller'), bus: n('bus'), port: n('port') };
    case 'ccid':
      return { type, node, controller: n('controller'), slot: n('slot') };
    case 'usb':
      return { type, node, bus: n('bus'), port: read.string(node, 'port') };
    case 'isa':
      return { type, node, iobase: n('iobase'), irq: n('irq') };
    case 'spapr-vio':
      return { type, node, reg: n('reg') };
    case 'ccw':
      return { type, node, cssid: n('cssid'), ssid: n('ssid'), devno: n('devno') };
    case 'dimm':
      return { type, node, slot: n('slot'), base: n('base') };
    case 'virtio-mmio':
    case 'virtio-s390':
    case 'unassigned':
      return { type, node };
    default: {
      const unreachable: never = type;
      return unreachable;
    }
  }
}

/** The `<address>` child of a device element. */
export function deviceAddress(device: XmlElement): DeviceAddress | undefined {
  const node = firstChild(device, 'address');
  return node === undefined ? undefined : parseAddress(node);
}

/** Common to every device: its guest address, alias, and boot order where allowed. */
export interface DeviceCommon {
  node: XmlElement;
  address?: DeviceAddress;
  /** `<alias name='ua-…'/>` */
  alias?: string;
}

export interface BootOrder {
  order?: number;
  loadparm?: string;
  node: XmlElement;
}

/** `<alias name='ua-…'/>` of a device. */
export function deviceAlias(device: XmlElement): string | undefined {
  const alias = firstChild(device, 'alias');
  return alias === undefined ? undefined : read.string(alias, 'name');
}

export function parseBootOrder(device: XmlElement): BootOrder | undefined {
  const node = firstChild(device, 'boot');
  if (node === undefined) return undefined;
  return { node, order: read.unsigned(node, 'order'), loadparm: read.string(node, 'loadparm') };
}

/** `0000:00:1f.2`, the way libvirt prints PCI addresses. */
export function formatPciAddress(address: PciAddress): string {
  const hex = (value: number | undefined, width: number) => (value ?? 0).toString(16).padStart(width, '0');
  return `${hex(address.domain, 4)}:${hex(address.bus, 2)}:${hex(address.slot, 2)}.${(address.function ?? 0).toString(16)}`;
}
