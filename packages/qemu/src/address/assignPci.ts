/**
 * Runs libvirt's two-pass PCI placement over a domain's devices (see pci.ts for the rules).
 * The caller lists the PCI controllers and the devices in libvirt's assignment order;
 * this fills in every missing address, adds the controllers the topology needs, and gives
 * each controller its chassis/port numbers.
 */
import {
  Connect,
  PciAddressError,
  PciAddressSet,
  controllerConnectFlags,
  formatPciAddress,
  type PciAddress,
  type PciControllerModel,
} from './pci.js';

export type Chipset = 'i440fx' | 'q35' | 'other';

/** Devices the chipset places itself (libvirt's "integrated" positions). */
export type PciRole =
  | 'ide0' // PIIX3 IDE, 00:01.1 on pc machines
  | 'piix3-usb0' // PIIX3 UHCI USB at index 0, 00:01.2 on pc machines
  | 'sata0' // ICH9 AHCI at index 0, 00:1f.2 on q35
  | 'primary-video' // first video: slot 2 on pc, slot 1 on q35
  | 'ich9-sound' // ICH9 HD audio, 00:1b.0 on q35 when free
  | 'ich9-uhci1'; // first USB2 companion set, 00:1d.0 (or 00:1a.0) on q35

export interface PciDeviceSlot {
  /** Connect flags (Connect.*); 0 means the device does not use PCI. */
  flags: number;
  /** Address from the config, or the one assigned. */
  address?: PciAddress;
  /** True when `address` came from the config (checked more leniently, like libvirt). */
  fromConfig?: boolean;
  role?: PciRole;
  /** USB2 EHCI/UHCI companions of one controller index share a slot, each on its function. */
  usb2?: { index: number; function: number; multifunction: boolean };
  /** For messages: what this is, e.g. "interface 2 (virtio)". */
  label: string;
}

export interface PciControllerSlot {
  index: number;
  model: PciControllerModel;
  address?: PciAddress;
  fromConfig?: boolean;
  /** True for controllers virtdeck added (not in the definition). */
  implicit?: boolean;
  /** pcie-root-port / downstream port */
  chassis?: number;
  port?: number;
  /** pci-bridge */
  chassisNr?: number;
  label: string;
}

export interface PciAssignmentInput {
  chipset: Chipset;
  /** PCI controllers of the definition, the root (index 0) included. */
  controllers: PciControllerSlot[];
  /** Devices in libvirt's assignment order (nets, sounds, controllers, disks, …). */
  devices: PciDeviceSlot[];
  /** QEMU has pcie-pci-bridge (2.12+); otherwise a dmi-to-pci-bridge is used. */
  pcieToPciBridge: boolean;
}

export interface PciAssignmentResult {
  /** All PCI controllers, added ones included, sorted by index. */
  controllers: PciControllerSlot[];
  /** Problems, each naming the device; the rest is still assigned where possible. */
  problems: Array<{ label: string; message: string }>;
}

const PIIX3_IDE: PciAddress = { bus: 0, slot: 1, function: 1 };
const PIIX3_USB: PciAddress = { bus: 0, slot: 1, function: 2 };
const ICH9_SATA: PciAddress = { bus: 0, slot: 0x1f, function: 2 };

const sameAddress = (a: PciAddress, b: PciAddress): boolean =>
  a.bus === b.bus && a.slot === b.slot && a.function === b.function;

const wantsAddress = (d: { flags?: number; address?: PciAddress }): boolean => d.address === undefined;

const ROOT_MODELS: ReadonlySet<PciControllerModel> = new Set(['pci-root', 'pcie-root']);

export function assignPciAddresses(input: PciAssignmentInput): PciAssignmentResult {
  const problems: PciAssignmentResult['problems'] = [];
  const controllers = [...input.controllers].sort((a, b) => a.index - b.index);
  let rootModel = controllers.find((c) => c.index === 0)?.model;
  if (rootModel === undefined) {
    // Every PCI machine has its root bus, written in the definition or not.
    rootModel = input.chipset === 'q35' ? 'pcie-root' : 'pci-root';
    controllers.unshift({ index: 0, model: rootModel, implicit: true, label: rootModel });
  }
  const maxIndex = controllers.reduce((max, c) => Math.max(max, c.index), 0);

  // First pass: find out which controllers the devices need.
  const dry = createSet(controllers, rootModel, true, input.pcieToPciBridge);
  runPass(dry, input, controllers, true, problems);
  if (rootModel === 'pcie-root' && maxIndex <= 0 && dry.busCount > maxIndex + 1) {
    // Everything was auto-added: leave one empty root port for hot-plug.
    tryReserve(problems, 'spare hot-plug port', () => dry.reserveNext(Connect.AUTOASSIGN | Connect.PCIE_DEVICE));
  }
  for (let i = 1; i < dry.busCount; i++) {
    if (controllers.some((c) => c.index === i)) continue;
    const model = dry.busModel(i) as PciControllerModel;
    controllers.push({ index: i, model, implicit: true, label: `${model} controller ${i}` });
    tryReserve(problems, `${model} controller ${i}`, () => dry.reserveNext(controllerConnectFlags(model)));
  }
  controllers.sort((a, b) => a.index - b.index);

  // Second pass: place everything on the final topology.
  const real = createSet(controllers, rootModel, false, input.pcieToPciBridge);
  const pass2Problems: PciAssignmentResult['problems'] = [];
  runPass(real, input, controllers, false, pass2Problems);
  problems.push(...pass2Problems.filter((p) => !problems.some((q) => q.label === p.label && q.message === p.message)));
  markMultifunction(controllers, input.devices);
  for (const c of controllers) {
    if (c.model === 'pci-bridge') c.chassisNr ??= c.index;
    if (c.model === 'pcie-root-port' && c.address) {
      c.chassis ??= c.index;
      c.port ??= (c.address.slot << 3) + c.address.function;
    }
    if (c.model === 'pcie-switch-downstream-port' && c.address) {
      c.chassis ??= c.index;
      c.port ??= c.address.slot;
    }
  }
  return { controllers, problems };
}

function createSet(controllers: readonly PciControllerSlot[], rootModel: PciControllerModel, dryRun: boolean, pcieToPciBridge: boolean): PciAddressSet {
  const count = controllers.reduce((max, c) => Math.max(max, c.index), 0) + 1;
  const defaultModel: PciControllerModel = rootModel === 'pcie-root' ? 'pcie-root-port' : 'pci-bridge';
  const models: PciControllerModel[] = [];
  for (let i = 0; i < count; i++) {
    models.push(i === 0 ? rootModel : (controllers.find((c) => c.index === i)?.model ?? defaultModel));
  }
  return new PciAddressSet(models, { dryRun, pcieToPciBridge });
}

/** Reserves a known address, recording a problem instead of throwing. */
function reserveAt(set: PciAddressSet, problems: PciAssignmentResult['problems'], label: string, address: PciAddress, flags: number): boolean {
  return tryReserve(problems, label, () => {
    set.reserve(address, flags, true);
    return address;
  }) !== undefined;
}

function tryReserve(problems: PciAssignmentResult['problems'], label: string, action: () => PciAddress): PciAddress | undefined {
  try {
    return action();
  } catch (error) {
    if (!(error instanceof PciAddressError)) throw error;
    problems.push({ label, message: error.message });
    return undefined;
  }
}

/**
 * One pass. In the first (dry) pass assigned addresses are not kept, except the ones the
 * chipset fixes directly (as libvirt stores them on the device at that point).
 */
function runPass(
  set: PciAddressSet,
  input: PciAssignmentInput,
  controllers: PciControllerSlot[],
  dryRun: boolean,
  problems: PciAssignmentResult['problems'],
): void {
  const keep = (target: { address?: PciAddress }, address: PciAddress | undefined): void => {
    if (!dryRun && address) target.address = address;
  };

  // Addresses already known: from the config, or fixed by the chipset in the first pass.
  for (const c of controllers) {
    if (ROOT_MODELS.has(c.model) || !c.address) continue;
    reserveAt(set, problems, c.label, c.address, controllerConnectFlags(c.model));
  }
  for (const d of input.devices) {
    if (!d.address || d.flags === 0) continue;
    if (input.chipset === 'i440fx' && ((d.role === 'ide0' && sameAddress(d.address, PIIX3_IDE)) || (d.role === 'piix3-usb0' && sameAddress(d.address, PIIX3_USB)))) {
      continue; // reserved with the chipset below
    }
    reserveAt(set, problems, d.label, d.address, d.flags);
  }

  reserveChipset(set, input, controllers, problems);

  if (dryRun && set.busModel(0) === 'pci-root') {
    // Keep one slot free for a future pci-bridge, unless every bus is already full.
    let allFull = true;
    for (let i = 0; i < set.busCount; i++) if (!set.isFullyReserved(i)) allFull = false;
    if (!allFull) tryReserve(problems, 'spare bridge slot', () => set.reserveNext(Connect.AUTOASSIGN | Connect.PCI_DEVICE));
  }

  for (const c of controllers) {
    if (ROOT_MODELS.has(c.model) || c.address) continue;
    keep(c, tryReserve(problems, c.label, () => set.reserveNext(controllerConnectFlags(c.model))));
  }
  for (const d of input.devices) {
    if (d.flags === 0 || !wantsAddress(d)) continue;
    if (d.usb2) {
      const partner = input.devices.find((p) => p !== d && p.usb2?.index === d.usb2?.index && p.address);
      const fn = d.usb2.function;
      if (partner?.address) {
        const address: PciAddress = { bus: partner.address.bus, slot: partner.address.slot, function: fn };
        if (reserveAt(set, problems, d.label, address, d.flags)) keep(d, withMulti(address, d.usb2.multifunction));
      } else {
        const placed = tryReserve(problems, d.label, () => set.reserveNext(d.flags, fn));
        if (placed) keep(d, withMulti(placed, d.usb2.multifunction));
      }
      continue;
    }
    keep(d, tryReserve(problems, d.label, () => set.reserveNext(d.flags)));
  }
}

const withMulti = (address: PciAddress, multifunction: boolean): PciAddress => (multifunction ? { ...address, multifunction } : address);

function reserveChipset(set: PciAddressSet, input: PciAssignmentInput, controllers: PciControllerSlot[], problems: PciAssignmentResult['problems']): void {
  const integratedFlags = Connect.AUTOASSIGN | Connect.PCI_DEVICE;
  const pin = (d: PciDeviceSlot, fixed: PciAddress, flags: number, what: string): void => {
    if (d.address && !sameAddress(d.address, fixed)) {
      problems.push({ label: d.label, message: `the ${what} must have PCI address ${formatPciAddress(fixed)}` });
      return;
    }
    d.address = { ...fixed };
    reserveAt(set, problems, d.label, fixed, flags);
  };
  const primaryVideo = input.devices.find((d) => d.role === 'primary-video' && d.flags !== 0);

  if (input.chipset === 'i440fx') {
    for (const d of input.devices) {
      if (d.role === 'ide0') pin(d, PIIX3_IDE, integratedFlags, 'primary IDE controller');
      if (d.role === 'piix3-usb0') pin(d, PIIX3_USB, integratedFlags, 'PIIX3 USB controller at index 0');
    }
    // ISA bridge (00:01.0) and power management (00:01.3) of the PIIX3
    for (const fn of [0, 3]) reserveAt(set, problems, 'PIIX3', { bus: 0, slot: 1, function: fn }, integratedFlags);
    // QEMU puts the first VGA right after the integrated devices: slot 2.
    if (primaryVideo && wantsAddress(primaryVideo)) placePrimaryVideo(set, primaryVideo, 2, integratedFlags, problems);
    return;
  }
  if (input.chipset !== 'q35') return;
  const pcieFlags = Connect.PCIE_DEVICE;
  for (const d of input.devices) {
    if (d.role === 'sata0') {
      if (d.address && !sameAddress(d.address, ICH9_SATA)) {
        problems.push({ label: d.label, message: `the primary SATA controller must have PCI address ${formatPciAddress(ICH9_SATA)}` });
      } else d.address = { ...ICH9_SATA };
    }
    if (d.role === 'ich9-uhci1' && wantsAddress(d)) {
      // The USB2 set sits where real ICH9 hardware has it, when free.
      for (const slot of [0x1d, 0x1a]) {
        if (set.slotInUse({ bus: 0, slot })) continue;
        const address: PciAddress = { bus: 0, slot, function: 0, multifunction: true };
        if (reserveAt(set, problems, d.label, address, pcieFlags)) d.address = address;
        break;
      }
    }
  }
  // A DMI-to-PCI bridge goes where real ICH9 hardware has it, when free.
  for (const c of controllers) {
    if (c.model !== 'dmi-to-pci-bridge' || c.address || set.slotInUse({ bus: 0, slot: 0x1e })) continue;
    const address: PciAddress = { bus: 0, slot: 0x1e, function: 0 };
    if (reserveAt(set, problems, c.label, address, controllerConnectFlags(c.model))) c.address = address;
  }
  // ISA bridge (00:1f.0) and SMBus (00:1f.3) of the ICH9 are always there.
  for (const fn of [0, 3]) reserveAt(set, problems, 'ICH9', { bus: 0, slot: 0x1f, function: fn }, pcieFlags);
  if (primaryVideo && wantsAddress(primaryVideo)) placePrimaryVideo(set, primaryVideo, 1, pcieFlags, problems);
  if (!set.slotInUse({ bus: 0, slot: 0x1b })) {
    const sound = input.devices.find((d) => d.role === 'ich9-sound' && wantsAddress(d));
    if (sound) {
      const address: PciAddress = { bus: 0, slot: 0x1b, function: 0 };
      if (reserveAt(set, problems, sound.label, address, pcieFlags)) sound.address = address;
    }
  }
}

function placePrimaryVideo(set: PciAddressSet, video: PciDeviceSlot, slot: number, flags: number, problems: PciAssignmentResult['problems']): void {
  const address: PciAddress = { bus: 0, slot, function: 0 };
  if (set.slotInUse(address)) {
    const placed = tryReserve(problems, video.label, () => set.reserveNext(video.flags));
    if (placed && !set.dryRun) video.address = placed;
    return;
  }
  if (reserveAt(set, problems, video.label, address, flags)) video.address = address;
}

/** multifunction=on for function 0 of every slot that has other functions in use. */
function markMultifunction(controllers: PciControllerSlot[], devices: PciDeviceSlot[]): void {
  const all: Array<{ address?: PciAddress }> = [...controllers, ...devices];
  for (const item of all) {
    const a = item.address;
    if (!a || a.function === 0) continue;
    const head = all.find((o) => o.address && o.address.bus === a.bus && o.address.slot === a.slot && o.address.function === 0);
    if (head?.address && head.address.multifunction === undefined) head.address.multifunction = true;
  }
}
