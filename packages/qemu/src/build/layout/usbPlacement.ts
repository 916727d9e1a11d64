/** USB ports: every USB device on a controller port, with hubs added when the controllers have too few ports (as libvirt adds them). */
import type { DeviceAddress, Devices, Disk, Hub, Input, Interface, CharDevice, Sound, XmlElement } from '@virtdeck/schema';
import { assignUsbAddresses, hubsNeeded, parseUsbPort, usbControllerPorts, USB_HUB_PORTS, type UsbDeviceSlot } from '../../address/usb.js';
import type { DiagnosticSink } from '../../diagnostics.js';
import type { ControllerSet } from './controllers.js';
import { diskBus, inputBus, nicModel } from './deviceDefaults.js';

export interface UsbSlot {
  bus: number;
  port: number[];
}

export interface UsbPlacementInput {
  dev: Devices;
  controllers: ControllerSet;
  alias: Map<object, string>;
  implicit: Set<object>;
  diagnostics: DiagnosticSink;
  devicesNode: XmlElement;
  ordered: { disks: readonly Disk[]; inputs: readonly Input[]; serials: readonly CharDevice[]; sounds: readonly Sound[]; interfaces: readonly Interface[] };
}

export interface UsbPlacement {
  usb: Map<object, UsbSlot>;
  /** USB hubs, including the ones added because the controllers had too few ports. */
  hubs: Hub[];
}

export function placeUsb(input: UsbPlacementInput): UsbPlacement {
  const { dev, controllers, alias, diagnostics, devicesNode, ordered } = input;
  const usb = new Map<object, UsbSlot>();
  const usbControllers = controllers.list
    .filter((c) => c.type === 'usb')
    .map((c) => ({ index: controllers.index.get(c) ?? 0, ports: usbControllerPorts(controllers.model.get(c) ?? '', c.ports) }));
  const usbSlots = new Map<object, UsbDeviceSlot>();
  const usbSlot = (owner: { address?: DeviceAddress; node: XmlElement }, label: string): UsbDeviceSlot => {
    const slot: UsbDeviceSlot = { label };
    const ua = owner.address;
    if (ua?.type === 'usb') {
      slot.bus = ua.bus ?? 0;
      if (ua.port !== undefined) {
        const port = parseUsbPort(ua.port);
        if (port) slot.port = port;
        else diagnostics.error('invalid-value', ua.node, `USB port '${ua.port}' is not a port path like 1 or 1.2.`);
      }
    }
    usbSlots.set(owner, slot);
    return slot;
  };
  const devices: UsbDeviceSlot[] = [];
  const add = (owner: { address?: DeviceAddress; node: XmlElement }, fallback: string): void => {
    devices.push(usbSlot(owner, alias.get(owner) ?? fallback));
  };
  for (const h of dev.hostdevs) if (h.type === 'usb') add(h, 'hostdev');
  for (const d of ordered.disks) if (diskBus(d) === 'usb') add(d, 'usb disk');
  for (const c of controllers.list) if (c.type === 'ccid') add(c, 'ccid');
  for (const i of ordered.inputs) if (inputBus(i) === 'usb') add(i, 'input');
  for (const s of ordered.serials) if (s.target?.type === 'usb-serial') add(s, 'serial');
  for (const s of ordered.sounds) if (s.model === 'usb') add(s, 'sound');
  for (const r of dev.redirdevs) add(r, 'redirdev');
  for (const i of ordered.interfaces) if (nicModel(i) === 'usb-net') add(i, 'interface');
  const hubs = dev.hubs.filter((h) => (h.type ?? 'usb') === 'usb');
  const hubSlots = hubs.map((h) => usbSlot(h, alias.get(h) ?? 'hub'));
  if (devices.length + hubSlots.length === 0) return { usb, hubs };
  if (usbControllers.every((c) => c.ports === 0)) {
    for (const [owner] of usbSlots) {
      diagnostics.error('address-unassignable', (owner as { node: XmlElement }).node, "This USB device needs a USB controller, but the guest has none (or model='none').");
    }
    return { usb, hubs };
  }
  const available = usbControllers.reduce((n, c) => n + c.ports, 0) + hubSlots.length * USB_HUB_PORTS;
  for (let added = hubsNeeded(devices.length, available); added > 0; added--) {
    const hub: Hub = { node: devicesNode, type: 'usb' };
    const id = `hub${hubs.length}`;
    input.implicit.add(hub);
    alias.set(hub, id);
    hubs.push(hub);
    hubSlots.push(usbSlot(hub, id));
  }
  for (const problem of assignUsbAddresses({ controllers: usbControllers, hubs: hubSlots, devices })) {
    const owner = [...usbSlots.entries()].find(([, s]) => s.label === problem.label)?.[0] as { node?: XmlElement } | undefined;
    diagnostics.error('address-unassignable', owner?.node ?? devicesNode, `${problem.label}: ${problem.message}.`);
  }
  for (const [owner, slot] of usbSlots) if (slot.port) usb.set(owner, { bus: slot.bus ?? 0, port: slot.port });
  return { usb, hubs };
}
