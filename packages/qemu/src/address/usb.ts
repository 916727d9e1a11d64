/**
 * USB port assignment, libvirt's way: each controller is a root hub with a fixed number of
 * ports, each usb-hub adds 8. A device takes the lowest free port of the first bus; when a
 * hub's own ports are full, the hubs plugged into it are searched in port order. Hubs are
 * placed before other devices, and devices that already have a port keep it.
 */

/** Ports of a USB controller model (0: companion controllers that share their EHCI's ports). */
export function usbControllerPorts(model: string, configuredPorts?: number): number {
  switch (model) {
    case 'piix3-uhci':
    case 'piix4-uhci':
    case 'vt82c686b-uhci':
      return 2;
    case 'ehci':
    case 'ich9-ehci1':
      return 6;
    case 'ich9-uhci1':
    case 'ich9-uhci2':
    case 'ich9-uhci3':
      return 0;
    case 'pci-ohci':
      return 3;
    case 'nec-xhci':
    case 'qemu-xhci':
      return configuredPorts ?? 4;
    case 'qusb1':
    case 'qusb2':
      return configuredPorts ?? 8;
    default:
      return 0;
  }
}

export const USB_HUB_PORTS = 8;
const MAX_DEPTH = 4;

interface Hub {
  used: boolean[];
  /** Hubs plugged into this hub, by port index. */
  children: Array<Hub | undefined>;
}

const newHub = (ports: number): Hub => ({ used: new Array<boolean>(ports).fill(false), children: new Array<Hub | undefined>(ports).fill(undefined) });

export interface UsbPlacement {
  bus?: number;
  /** Port path, e.g. [1, 2] for "1.2". */
  port?: number[];
}

export interface UsbDeviceSlot extends UsbPlacement {
  label: string;
}

export class UsbAddressError extends Error {
  override name = 'UsbAddressError';
}

export const formatUsbPort = (port: readonly number[]): string => port.join('.');

export function parseUsbPort(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length === 0 || parts.length > MAX_DEPTH || parts.some((p) => !/^[0-9]+$/.test(p) || Number(p) === 0)) return undefined;
  return parts.map(Number);
}

export class UsbAddressSet {
  private readonly buses: Array<Hub | undefined> = [];

  addController(index: number, ports: number): void {
    if (ports === 0) return;
    if (this.buses[index]) throw new UsbAddressError(`there are two USB controllers with index ${index}`);
    this.buses[index] = newHub(ports);
  }

  get busCount(): number {
    return this.buses.filter((b) => b !== undefined).length;
  }

  /** The hub holding the last element of the path, and that element's port index. */
  private locate(bus: number, port: readonly number[]): { hub: Hub; index: number } {
    let hub: Hub | undefined = this.buses[bus];
    if (!hub) throw new UsbAddressError(`there is no USB bus ${bus}`);
    for (let i = 0; i < port.length - 1; i++) {
      const next: Hub | undefined = hub.children[(port[i] ?? 0) - 1];
      if (!next) throw new UsbAddressError(`there is no hub at port ${port.slice(0, i + 1).join('.')} of USB bus ${bus}`);
      hub = next;
    }
    const index = (port[port.length - 1] ?? 0) - 1;
    if (index < 0 || index >= hub.used.length) {
      throw new UsbAddressError(`USB port ${formatUsbPort(port)} does not exist on bus ${bus}`);
    }
    return { hub, index };
  }

  reserve(bus: number, port: readonly number[], options: { hub?: boolean } = {}): void {
    const { hub, index } = this.locate(bus, port);
    if (hub.used[index]) throw new UsbAddressError(`USB port ${formatUsbPort(port)} of bus ${bus} is used twice`);
    hub.used[index] = true;
    if (options.hub) hub.children[index] = newHub(USB_HUB_PORTS);
  }

  /** Reserves the first free port, on `bus` when given, else on the first bus with room. */
  reserveNext(bus?: number, options: { hub?: boolean } = {}): { bus: number; port: number[] } {
    const candidates = bus === undefined ? this.buses.map((_, i) => i) : [bus];
    for (const b of candidates) {
      const root = this.buses[b];
      if (!root) continue;
      const path = findFree(root, 0);
      if (path) {
        this.reserve(b, path, options);
        return { bus: b, port: path };
      }
    }
    throw new UsbAddressError(bus === undefined ? 'no free USB port is left' : `no free port is left on USB bus ${bus}`);
  }
}

function findFree(hub: Hub, level: number): number[] | undefined {
  const free = hub.used.indexOf(false);
  if (free >= 0) return [free + 1];
  if (level >= MAX_DEPTH - 1) return undefined;
  for (let i = 0; i < hub.children.length; i++) {
    const child = hub.children[i];
    if (!child) continue;
    const below = findFree(child, level + 1);
    if (below) return [i + 1, ...below];
  }
  return undefined;
}

export interface UsbAssignmentInput {
  controllers: Array<{ index: number; ports: number }>;
  /** usb-hub devices, in definition order. */
  hubs: UsbDeviceSlot[];
  /** Every other USB device in libvirt's order: host devices, disks, CCID, inputs, serials, sounds, redirdevs. */
  devices: UsbDeviceSlot[];
}

/** Fills bus/port of every hub and device; returns problems naming the device. */
export function assignUsbAddresses(input: UsbAssignmentInput): Array<{ label: string; message: string }> {
  const problems: Array<{ label: string; message: string }> = [];
  const attempt = (label: string, action: () => void): void => {
    try {
      action();
    } catch (error) {
      if (!(error instanceof UsbAddressError)) throw error;
      problems.push({ label, message: error.message });
    }
  };
  const set = new UsbAddressSet();
  for (const c of input.controllers) attempt(`USB controller ${c.index}`, () => set.addController(c.index, c.ports));

  // Hubs with a port first (devices may sit behind them), then every device with a port.
  for (const hub of input.hubs) if (hub.port) attempt(hub.label, () => set.reserve(hub.bus ?? 0, hub.port as number[], { hub: true }));
  for (const device of input.devices) if (device.port) attempt(device.label, () => set.reserve(device.bus ?? 0, device.port as number[]));

  for (const hub of input.hubs) {
    if (hub.port) continue;
    attempt(hub.label, () => Object.assign(hub, set.reserveNext(hub.bus, { hub: true })));
  }
  for (const device of input.devices) {
    if (device.port) continue;
    attempt(device.label, () => Object.assign(device, set.reserveNext(device.bus)));
  }
  return problems;
}

/** How many hubs libvirt adds so that `deviceCount` devices find a port. */
export function hubsNeeded(deviceCount: number, availablePorts: number): number {
  if (deviceCount <= availablePorts) return 0;
  return Math.ceil((deviceCount - availablePorts + 1) / (USB_HUB_PORTS - 1));
}
