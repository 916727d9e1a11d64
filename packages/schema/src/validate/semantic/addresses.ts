import { formatPciAddress, type DeviceAddress, type PciAddress } from '../../model/address.js';
import type { Controller } from '../../model/devices/controller.js';
import type { Domain } from '../../model/domain.js';
import type { XmlElement } from '../../xml/tree.js';
import { machineFamily, type MachineFamily } from './machine.js';
import type { Reporter } from './report.js';

interface Addressed {
  node: XmlElement;
  address?: DeviceAddress;
}

/**
 * The first console of an HVM guest, when it is a serial console: libvirt reads it as its
 * serial port seen again (virDomainDefAddConsoleCompat) and skips it when it walks the device
 * addresses, so the address it repeats from a pci-serial or usb-serial is not a second device.
 */
function isSerialPortRepeated(domain: Domain): boolean {
  const first = domain.devices.consoles[0];
  if (first === undefined || domain.os.type !== 'hvm') return false;
  const type = first.target?.type;
  return type === undefined || type === 'serial' || type === 'none';
}

function addressedDevices(domain: Domain): Addressed[] {
  const d = domain.devices;
  const consoles = isSerialPortRepeated(domain) ? d.consoles.slice(1) : d.consoles;
  const single = [d.memballoon, d.iommu, d.vsock].filter((x): x is NonNullable<typeof x> => x !== undefined);
  return [
    ...d.disks,
    ...d.controllers,
    ...d.filesystems,
    ...d.interfaces,
    ...d.inputs,
    ...d.videos,
    ...d.serials,
    ...d.parallels,
    ...consoles,
    ...d.channels,
    ...d.sounds,
    ...d.watchdogs,
    ...d.rngs,
    ...d.hostdevs,
    ...d.redirdevs,
    ...d.smartcards,
    ...d.tpms,
    ...d.panics,
    ...d.shmems,
    ...d.memories,
    ...d.hubs,
    ...single,
  ].sort((a, b) => a.node.start - b.node.start);
}

/**
 * Addresses the chipset keeps for itself, with the one device allowed there: on i440FX the
 * PIIX3 functions at 00:01.x; on Q35 the ICH9 functions at 00:1f.x.
 */
function reservedPciSlots(family: MachineFamily): Map<string, { what: string; allows: (device: Addressed) => boolean }> {
  const reserved = new Map<string, { what: string; allows: (device: Addressed) => boolean }>();
  const isController = (type: string, index = 0) => (device: Addressed) =>
    device.node.name === 'controller' && (device as Controller).type === type && ((device as Controller).index ?? 0) === index;
  if (family === 'i440fx') {
    reserved.set('0:0:1.0', { what: 'the PIIX3 ISA bridge', allows: () => false });
    reserved.set('0:0:1.1', { what: 'the built-in IDE controller', allows: isController('ide') });
    reserved.set('0:0:1.2', { what: 'the built-in USB controller', allows: isController('usb') });
    reserved.set('0:0:1.3', { what: 'the PIIX4 power management function', allows: () => false });
  } else if (family === 'q35') {
    reserved.set('0:0:1f.0', { what: 'the ICH9 LPC bridge', allows: () => false });
    reserved.set('0:0:1f.2', { what: 'the built-in SATA controller', allows: isController('sata') });
    reserved.set('0:0:1f.3', { what: 'the ICH9 SMBus controller', allows: () => false });
  }
  return reserved;
}

function pciKey(address: PciAddress): string {
  return `${address.domain ?? 0}:${address.bus ?? 0}:${(address.slot ?? 0).toString(16)}.${(address.function ?? 0).toString(16)}`;
}

/** Two devices at one PCI, USB, virtio-serial or CCID address; chipset-reserved PCI addresses. */
export function validateAddresses(domain: Domain, report: Reporter): void {
  const reserved = reservedPciSlots(machineFamily(domain));
  const pci = new Map<string, Addressed>();
  const other = new Map<string, Addressed>();
  const hubPorts = new Set<string>();
  for (const hub of domain.devices.hubs) {
    if (hub.address?.type === 'usb') hubPorts.add(`${hub.address.bus ?? 0}:${hub.address.port ?? ''}`);
  }
  for (const device of addressedDevices(domain)) {
    const address = device.address;
    if (address === undefined) continue;
    if (address.type === 'pci') {
      if (address.slot === undefined) continue;
      const key = pciKey(address);
      const printable = formatPciAddress(address);
      const chipset = reserved.get(key);
      if (chipset !== undefined && !chipset.allows(device)) {
        report.error('address-conflict', `PCI address ${printable} is taken by ${chipset.what}; choose another slot.`, address.node.range);
        continue;
      }
      const previous = pci.get(key);
      if (previous !== undefined) {
        report.error('address-conflict', `PCI address ${printable} is already used by the <${previous.node.name}> on line ${previous.node.range.start.line}.`, address.node.range);
      } else {
        pci.set(key, device);
      }
      continue;
    }
    let key: string | undefined;
    let printable = '';
    if (address.type === 'usb' && address.port !== undefined) {
      key = `usb ${address.bus ?? 0}:${address.port}`;
      printable = `USB bus ${address.bus ?? 0} port ${address.port}`;
      const parent = address.port.includes('.') ? address.port.slice(0, address.port.lastIndexOf('.')) : undefined;
      if (parent !== undefined && !hubPorts.has(`${address.bus ?? 0}:${parent}`)) {
        report.error('address-conflict', `USB port ${address.port} is behind port ${parent}, but there is no <hub> at bus ${address.bus ?? 0} port ${parent}.`, address.node.range);
      }
    } else if (address.type === 'virtio-serial' && address.port !== undefined) {
      key = `vs ${address.controller ?? 0}:${address.bus ?? 0}:${address.port}`;
      printable = `virtio-serial controller ${address.controller ?? 0} bus ${address.bus ?? 0} port ${address.port}`;
    } else if (address.type === 'ccid' && address.slot !== undefined) {
      key = `ccid ${address.controller ?? 0}:${address.slot}`;
      printable = `CCID controller ${address.controller ?? 0} slot ${address.slot}`;
    }
    if (key === undefined) continue;
    const previous = other.get(key);
    if (previous !== undefined) {
      report.error('address-conflict', `${printable} is already used by the <${previous.node.name}> on line ${previous.node.range.start.line}.`, address.node.range);
    } else {
      other.set(key, device);
    }
  }
}
