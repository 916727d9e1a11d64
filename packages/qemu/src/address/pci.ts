/**
 * PCI address assignment that places devices where libvirt places them, so a guest sees
 * the same hardware under virtdeck and under libvirt.
 *
 * The rules (libvirt's qemu_domain_address.c and conf/domain_addr.c, reimplemented):
 * - Each bus accepts some kinds of connection (PCI endpoint, PCIe endpoint, root port, …)
 *   and may or may not take automatically placed devices (pcie-root does not, except for
 *   integrated devices).
 * - A device gets the first completely free slot, searching buses in index order and
 *   slots upwards from the bus's first usable slot. pcie-root-ports "aggregate": they fill
 *   the functions of one slot before taking the next.
 * - Assignment runs twice. The first pass may grow the topology: a PCIe device that finds
 *   no slot gets a new pcie-root-port, a PCI device on a PCIe machine gets a
 *   pcie-root-port + pcie-to-pci-bridge pair, a full pci-root gets a pci-bridge. A pc
 *   machine keeps one spare slot for a future bridge; a q35 machine whose controllers were
 *   all added automatically gets one spare hot-pluggable root port. The second pass places
 *   the controllers first, then every device, on the final topology.
 */

export const Connect = {
  PCI_DEVICE: 1 << 0,
  PCIE_DEVICE: 1 << 1,
  PCIE_ROOT_PORT: 1 << 2,
  PCIE_SWITCH_UPSTREAM_PORT: 1 << 3,
  PCIE_SWITCH_DOWNSTREAM_PORT: 1 << 4,
  DMI_TO_PCI_BRIDGE: 1 << 5,
  PCIE_TO_PCI_BRIDGE: 1 << 6,
  PCI_EXPANDER_BUS: 1 << 7,
  PCIE_EXPANDER_BUS: 1 << 8,
  PCI_BRIDGE: 1 << 9,
  /** The bus takes automatically placed devices / the device is placed automatically. */
  AUTOASSIGN: 1 << 10,
  HOTPLUGGABLE: 1 << 11,
  /** Several such devices may share one slot as its functions (pcie-root-port). */
  AGGREGATE_SLOT: 1 << 12,
  /** Part of the root complex: may sit on bus 0 of a PCIe machine (pvpanic-pci, virtio-iommu). */
  INTEGRATED: 1 << 13,
} as const;

const TYPES_MASK = (1 << 10) - 1;
const ENDPOINTS = Connect.PCI_DEVICE | Connect.PCIE_DEVICE;

export const PCI_CONTROLLER_MODELS = [
  'pci-root',
  'pcie-root',
  'pci-bridge',
  'dmi-to-pci-bridge',
  'pcie-to-pci-bridge',
  'pcie-root-port',
  'pcie-switch-upstream-port',
  'pcie-switch-downstream-port',
  'pci-expander-bus',
  'pcie-expander-bus',
] as const;
export type PciControllerModel = (typeof PCI_CONTROLLER_MODELS)[number];

export interface PciAddress {
  bus: number;
  slot: number;
  function: number;
  /** multifunction=on (set on function 0 of a slot with several functions in use) */
  multifunction?: boolean;
}

/** How a controller of each model plugs into its parent bus. */
export function controllerConnectFlags(model: PciControllerModel): number {
  switch (model) {
    case 'pci-root':
    case 'pcie-root':
      return 0;
    case 'pci-bridge':
      return Connect.PCI_BRIDGE;
    case 'pci-expander-bus':
      return Connect.PCI_EXPANDER_BUS;
    case 'pcie-expander-bus':
      return Connect.PCIE_EXPANDER_BUS;
    case 'dmi-to-pci-bridge':
      return Connect.DMI_TO_PCI_BRIDGE;
    case 'pcie-to-pci-bridge':
      return Connect.PCIE_TO_PCI_BRIDGE;
    case 'pcie-root-port':
      return Connect.PCIE_ROOT_PORT | Connect.AGGREGATE_SLOT;
    case 'pcie-switch-upstream-port':
      return Connect.PCIE_SWITCH_UPSTREAM_PORT;
    case 'pcie-switch-downstream-port':
      return Connect.PCIE_SWITCH_DOWNSTREAM_PORT;
    default: {
      const unknown: never = model;
      throw new Error(`unknown PCI controller model ${String(unknown)}`);
    }
  }
}

interface Bus {
  model: PciControllerModel;
  /** What may be plugged into this bus. */
  accepts: number;
  minSlot: number;
  maxSlot: number;
  /** Per slot: bitmask of functions in use. */
  functions: number[];
  /** Per slot: true when the first device placed there allows aggregation. */
  aggregate: boolean[];
}

const LAST_SLOT = 31;

function newBus(model: PciControllerModel): Bus {
  let accepts: number;
  let minSlot = 1;
  let maxSlot = LAST_SLOT;
  const A = Connect;
  switch (model) {
    case 'pci-root':
      accepts = A.AUTOASSIGN | A.PCI_DEVICE | A.PCI_BRIDGE | A.PCI_EXPANDER_BUS | A.HOTPLUGGABLE;
      break;
    case 'pci-bridge':
      accepts = A.AUTOASSIGN | A.PCI_DEVICE | A.PCI_BRIDGE | A.HOTPLUGGABLE;
      break;
    case 'pci-expander-bus':
      accepts = A.AUTOASSIGN | A.PCI_DEVICE | A.PCI_BRIDGE | A.HOTPLUGGABLE;
      minSlot = 0;
      break;
    case 'pcie-root':
      // Endpoints only when the address came from the config (or the device is integrated).
      accepts = A.PCIE_DEVICE | A.PCIE_ROOT_PORT | A.DMI_TO_PCI_BRIDGE | A.PCIE_EXPANDER_BUS;
      break;
    case 'dmi-to-pci-bridge':
      accepts = A.PCI_DEVICE | A.PCI_BRIDGE;
      minSlot = 0;
      break;
    case 'pcie-to-pci-bridge':
      // slot 0 is taken by the bridge's hot-plug controller
      accepts = A.AUTOASSIGN | A.PCI_DEVICE | A.PCI_BRIDGE | A.HOTPLUGGABLE;
      break;
    case 'pcie-root-port':
    case 'pcie-switch-downstream-port':
      accepts = A.AUTOASSIGN | A.PCIE_DEVICE | A.PCIE_SWITCH_UPSTREAM_PORT | A.PCIE_TO_PCI_BRIDGE | A.HOTPLUGGABLE;
      minSlot = 0;
      maxSlot = 0;
      break;
    case 'pcie-switch-upstream-port':
      accepts = A.PCIE_SWITCH_DOWNSTREAM_PORT;
      minSlot = 0;
      break;
    case 'pcie-expander-bus':
      accepts = A.PCIE_ROOT_PORT | A.DMI_TO_PCI_BRIDGE;
      minSlot = 0;
      break;
    default: {
      const unknown: never = model;
      throw new Error(`unknown PCI controller model ${String(unknown)}`);
    }
  }
  return { model, accepts, minSlot, maxSlot, functions: new Array<number>(LAST_SLOT + 1).fill(0), aggregate: new Array<boolean>(LAST_SLOT + 1).fill(false) };
}

export class PciAddressError extends Error {
  override name = 'PciAddressError';
}

/** Can a device with `flags` go on `bus` at `address`? */
function compatible(bus: Bus, address: PciAddress, flags: number, fromConfig: boolean): boolean {
  let busFlags = bus.accepts;
  let devFlags = flags;
  if (devFlags & Connect.INTEGRATED) {
    if (address.bus !== 0) return false;
    busFlags |= Connect.AUTOASSIGN;
  }
  if (fromConfig) {
    // An address written in the config may put a PCI device in a PCIe slot and back.
    if (busFlags & ENDPOINTS) busFlags |= ENDPOINTS;
    if (devFlags & Connect.PCI_BRIDGE) devFlags |= Connect.PCI_DEVICE;
  } else if (devFlags & Connect.AUTOASSIGN && !(busFlags & Connect.AUTOASSIGN)) {
    return false;
  }
  return (devFlags & busFlags & TYPES_MASK) !== 0;
}

/** The set of buses with the functions in use; `dryRun` lets it grow new buses. */
export class PciAddressSet {
  readonly buses: Bus[];
  /** First pass: reservations may add buses, and found addresses are not kept. */
  readonly dryRun: boolean;
  private readonly pcieToPciBridgeSupported: boolean;
  /**
   * Per kind of search (flags and function), the first bus that may still have room: functions
   * are only ever taken, never given back, so a bus full for a kind stays full, and thousands of
   * devices do not rescan every full bus before it.
   */
  private readonly firstOpenBus = new Map<string, number>();

  constructor(models: readonly PciControllerModel[], options: { dryRun: boolean; pcieToPciBridge: boolean }) {
    this.buses = models.map(newBus);
    this.dryRun = options.dryRun;
    this.pcieToPciBridgeSupported = options.pcieToPciBridge;
  }

  get busCount(): number {
    return this.buses.length;
  }

  /** Model of each bus added by growth, by bus index. */
  busModel(index: number): PciControllerModel | undefined {
    return this.buses[index]?.model;
  }

  slotInUse(address: Pick<PciAddress, 'bus' | 'slot'>): boolean {
    return (this.buses[address.bus]?.functions[address.slot] ?? 0) !== 0;
  }

  isFullyReserved(index: number): boolean {
    const bus = this.buses[index];
    if (!bus) return true;
    for (let s = bus.minSlot; s <= bus.maxSlot; s++) if (bus.functions[s] === 0) return false;
    return true;
  }

  /** Checks an address against the bus; returns why not, or undefined when it fits. */
  validate(address: PciAddress, flags: number, fromConfig: boolean): string | undefined {
    const bus = this.buses[address.bus];
    if (!bus) return `there is no PCI bus ${address.bus} (buses 0 to ${this.buses.length - 1} exist)`;
    if (!compatible(bus, address, flags, fromConfig)) {
      return `a ${describeFlags(flags)} cannot be plugged into the ${bus.model} controller with index ${address.bus}`;
    }
    if (address.slot < bus.minSlot) return `slot must be at least ${bus.minSlot} on bus ${address.bus} (${bus.model})`;
    if (address.slot > bus.maxSlot) return `slot must be at most ${bus.maxSlot} on bus ${address.bus} (${bus.model})`;
    if (address.function > 7) return 'function must be 0 to 7';
    return undefined;
  }

  /** Marks an address used; throws PciAddressError when it cannot be used. */
  reserve(address: PciAddress, flags: number, fromConfig: boolean): void {
    if (this.dryRun) this.growFor(address, flags);
    const problem = this.validate(address, flags, fromConfig);
    if (problem) throw new PciAddressError(problem);
    const bus = this.buses[address.bus] as Bus;
    const used = bus.functions[address.slot] ?? 0;
    if (used & (1 << address.function)) throw new PciAddressError(`PCI address ${formatPciAddress(address)} is used twice`);
    if (used === 0 && flags & Connect.AGGREGATE_SLOT) bus.aggregate[address.slot] = true;
    bus.functions[address.slot] = used | (1 << address.function);
  }

  /**
   * Finds and reserves the next free address for a device with `flags`; `fn` asks for a
   * given function (USB2 companions), otherwise function 0 of a free slot.
   */
  reserveNext(flags: number, fn?: number): PciAddress {
    const address = this.findNext(flags, fn);
    this.reserve(address, flags, false);
    return address;
  }

  private findNext(flags: number, fn: number | undefined): PciAddress {
    const kind = `${flags}:${fn ?? ''}`;
    for (let b = this.firstOpenBus.get(kind) ?? 0; b < this.buses.length; b++) {
      const found = this.freeOnBus(b, flags, fn);
      if (found !== undefined) {
        this.firstOpenBus.set(kind, b);
        return found;
      }
    }
    this.firstOpenBus.set(kind, this.buses.length);
    if (!this.dryRun) throw new PciAddressError(`no free PCI slot is left for a ${describeFlags(flags)}`);
    const address: PciAddress = { bus: this.buses.length, slot: 0, function: fn ?? 0 };
    this.growFor(address, flags);
    address.slot = (this.buses[address.bus] as Bus).minSlot;
    return address;
  }

  private freeOnBus(b: number, flags: number, fn: number | undefined): PciAddress | undefined {
    const bus = this.buses[b] as Bus;
    const probe: PciAddress = { bus: b, slot: bus.minSlot, function: fn ?? 0 };
    if (!compatible(bus, probe, flags, false)) return undefined;
    for (let s = bus.minSlot; s <= bus.maxSlot; s++) {
      const used = bus.functions[s] ?? 0;
      if (used === 0) return { bus: b, slot: s, function: fn ?? 0 };
      if (flags & Connect.AGGREGATE_SLOT && bus.aggregate[s]) {
        if (fn !== undefined) {
          if (!(used & (1 << fn))) return { bus: b, slot: s, function: fn };
        } else {
          for (let f = 0; f < 8; f++) if (!(used & (1 << f))) return { bus: b, slot: s, function: f };
        }
      }
    }
    return undefined;
  }

  /** Adds the buses needed for `address.bus` to exist (first pass only); may bump address.bus. */
  private growFor(address: PciAddress, flags: number): void {
    const add = address.bus - this.buses.length + 1;
    if (add <= 0) return;
    const added: PciControllerModel[] = [];
    if (flags & Connect.PCI_DEVICE) {
      const haveBridgeSocket = this.buses.some((bus) => bus.accepts & Connect.PCI_BRIDGE);
      if (!haveBridgeSocket && add === 1) {
        // A pure PCIe machine: conventional PCI needs a bridge, which needs a socket first,
        // so two buses are added and the device goes on the second.
        address.bus++;
        if (this.pcieToPciBridgeSupported) {
          const port = newBus('pcie-root-port');
          port.accepts = Connect.PCIE_TO_PCI_BRIDGE; // reserved for the bridge, not the spare device
          this.buses.push(port);
          this.buses.push(newBus('pcie-to-pci-bridge'));
        } else {
          this.buses.push(newBus('dmi-to-pci-bridge'));
          this.buses.push(newBus('pci-bridge'));
        }
        return;
      }
      for (let i = 0; i < add; i++) added.push('pci-bridge');
    } else if (flags & (Connect.PCIE_DEVICE | Connect.PCIE_SWITCH_UPSTREAM_PORT)) {
      for (let i = 0; i < add; i++) added.push('pcie-root-port');
    } else {
      throw new PciAddressError(`no slot is free for a ${describeFlags(flags)} and none can be added automatically`);
    }
    for (const model of added) this.buses.push(newBus(model));
  }
}

export function describeFlags(flags: number): string {
  if (flags & Connect.PCI_DEVICE) return 'standard PCI device';
  if (flags & Connect.PCIE_DEVICE) return 'PCI Express device';
  if (flags & Connect.PCIE_ROOT_PORT) return 'pcie-root-port';
  if (flags & Connect.PCIE_SWITCH_UPSTREAM_PORT) return 'pcie-switch-upstream-port';
  if (flags & Connect.PCIE_SWITCH_DOWNSTREAM_PORT) return 'pcie-switch-downstream-port';
  if (flags & Connect.DMI_TO_PCI_BRIDGE) return 'dmi-to-pci-bridge';
  if (flags & Connect.PCIE_TO_PCI_BRIDGE) return 'pcie-to-pci-bridge';
  if (flags & Connect.PCI_EXPANDER_BUS) return 'pci-expander-bus';
  if (flags & Connect.PCIE_EXPANDER_BUS) return 'pcie-expander-bus';
  if (flags & Connect.PCI_BRIDGE) return 'pci-bridge';
  return 'device';
}

/** QEMU's spelling of a slot/function: 0x1f, or 0x1.0x2 for a non-zero function. */
export function formatQemuAddr(address: Pick<PciAddress, 'slot' | 'function'>): string {
  const slot = `0x${address.slot.toString(16)}`;
  return address.function === 0 ? slot : `${slot}.0x${address.function.toString(16)}`;
}

/** libvirt's spelling, for messages: 0000:00:1f.2 */
export function formatPciAddress(address: Pick<PciAddress, 'bus' | 'slot' | 'function'>): string {
  const hex = (n: number, w: number): string => n.toString(16).padStart(w, '0');
  return `0000:${hex(address.bus, 2)}:${hex(address.slot, 2)}.${address.function}`;
}
