/**
 * The guest's device layout as libvirt would settle it before building a command line
 * (its post-parse and address-assignment steps): implicit controllers and devices added,
 * default models chosen, disks sorted, device ids (aliases) given, and PCI, USB, drive,
 * virtio-serial and CCID addresses assigned. The model from @virtdeck/schema is never
 * changed: what is added or decided lives here, keyed by the model objects.
 */
import type {
  CharDevice,
  Controller,
  DeviceAddress,
  Disk,
  Domain,
  Hub,
  Input,
  Interface,
  MemBalloon,
  Sound,
  Video,
  XmlElement,
} from '@virtdeck/schema';
import { diskBus as inferredDiskBus } from '@virtdeck/schema';
import { assignPciAddresses, type PciControllerSlot, type PciDeviceSlot, type PciRole } from '../address/assignPci.js';
import { Connect, type PciAddress, type PciControllerModel, PCI_CONTROLLER_MODELS } from '../address/pci.js';
import { assignUsbAddresses, hubsNeeded, parseUsbPort, usbControllerPorts, USB_HUB_PORTS, type UsbDeviceSlot } from '../address/usb.js';
import type { DiagnosticSink } from '../diagnostics.js';
import type { Chipset } from './context.js';

export interface DriveSlot {
  controller: number;
  bus: number;
  target: number;
  unit: number;
}

export interface UsbSlot {
  bus: number;
  port: number[];
}

export interface VirtioSerialSlot {
  controller: number;
  port: number;
  /** false for a console placed by QEMU itself (libvirt does not write its address) */
  explicit: boolean;
}

export interface Layout {
  /** Controllers in libvirt's order (grouped by type, sorted by index), implicit ones included. */
  controllers: Controller[];
  /** Disks in libvirt's order: grouped by bus, each group sorted by target name. */
  disks: Disk[];
  interfaces: Interface[];
  /** Inputs with the implicit PS/2 mouse and keyboard last. */
  inputs: Input[];
  /** Serial ports, including one made from a serial console that had no port of its own. */
  serials: CharDevice[];
  /** The guest port (COM index) of each serial: the configured one, else the lowest free. */
  serialPort: Map<CharDevice, number>;
  /** Consoles that are devices of their own (virtio); a serial console is its serial port. */
  consoles: CharDevice[];
  /** Video devices, primary first. */
  videos: Video[];
  sounds: Sound[];
  /** USB hubs, including the ones added because the controllers had too few ports. */
  hubs: Hub[];
  memballoon: MemBalloon | undefined;
  /** Objects virtdeck added (not written in the definition). */
  implicit: Set<object>;
  alias: Map<object, string>;
  pci: Map<object, PciAddress>;
  usb: Map<object, UsbSlot>;
  drive: Map<Disk, DriveSlot>;
  virtioSerial: Map<CharDevice, VirtioSerialSlot>;
  ccid: Map<object, { controller: number; slot: number }>;
  /** PCI controllers with their chassis/port numbers, by index. */
  pciControllers: PciControllerSlot[];
  /** Model of each controller after defaults (`piix3-uhci` for a bare USB controller on pc…). */
  controllerModel: Map<Controller, string>;
  /** Index of each controller after defaults. */
  controllerIndex: Map<Controller, number>;
  /** PCI bus name as QEMU knows it: pci.0 / pcie.0 for the root, the controller id otherwise. */
  pciBusName(bus: number): string;
  /** The id of a controller of a type and index, when there is one. */
  controllerAlias(type: string, index: number): string | undefined;
  findController(type: string, index: number): Controller | undefined;
}

const lower = (s: string | undefined): string | undefined => s?.toLowerCase();

/** libvirt's disk name to index: hda -> 0, sdb -> 1, vdaa -> 26. */
export function diskNameIndex(dev: string): number | undefined {
  const match = /^(?:fd|hd|vd|sd|xvd|ubd)([a-z]+)$/.exec(dev);
  if (!match?.[1]) return undefined;
  let index = 0;
  for (const ch of match[1]) index = index * 26 + (ch.charCodeAt(0) - 96);
  return index - 1;
}

const NIC_MODELS_KNOWN = new Set(['virtio', 'virtio-transitional', 'virtio-non-transitional', 'e1000', 'e1000e', 'igb', 'rtl8139', 'ne2k_pci', 'pcnet', 'vmxnet3', 'usb-net']);

/** The NIC model with libvirt's defaulting and case rules for known models. */
export function nicModel(iface: Interface): string {
  const model = iface.model;
  if (model === undefined) return 'rtl8139';
  const l = model.toLowerCase();
  return NIC_MODELS_KNOWN.has(l) ? l : model;
}

export function videoType(video: Video): string {
  return video.model?.type ?? 'cirrus';
}

/** Input bus with the x86 defaults: PS/2 for mouse and keyboard, USB for a tablet. */
export function inputBus(input: Input): string {
  if (input.bus) return input.bus;
  if (input.type === 'tablet') return 'usb';
  if (input.type === 'mouse' || input.type === 'keyboard') return 'ps2';
  return 'none';
}

const isUsb2Companion = (model: string | undefined): boolean =>
  model === 'ich9-ehci1' || model === 'ich9-uhci1' || model === 'ich9-uhci2' || model === 'ich9-uhci3';

/**
 * Inserts a controller the way libvirt keeps its list: after the other controllers of the
 * same type with a lower index (a USB2 master before its companions), or at the end.
 */
function insertController(list: Controller[], controller: Controller, indexOf: (c: Controller) => number | undefined): void {
  let insertAt = -1;
  const idx = indexOf(controller);
  for (let i = list.length - 1; i >= 0; i--) {
    const current = list[i] as Controller;
    if (current.type !== controller.type) continue;
    if (idx === undefined) {
      insertAt = i + 1;
      break;
    }
    const currentIdx = indexOf(current) ?? -1;
    if (currentIdx > idx) insertAt = i;
    else if (controller.master === undefined && current.master !== undefined && currentIdx === idx) insertAt = i;
    else if (insertAt === -1) {
      insertAt = i + 1;
    }
  }
  if (insertAt === -1) list.push(controller);
  else list.splice(insertAt, 0, controller);
}

/** Inserts a disk like libvirt: after the last disk on its bus with a lower index name. */
function insertDisk(list: Disk[], disk: Disk): void {
  let insertAt = -1;
  const bus = diskBus(disk);
  const index = diskNameIndex(disk.target?.dev ?? '') ?? -1;
  for (let i = list.length - 1; i >= 0; i--) {
    const current = list[i] as Disk;
    if (diskBus(current) !== bus) continue;
    if ((diskNameIndex(current.target?.dev ?? '') ?? -1) > index) insertAt = i;
    else if (insertAt === -1) insertAt = i + 1;
  }
  if (insertAt === -1) list.push(disk);
  else list.splice(insertAt, 0, disk);
}

/** Disk bus as libvirt infers it from the target name (hd* IDE, sd* SCSI, vd* virtio, fd* floppy); IDE when nothing says. */
export function diskBus(disk: Disk): string {
  return inferredDiskBus(disk) ?? 'ide';
}

export interface LayoutInput {
  domain: Domain;
  chipset: Chipset;
  diagnostics: DiagnosticSink;
  devicesNode: XmlElement;
  /** QEMU has pcie-pci-bridge (so conventional PCI goes behind one on q35). */
  pcieToPciBridge: boolean;
  /** QEMU has qemu-xhci (the USB controller libvirt adds to q35). */
  qemuXhci: boolean;
}

export function buildLayout(input: LayoutInput): Layout {
  const { domain, chipset, diagnostics, devicesNode } = input;
  const dev = domain.devices;
  const implicit = new Set<object>();
  const alias = new Map<object, string>();
  const controllerModel = new Map<Controller, string>();
  const controllerIndex = new Map<Controller, number>();
  const isPcMachine = chipset === 'i440fx' || chipset === 'q35';
  const hasPcieRoot = chipset === 'q35';

  // ---- controllers: explicit ones, then those libvirt adds ----
  const controllers: Controller[] = [];
  const nextIndex = (type: string): number => {
    let i = 0;
    while (controllers.some((c) => c.type === type && controllerIndex.get(c) === i)) i++;
    return i;
  };
  const indexOf = (c: Controller): number | undefined => controllerIndex.get(c);
  for (const c of dev.controllers) {
    controllerIndex.set(c, c.index ?? nextIndex(c.type));
    insertController(controllers, c, indexOf);
  }
  const find = (type: string, index: number): Controller | undefined =>
    controllers.find((c) => c.type === type && controllerIndex.get(c) === index);
  const addImplicit = (type: Controller['type'], index: number, model?: string): Controller => {
    const c: Controller = { node: devicesNode, type, index };
    if (model !== undefined) c.model = model;
    controllerIndex.set(c, index);
    implicit.add(c);
    insertController(controllers, c, indexOf);
    return c;
  };

  if (isPcMachine || chipset === 'other') {
    if (!find('pci', 0)) addImplicit('pci', 0, hasPcieRoot ? 'pcie-root' : 'pci-root');
  }
  // The default USB controller of a pc/q35 guest, unless the definition has one (or model='none').
  if (isPcMachine && !controllers.some((c) => c.type === 'usb')) {
    const model = chipset === 'q35' ? (input.qemuXhci ? 'qemu-xhci' : 'ich9-ehci1') : 'piix3-uhci';
    addImplicit('usb', 0, model);
  }
  if (chipset === 'i440fx' && !find('ide', 0)) addImplicit('ide', 0);
  if (chipset === 'q35' && !find('sata', 0)) addImplicit('sata', 0);

  // ---- disks: sorted, with drive addresses ----
  const disks: Disk[] = [];
  for (const d of dev.disks) insertDisk(disks, d);
  const drive = new Map<Disk, DriveSlot>();
  const modelOfController = (c: Controller): string | undefined => controllerModel.get(c);
  for (const d of disks) {
    const bus = diskBus(d);
    const a = d.address?.type === 'drive' ? d.address : undefined;
    const index = diskNameIndex(d.target?.dev ?? '') ?? 0;
    let slot: DriveSlot;
    if (a && a.unit !== undefined) {
      slot = { controller: a.controller ?? 0, bus: a.bus ?? 0, target: a.target ?? 0, unit: a.unit };
    } else if (bus === 'ide') {
      slot = { controller: Math.floor(index / 4), bus: Math.floor((index % 4) / 2), target: 0, unit: index % 2 };
    } else if (bus === 'sata') {
      slot = { controller: Math.floor(index / 6), bus: 0, target: 0, unit: index % 6 };
    } else if (bus === 'fdc') {
      slot = { controller: Math.floor(index / 2), bus: 0, target: 0, unit: index % 2 };
    } else if (bus === 'scsi') {
      // Units per bus depend on the controller; libvirt's default (lsi) has 7.
      const existing = find('scsi', 0);
      const perBus = existing && (existing.model === 'virtio-scsi' || existing.model === 'virtio-transitional' || existing.model === 'virtio-non-transitional') ? 16384 : 7;
      slot = { controller: Math.floor(index / perBus), bus: 0, target: 0, unit: index % perBus };
    } else continue;
    drive.set(d, slot);
  }
  // Disk controllers the disks need (libvirt order: SCSI, FDC, IDE, SATA).
  for (const type of ['scsi', 'fdc', 'ide', 'sata'] as const) {
    for (const d of disks) {
      if (diskBus(d) !== type) continue;
      const slot = drive.get(d);
      if (slot && !find(type, slot.controller)) addImplicit(type, slot.controller);
    }
  }

  // ---- character devices ----
  const serials: CharDevice[] = [...dev.serials];
  const consoles: CharDevice[] = [];
  dev.consoles.forEach((console, i) => {
    const targetType = console.target?.type ?? 'serial';
    if (i === 0 && targetType === 'serial') {
      // The first serial console is the first serial port; without one it becomes one.
      if (serials.length === 0) {
        serials.push(console);
        implicit.add(console);
      }
      return;
    }
    consoles.push(console);
  });
  const serialPort = new Map<CharDevice, number>();
  for (const s of serials) if (s.target?.port !== undefined) serialPort.set(s, s.target.port);
  for (const s of serials) {
    if (serialPort.has(s)) continue;
    let port = 0;
    while ([...serialPort.values()].includes(port)) port++;
    serialPort.set(s, port);
  }
  const virtioChannels = dev.channels.filter((c) => (c.target?.type ?? 'virtio') === 'virtio');
  const virtioConsoles = consoles.filter((c) => c.target?.type === 'virtio');
  for (const chr of [...virtioConsoles, ...virtioChannels]) {
    const wanted = chr.address?.type === 'virtio-serial' ? (chr.address.controller ?? 0) : 0;
    if (!find('virtio-serial', wanted)) addImplicit('virtio-serial', wanted);
  }
  if (dev.smartcards.length > 0 && !controllers.some((c) => c.type === 'ccid')) addImplicit('ccid', 0);
  if (dev.hostdevs.some((h) => h.type === 'scsi') && !controllers.some((c) => c.type === 'scsi')) addImplicit('scsi', 0);

  // ---- default controller models ----
  for (const c of controllers) {
    const model = lower(c.model);
    const idx = controllerIndex.get(c) ?? 0;
    if (c.type === 'usb') {
      // A bare <controller type='usb'/> keeps the PIIX3 UHCI even on q35 (libvirt's rule for
      // existing definitions); only an added one gets qemu-xhci.
      controllerModel.set(c, model ?? 'piix3-uhci');
    } else if (c.type === 'scsi') {
      controllerModel.set(c, model === undefined || model === 'auto' || model === 'default' ? 'lsilogic' : model);
    } else if (c.type === 'pci') {
      controllerModel.set(c, model ?? (idx === 0 ? (hasPcieRoot ? 'pcie-root' : 'pci-root') : hasPcieRoot ? 'pcie-root-port' : 'pci-bridge'));
    } else if (c.type === 'virtio-serial') {
      controllerModel.set(c, model ?? 'virtio');
    } else if (model !== undefined) {
      controllerModel.set(c, model);
    }
  }

  // ---- other devices with defaults ----
  const interfaces = [...dev.interfaces];
  const isImplicitPs2 = (i: Input): boolean => inputBus(i) === 'ps2' && (i.type === 'mouse' || i.type === 'keyboard');
  const inputs = [...dev.inputs.filter((i) => !isImplicitPs2(i)), ...dev.inputs.filter(isImplicitPs2)];

  const videos: Video[] = [...dev.videos];
  const primaryIndex = videos.findIndex((v) => v.model?.primary === true);
  if (primaryIndex > 0) videos.unshift(...videos.splice(primaryIndex, 1));
  if (videos.length === 0 && dev.graphics.length > 0) {
    const video: Video = { node: devicesNode, model: { type: 'cirrus', node: devicesNode } };
    implicit.add(video);
    videos.push(video);
  }

  let memballoon = dev.memballoon;
  if (memballoon === undefined && isPcMachine) {
    memballoon = { node: devicesNode, model: 'virtio' };
    implicit.add(memballoon);
  }
  const sounds = [...dev.sounds];

  // ---- aliases (QEMU ids) ----
  const userAlias = (o: { alias?: string }): string | undefined => (o.alias?.startsWith('ua-') ? o.alias : undefined);
  const controllerAliasFor = (c: Controller): string => {
    const idx = controllerIndex.get(c) ?? 0;
    const model = controllerModel.get(c);
    if (c.type === 'pci') return idx === 0 ? (model === 'pcie-root' ? 'pcie' : 'pci') : `pci.${idx}`;
    if (c.type === 'ide' && idx === 0 && chipset === 'i440fx') return 'ide';
    if (c.type === 'sata' && idx === 0 && chipset === 'q35') return 'ide';
    if (c.type === 'usb' && idx === 0) return 'usb';
    return `${c.type}${idx}`;
  };
  for (const c of controllers) alias.set(c, userAlias(c) ?? controllerAliasFor(c));
  const scsiModelOf = (controllerIdx: number): string | undefined => {
    const c = find('scsi', controllerIdx);
    return c ? modelOfController(c) : undefined;
  };
  for (const d of disks) {
    const bus = diskBus(d);
    const slot = drive.get(d);
    const user = userAlias(d);
    if (user) alias.set(d, user);
    else if (slot && (bus === 'ide' || bus === 'sata' || bus === 'fdc')) alias.set(d, `${bus}${slot.controller}-${slot.bus}-${slot.unit}`);
    else if (slot && bus === 'scsi') {
      alias.set(
        d,
        scsiModelOf(slot.controller) === 'lsilogic'
          ? `scsi${slot.controller}-${slot.bus}-${slot.unit}`
          : `scsi${slot.controller}-${slot.bus}-${slot.target}-${slot.unit}`,
      );
    } else alias.set(d, `${bus}-disk${diskNameIndex(d.target?.dev ?? '') ?? 0}`);
  }
  const numbered = <T extends object>(items: readonly T[], prefix: string): void =>
    items.forEach((item, i) => alias.set(item, userAlias(item as { alias?: string }) ?? `${prefix}${i}`));
  numbered(interfaces, 'net');
  numbered(inputs, 'input');
  numbered(videos, 'video');
  numbered(sounds, 'sound');
  numbered(serials, 'serial');
  numbered(dev.parallels, 'parallel');
  numbered(dev.channels, 'channel');
  numbered(dev.watchdogs, 'watchdog');
  numbered(dev.rngs, 'rng');
  numbered(dev.tpms, 'tpm');
  numbered(dev.hostdevs, 'hostdev');
  numbered(dev.redirdevs, 'redir');
  numbered(dev.smartcards, 'smartcard');
  numbered(dev.hubs, 'hub');
  numbered(dev.filesystems, 'fs');
  numbered(dev.shmems, 'shmem');
  numbered(
    dev.memories.filter((m) => m.model === 'dimm' || m.model === 'nvdimm'),
    'dimm',
  );
  dev.consoles.forEach((c, i) => {
    if (!alias.has(c)) alias.set(c, userAlias(c) ?? `console${i}`);
  });
  if (memballoon) alias.set(memballoon, userAlias(memballoon) ?? 'balloon0');
  if (dev.vsock) alias.set(dev.vsock, userAlias(dev.vsock) ?? 'vsock0');
  if (dev.iommu) alias.set(dev.iommu, 'iommu0');

  // ---- PCI addresses ----
  const PCI = Connect.PCI_DEVICE | Connect.AUTOASSIGN;
  const PCIE = hasPcieRoot ? Connect.PCIE_DEVICE | Connect.AUTOASSIGN : PCI;
  // QEMU 4.0+ has transitional virtio devices, so virtio goes in PCIe slots when there are any.
  const VIRTIO = PCIE;
  const isTransitional = (model: string | undefined): boolean => model === 'virtio-transitional';
  const virtioFlags = (model: string | undefined): number => (isTransitional(model) ? PCI : VIRTIO);

  const fixedPci = (o: { address?: DeviceAddress }): PciAddress | undefined => {
    const p = o.address;
    if (p?.type !== 'pci') return undefined;
    if ((p.domain ?? 0) !== 0) {
      diagnostics.error('address-unassignable', p.node, `PCI domain ${p.domain} does not exist: QEMU guests have PCI domain 0 only.`);
    }
    const address: PciAddress = { bus: p.bus ?? 0, slot: p.slot ?? 0, function: p.function ?? 0 };
    if (p.multifunction !== undefined) address.multifunction = p.multifunction;
    return address;
  };
  const slots = new Map<object, PciDeviceSlot>();
  const devicesInOrder: PciDeviceSlot[] = [];
  const addPci = (owner: object, flags: number, label: string, role?: PciRole, usb2?: PciDeviceSlot['usb2']): void => {
    if (flags === 0) return;
    const slot: PciDeviceSlot = { flags, label };
    const fixed = fixedPci(owner as { address?: DeviceAddress });
    if (fixed) {
      slot.address = fixed;
      slot.fromConfig = true;
    }
    if (role) slot.role = role;
    if (usb2) slot.usb2 = usb2;
    slots.set(owner, slot);
    devicesInOrder.push(slot);
  };
  const name = (o: object, fallback: string): string => alias.get(o) ?? fallback;

  for (const fs of dev.filesystems) {
    const driver = fs.driver?.type;
    if (driver === undefined || driver === 'path' || driver === 'handle' || driver === 'virtiofs') addPci(fs, virtioFlags(fs.model), name(fs, 'filesystem'));
  }
  for (const iface of interfaces) {
    if (iface.type === 'hostdev') continue;
    const model = nicModel(iface);
    const flags = model === 'usb-net' ? 0 : model === 'virtio' || model === 'virtio-non-transitional' ? VIRTIO : model === 'virtio-transitional' ? PCI : model === 'e1000e' || model === 'igb' ? PCIE : PCI;
    addPci(iface, flags, name(iface, 'interface'));
  }
  for (const s of sounds) {
    const flags = s.model === 'es1370' || s.model === 'ac97' || s.model === 'ich6' || s.model === 'ich9' ? PCI : 0;
    addPci(s, flags, name(s, 'sound'), s.model === 'ich9' ? 'ich9-sound' : undefined);
  }
  const pciControllerSlots: PciControllerSlot[] = [];
  for (const c of controllers) {
    const model = controllerModel.get(c);
    const idx = controllerIndex.get(c) ?? 0;
    const label = alias.get(c) ?? `${c.type} controller ${idx}`;
    if (c.type === 'pci') {
      if (!(PCI_CONTROLLER_MODELS as readonly string[]).includes(model ?? '')) {
        diagnostics.error('invalid-value', c.node, `PCI controller model '${model}' is unknown.`);
        continue;
      }
      const slot: PciControllerSlot = { index: idx, model: model as PciControllerModel, label };
      const fixed = fixedPci(c);
      if (fixed) {
        slot.address = fixed;
        slot.fromConfig = true;
      }
      if (c.target?.chassis !== undefined) slot.chassis = c.target.chassis;
      if (c.target?.port !== undefined) slot.port = c.target.port;
      if (c.target?.chassisNr !== undefined) slot.chassisNr = c.target.chassisNr;
      if (implicit.has(c)) slot.implicit = true;
      pciControllerSlots.push(slot);
      continue;
    }
    let flags = 0;
    let role: PciRole | undefined;
    let usb2: PciDeviceSlot['usb2'];
    switch (c.type) {
      case 'sata':
        flags = PCI;
        if (idx === 0 && chipset === 'q35') role = 'sata0';
        break;
      case 'ide':
        // The PIIX3 IDE (index 0 on pc) is built in; other IDE controllers are not modelled by QEMU.
        if (idx === 0 && chipset === 'i440fx') {
          flags = PCI;
          role = 'ide0';
        }
        break;
      case 'usb':
        if (model === 'none') break;
        flags = model === 'nec-xhci' || model === 'qemu-xhci' ? PCIE : PCI;
        if (idx === 0 && chipset === 'i440fx' && model === 'piix3-uhci') role = 'piix3-usb0';
        if (chipset === 'q35' && model === 'ich9-uhci1' && c.address === undefined) role = 'ich9-uhci1';
        if (isUsb2Companion(model)) {
          const fn = model === 'ich9-ehci1' ? 7 : model === 'ich9-uhci1' ? 0 : model === 'ich9-uhci2' ? 1 : 2;
          usb2 = { index: idx, function: fn, multifunction: model === 'ich9-uhci1' };
        }
        break;
      case 'scsi':
        // ibmvscsi sits on the spapr-vio bus (libvirt gives it a VIO address on any machine).
        flags = model === 'virtio-scsi' || model === 'virtio-non-transitional' ? VIRTIO : model === 'ncr53c90' || model === 'ibmvscsi' ? 0 : PCI;
        break;
      case 'virtio-serial':
        flags = virtioFlags(model);
        break;
      default:
        flags = 0;
    }
    addPci(c, flags, label, role, usb2);
  }
  for (const d of disks) if (diskBus(d) === 'virtio') addPci(d, virtioFlags(d.model), name(d, 'disk'));
  for (const h of dev.hostdevs) {
    if (h.mode !== undefined && h.mode !== 'subsystem') continue;
    if (h.address?.type === 'unassigned') continue;
    if (h.type === 'pci' || h.type === 'mdev') addPci(h, PCIE, name(h, 'hostdev'));
    else if (h.type === 'scsi_host') addPci(h, virtioFlags(h.model), name(h, 'hostdev'));
  }
  if (memballoon && memballoon.model !== 'none' && memballoon.model !== 'xen') addPci(memballoon, virtioFlags(memballoon.model), 'balloon0');
  for (const r of dev.rngs) addPci(r, virtioFlags(r.model), name(r, 'rng'));
  for (const w of dev.watchdogs) if (w.model === 'i6300esb') addPci(w, PCI, name(w, 'watchdog'));
  videos.forEach((v, i) => {
    const type = videoType(v);
    const flags = type === 'virtio' ? VIRTIO : type === 'bochs' ? PCIE : ['vga', 'cirrus', 'vmvga', 'xen', 'vbox', 'qxl'].includes(type) ? PCI : 0;
    addPci(v, flags, name(v, 'video'), i === 0 ? 'primary-video' : undefined);
  });
  for (const s of dev.shmems) addPci(s, PCI, name(s, 'shmem'));
  for (const i of inputs) if (inputBus(i) === 'virtio') addPci(i, virtioFlags(i.model), name(i, 'input'));
  for (const s of serials) if (s.target?.type === 'pci-serial') addPci(s, PCI, name(s, 'serial'));
  if (dev.iommu?.model === 'virtio') addPci(dev.iommu, VIRTIO | Connect.INTEGRATED, 'iommu0');
  if (dev.vsock && (dev.vsock.model === undefined || dev.vsock.model.startsWith('virtio'))) addPci(dev.vsock, virtioFlags(dev.vsock.model), 'vsock0');
  for (const m of dev.memories) if (m.model === 'virtio-pmem' || m.model === 'virtio-mem') addPci(m, VIRTIO, 'memory device');
  for (const p of dev.panics) if (p.model === 'pvpanic') addPci(p, PCI | Connect.INTEGRATED, 'panic');

  const pci = new Map<object, PciAddress>();
  let finalPciControllers: PciControllerSlot[] = [];
  if (isPcMachine || chipset === 'other') {
    const result = assignPciAddresses({
      chipset: chipset === 'q35' ? 'q35' : chipset === 'i440fx' ? 'i440fx' : 'other',
      controllers: pciControllerSlots,
      devices: devicesInOrder,
      pcieToPciBridge: input.pcieToPciBridge,
    });
    for (const problem of result.problems) {
      const owner = [...slots.entries()].find(([, s]) => s.label === problem.label)?.[0] as { node?: XmlElement } | undefined;
      diagnostics.error('address-unassignable', owner?.node ?? devicesNode, `${problem.label}: ${problem.message}.`);
    }
    finalPciControllers = result.controllers;
    for (const [owner, slot] of slots) if (slot.address) pci.set(owner, slot.address);
    // Controllers the topology needed become part of the layout, like libvirt adds them.
    for (const slot of result.controllers) {
      let c = find('pci', slot.index);
      if (!c) {
        c = addImplicit('pci', slot.index, slot.model);
        controllerModel.set(c, slot.model);
        alias.set(c, `pci.${slot.index}`);
      }
      if (slot.address) pci.set(c, slot.address);
    }
  } else if (devicesInOrder.length > 0) {
    for (const slot of devicesInOrder) {
      diagnostics.error('address-unassignable', devicesNode, `${slot.label} needs a PCI bus, which this machine type does not have.`);
    }
  }

  // ---- USB ports ----
  const usb = new Map<object, UsbSlot>();
  const usbControllers = controllers
    .filter((c) => c.type === 'usb')
    .map((c) => ({ index: controllerIndex.get(c) ?? 0, ports: usbControllerPorts(controllerModel.get(c) ?? '', c.ports) }));
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
  const usbDevices: UsbDeviceSlot[] = [];
  for (const h of dev.hostdevs) if (h.type === 'usb') usbDevices.push(usbSlot(h, alias.get(h) ?? 'hostdev'));
  for (const d of disks) if (diskBus(d) === 'usb') usbDevices.push(usbSlot(d, alias.get(d) ?? 'usb disk'));
  for (const c of controllers) if (c.type === 'ccid') usbDevices.push(usbSlot(c, alias.get(c) ?? 'ccid'));
  for (const i of inputs) if (inputBus(i) === 'usb') usbDevices.push(usbSlot(i, alias.get(i) ?? 'input'));
  for (const s of serials) if (s.target?.type === 'usb-serial') usbDevices.push(usbSlot(s, alias.get(s) ?? 'serial'));
  for (const s of sounds) if (s.model === 'usb') usbDevices.push(usbSlot(s, alias.get(s) ?? 'sound'));
  for (const r of dev.redirdevs) usbDevices.push(usbSlot(r, alias.get(r) ?? 'redirdev'));
  for (const i of interfaces) if (nicModel(i) === 'usb-net') usbDevices.push(usbSlot(i, alias.get(i) ?? 'interface'));
  const hubs = dev.hubs.filter((h) => (h.type ?? 'usb') === 'usb');
  const hubSlots = hubs.map((h) => usbSlot(h, alias.get(h) ?? 'hub'));
  if (usbDevices.length + hubSlots.length > 0) {
    if (usbControllers.every((c) => c.ports === 0)) {
      for (const [owner] of usbSlots) {
        diagnostics.error('address-unassignable', (owner as { node: XmlElement }).node, 'This USB device needs a USB controller, but the guest has none (or model=\'none\').');
      }
    } else {
      const available = usbControllers.reduce((n, c) => n + c.ports, 0) + hubSlots.length * USB_HUB_PORTS;
      for (let added = hubsNeeded(usbDevices.length, available); added > 0; added--) {
        const hub: Hub = { node: devicesNode, type: 'usb' };
        const id = `hub${hubs.length}`;
        implicit.add(hub);
        alias.set(hub, id);
        hubs.push(hub);
        hubSlots.push(usbSlot(hub, id));
      }
      for (const problem of assignUsbAddresses({ controllers: usbControllers, hubs: hubSlots, devices: usbDevices })) {
        const owner = [...usbSlots.entries()].find(([, s]) => s.label === problem.label)?.[0] as { node?: XmlElement } | undefined;
        diagnostics.error('address-unassignable', owner?.node ?? devicesNode, `${problem.label}: ${problem.message}.`);
      }
      for (const [owner, slot] of usbSlots) if (slot.port) usb.set(owner, { bus: slot.bus ?? 0, port: slot.port });
    }
  }

  // ---- virtio-serial ports ----
  const virtioSerial = new Map<CharDevice, VirtioSerialSlot>();
  const portsInUse = new Map<number, Set<number>>();
  const maxPorts = (controllerIdx: number): number => {
    const c = find('virtio-serial', controllerIdx);
    return c?.ports ?? 31;
  };
  const used = (controllerIdx: number): Set<number> => {
    let set = portsInUse.get(controllerIdx);
    if (!set) portsInUse.set(controllerIdx, (set = new Set()));
    return set;
  };
  const vserControllers = controllers.filter((c) => c.type === 'virtio-serial').map((c) => controllerIndex.get(c) ?? 0);
  const virtioChars = [...virtioConsoles, ...virtioChannels];
  for (const chr of virtioChars) {
    const a = chr.address?.type === 'virtio-serial' ? (chr.address as { controller?: number; port?: number }) : undefined;
    if (a?.port !== undefined) {
      const controller = a.controller ?? 0;
      if (used(controller).has(a.port)) diagnostics.error('address-conflict', chr.node, `virtio-serial port ${a.port} of controller ${controller} is used twice.`);
      used(controller).add(a.port);
      virtioSerial.set(chr, { controller, port: a.port, explicit: true });
    }
  }
  const nextPort = (chr: CharDevice, allowZero: boolean): void => {
    const a = chr.address?.type === 'virtio-serial' ? (chr.address as { controller?: number }) : undefined;
    const candidates = a?.controller !== undefined ? [a.controller] : vserControllers;
    for (const controller of candidates) {
      for (let port = allowZero ? 0 : 1; port < maxPorts(controller); port++) {
        if (used(controller).has(port)) continue;
        used(controller).add(port);
        virtioSerial.set(chr, { controller, port, explicit: !allowZero || a?.controller !== undefined });
        return;
      }
    }
    diagnostics.error('address-unassignable', chr.node, 'No virtio-serial port is free for this device.');
  };
  for (const chr of virtioConsoles) if (!virtioSerial.has(chr)) nextPort(chr, true);
  for (const chr of virtioChannels) if (!virtioSerial.has(chr)) nextPort(chr, false);

  // ---- CCID slots ----
  const ccid = new Map<object, { controller: number; slot: number }>();
  const ccidUsed = new Set<string>();
  for (const card of dev.smartcards) {
    const a = card.address?.type === 'ccid' ? (card.address as { controller?: number; slot?: number }) : undefined;
    if (a?.slot !== undefined) {
      ccid.set(card, { controller: a.controller ?? 0, slot: a.slot });
      ccidUsed.add(`${a.controller ?? 0}:${a.slot}`);
    }
  }
  for (const card of dev.smartcards) {
    if (ccid.has(card)) continue;
    let slot = 0;
    while (ccidUsed.has(`0:${slot}`)) slot++;
    ccidUsed.add(`0:${slot}`);
    ccid.set(card, { controller: 0, slot });
  }

  const layout: Layout = {
    controllers,
    disks,
    interfaces,
    inputs,
    serials,
    serialPort,
    consoles,
    videos,
    sounds,
    memballoon,
    implicit,
    alias,
    pci,
    usb,
    drive,
    virtioSerial,
    ccid,
    pciControllers: finalPciControllers,
    controllerModel,
    controllerIndex,
    hubs,
    pciBusName(bus: number): string {
      if (bus === 0) return hasPcieRoot ? 'pcie.0' : 'pci.0';
      return `pci.${bus}`;
    },
    controllerAlias(type: string, index: number): string | undefined {
      const c = find(type, index);
      return c ? alias.get(c) : undefined;
    },
    findController: find,
  };
  return layout;
}
