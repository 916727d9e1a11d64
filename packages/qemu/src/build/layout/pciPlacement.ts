/**
 * PCI placement: what kind of slot each device needs (one table, libvirt's
 * qemuDomainDeviceCalculatePCIConnectFlags), the devices listed in libvirt's assignment
 * order, then the two-pass assignment of address/assignPci.ts. Controllers the topology
 * needed become part of the layout, as libvirt writes them into the definition.
 */
import { PCIE_NIC_MODELS } from '@virtdeck/schema';
import type {
  Controller,
  DeviceAddress,
  Devices,
  Disk,
  Filesystem,
  Hostdev,
  Input,
  Interface,
  MemBalloon,
  MemoryDevice,
  Panic,
  Rng,
  CharDevice,
  Shmem,
  Sound,
  Video,
  Watchdog,
  XmlElement,
} from '@virtdeck/schema';
import { assignPciAddresses, type PciControllerSlot, type PciDeviceSlot, type PciRole } from '../../address/assignPci.js';
import { Connect, type PciAddress, type PciControllerModel, PCI_CONTROLLER_MODELS } from '../../address/pci.js';
import type { DiagnosticSink } from '../../diagnostics.js';
import type { Chipset } from '../context.js';
import type { ControllerSet } from './controllers.js';
import { diskBus, inputBus, nicModel, videoType } from './deviceDefaults.js';

/**
 * The slot a device needs: a conventional PCI slot, a PCIe slot (conventional PCI on a
 * machine without PCIe), a virtio slot (PCIe where there is PCIe: QEMU 4.0+ has transitional
 * virtio devices), or none (not a PCI device).
 */
type SlotKind = 'none' | 'pci' | 'pcie' | 'virtio';

const virtioSlot = (model: string | undefined): SlotKind => (model === 'virtio-transitional' ? 'pci' : 'virtio');

const PCI_SOUND_MODELS = new Set(['es1370', 'ac97', 'ich6', 'ich9']);
const PCI_VIDEO_TYPES = new Set(['vga', 'cirrus', 'vmvga', 'xen', 'vbox', 'qxl']);

/** The slot each device family needs, by model. */
const CONNECT = {
  filesystem: (fs: Filesystem): SlotKind => {
    const driver = fs.driver?.type;
    return driver === undefined || driver === 'path' || driver === 'handle' || driver === 'virtiofs' ? virtioSlot(fs.model) : 'none';
  },
  interface: (iface: Interface): SlotKind => {
    if (iface.type === 'hostdev') return 'none';
    const model = nicModel(iface);
    if (model === 'usb-net') return 'none';
    if (model === 'virtio' || model === 'virtio-non-transitional') return 'virtio';
    return (PCIE_NIC_MODELS as readonly string[]).includes(model) ? 'pcie' : 'pci';
  },
  sound: (s: Sound): SlotKind => (PCI_SOUND_MODELS.has(s.model ?? '') ? 'pci' : 'none'),
  controller: (c: Controller, model: string | undefined): SlotKind => {
    switch (c.type) {
      case 'sata':
        return 'pci';
      case 'usb':
        if (model === 'none') return 'none';
        return model === 'nec-xhci' || model === 'qemu-xhci' ? 'pcie' : 'pci';
      case 'scsi':
        // ibmvscsi sits on the spapr-vio bus (libvirt gives it a VIO address on any machine).
        if (model === 'virtio-scsi' || model === 'virtio-non-transitional') return 'virtio';
        return model === 'ncr53c90' || model === 'ibmvscsi' ? 'none' : 'pci';
      case 'virtio-serial':
        return virtioSlot(model);
      default:
        return 'none';
    }
  },
  disk: (d: Disk): SlotKind => (diskBus(d) === 'virtio' ? virtioSlot(d.model) : 'none'),
  hostdev: (h: Hostdev): SlotKind => {
    if ((h.mode !== undefined && h.mode !== 'subsystem') || h.address?.type === 'unassigned') return 'none';
    if (h.type === 'pci' || h.type === 'mdev') return 'pcie';
    return h.type === 'scsi_host' ? virtioSlot(h.model) : 'none';
  },
  memballoon: (m: MemBalloon): SlotKind => (m.model === 'none' || m.model === 'xen' ? 'none' : virtioSlot(m.model)),
  rng: (r: Rng): SlotKind => virtioSlot(r.model),
  watchdog: (w: Watchdog): SlotKind => (w.model === 'i6300esb' ? 'pci' : 'none'),
  video: (v: Video): SlotKind => {
    const type = videoType(v);
    if (type === 'virtio') return 'virtio';
    if (type === 'bochs') return 'pcie';
    return PCI_VIDEO_TYPES.has(type) ? 'pci' : 'none';
  },
  shmem: (_s: Shmem): SlotKind => 'pci',
  input: (i: Input): SlotKind => (inputBus(i) === 'virtio' ? virtioSlot(i.model) : 'none'),
  serial: (s: CharDevice): SlotKind => (s.target?.type === 'pci-serial' ? 'pci' : 'none'),
  iommu: (i: NonNullable<Devices['iommu']>): SlotKind => (i.model === 'virtio' ? 'virtio' : 'none'),
  vsock: (v: NonNullable<Devices['vsock']>): SlotKind => (v.model === undefined || v.model.startsWith('virtio') ? virtioSlot(v.model) : 'none'),
  memory: (m: MemoryDevice): SlotKind => (m.model === 'virtio-pmem' || m.model === 'virtio-mem' ? 'virtio' : 'none'),
  panic: (p: Panic): SlotKind => (p.model === 'pvpanic' ? 'pci' : 'none'),
} as const;

/** Devices that are part of the root complex: they may sit on bus 0 of a PCIe machine. */
const INTEGRATED = new Set<keyof typeof CONNECT>(['iommu', 'panic']);

const isUsb2Companion = (model: string | undefined): boolean =>
  model === 'ich9-ehci1' || model === 'ich9-uhci1' || model === 'ich9-uhci2' || model === 'ich9-uhci3';

export interface PciPlacementInput {
  dev: Devices;
  chipset: Chipset;
  controllers: ControllerSet;
  alias: Map<object, string>;
  diagnostics: DiagnosticSink;
  devicesNode: XmlElement;
  pcieToPciBridge: boolean;
  /** Device lists in layout order. */
  ordered: { interfaces: readonly Interface[]; sounds: readonly Sound[]; disks: readonly Disk[]; videos: readonly Video[]; inputs: readonly Input[]; serials: readonly CharDevice[] };
  memballoon: MemBalloon | undefined;
  implicit: ReadonlySet<object>;
}

export interface PciPlacement {
  pci: Map<object, PciAddress>;
  /** PCI controllers with their chassis/port numbers, by index. */
  controllers: PciControllerSlot[];
}

export function placePci(input: PciPlacementInput): PciPlacement {
  const { dev, chipset, controllers, alias, diagnostics, devicesNode, ordered } = input;
  const PCI = Connect.PCI_DEVICE | Connect.AUTOASSIGN;
  const PCIE = chipset === 'q35' ? Connect.PCIE_DEVICE | Connect.AUTOASSIGN : PCI;
  const FLAGS: Record<SlotKind, number> = { none: 0, pci: PCI, pcie: PCIE, virtio: PCIE };

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
  const addSlot = (owner: object, flags: number, label: string, role?: PciRole, usb2?: PciDeviceSlot['usb2']): void => {
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
  const add = <K extends keyof typeof CONNECT>(kind: K, owner: Parameters<(typeof CONNECT)[K]>[0] & object, label: string, role?: PciRole): void => {
    const flags = FLAGS[(CONNECT[kind] as (o: typeof owner) => SlotKind)(owner)];
    addSlot(owner, flags !== 0 && INTEGRATED.has(kind) ? flags | Connect.INTEGRATED : flags, label, role);
  };
  const name = (o: object, fallback: string): string => alias.get(o) ?? fallback;

  for (const fs of dev.filesystems) add('filesystem', fs, name(fs, 'filesystem'));
  for (const iface of ordered.interfaces) add('interface', iface, name(iface, 'interface'));
  for (const s of ordered.sounds) add('sound', s, name(s, 'sound'), s.model === 'ich9' ? 'ich9-sound' : undefined);
  const pciControllerSlots: PciControllerSlot[] = [];
  for (const c of controllers.list) {
    const model = controllers.model.get(c);
    const idx = controllers.index.get(c) ?? 0;
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
      if (input.implicit.has(c)) slot.implicit = true;
      pciControllerSlots.push(slot);
      continue;
    }
    // The PIIX3 IDE (index 0 on pc) is built in; other IDE controllers are not modelled by QEMU.
    const builtinIde = c.type === 'ide' && idx === 0 && chipset === 'i440fx';
    const flags = builtinIde ? PCI : FLAGS[CONNECT.controller(c, model)];
    let role: PciRole | undefined;
    if (builtinIde) role = 'ide0';
    if (c.type === 'sata' && idx === 0 && chipset === 'q35') role = 'sata0';
    if (c.type === 'usb' && idx === 0 && chipset === 'i440fx' && model === 'piix3-uhci') role = 'piix3-usb0';
    if (c.type === 'usb' && chipset === 'q35' && model === 'ich9-uhci1' && c.address === undefined) role = 'ich9-uhci1';
    let usb2: PciDeviceSlot['usb2'];
    if (c.type === 'usb' && isUsb2Companion(model)) {
      const fn = model === 'ich9-ehci1' ? 7 : model === 'ich9-uhci1' ? 0 : model === 'ich9-uhci2' ? 1 : 2;
      usb2 = { index: idx, function: fn, multifunction: model === 'ich9-uhci1' };
    }
    addSlot(c, flags, label, role, usb2);
  }
  for (const d of ordered.disks) add('disk', d, name(d, 'disk'));
  for (const h of dev.hostdevs) add('hostdev', h, name(h, 'hostdev'));
  if (input.memballoon) add('memballoon', input.memballoon, 'balloon0');
  for (const r of dev.rngs) add('rng', r, name(r, 'rng'));
  for (const w of dev.watchdogs) add('watchdog', w, name(w, 'watchdog'));
  ordered.videos.forEach((v, i) => add('video', v, name(v, 'video'), i === 0 ? 'primary-video' : undefined));
  for (const s of dev.shmems) add('shmem', s, name(s, 'shmem'));
  for (const i of ordered.inputs) add('input', i, name(i, 'input'));
  for (const s of ordered.serials) add('serial', s, name(s, 'serial'));
  if (dev.iommu) add('iommu', dev.iommu, 'iommu0');
  if (dev.vsock) add('vsock', dev.vsock, 'vsock0');
  for (const m of dev.memories) add('memory', m, 'memory device');
  for (const p of dev.panics) add('panic', p, 'panic');

  const pci = new Map<object, PciAddress>();
  if (chipset === 'isapc' || chipset === 'microvm') {
    for (const slot of devicesInOrder) {
      diagnostics.error('address-unassignable', devicesNode, `${slot.label} needs a PCI bus, which this machine type does not have.`);
    }
    return { pci, controllers: [] };
  }
  const result = assignPciAddresses({ chipset, controllers: pciControllerSlots, devices: devicesInOrder, pcieToPciBridge: input.pcieToPciBridge });
  const ownerOf = new Map<string, object>();
  for (const [owner, slot] of slots) if (!ownerOf.has(slot.label)) ownerOf.set(slot.label, owner);
  for (const problem of result.problems) {
    const owner = ownerOf.get(problem.label) as { node?: XmlElement } | undefined;
    diagnostics.error('address-unassignable', owner?.node ?? devicesNode, `${problem.label}: ${problem.message}.`);
  }
  for (const [owner, slot] of slots) if (slot.address) pci.set(owner, slot.address);
  for (const slot of result.controllers) {
    let c = controllers.find('pci', slot.index);
    if (!c) {
      c = controllers.addImplicit('pci', slot.index, slot.model);
      controllers.model.set(c, slot.model);
      alias.set(c, `pci.${slot.index}`);
    }
    if (slot.address) pci.set(c, slot.address);
  }
  return { pci, controllers: result.controllers };
}
