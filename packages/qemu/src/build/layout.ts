/**
 * The guest's device layout as libvirt would settle it before building a command line
 * (its post-parse and address-assignment steps), in libvirt's order: controllers and
 * defaults, aliases, PCI placement, USB ports, virtio-serial ports, CCID slots (one module
 * each under layout/). The model from @virtdeck/schema is never changed: what is added or
 * decided lives here, keyed by the model objects.
 */
import type { CharDevice, Controller, Disk, Domain, Hub, Input, Interface, MemBalloon, Sound, Video, XmlElement } from '@virtdeck/schema';
import type { PciControllerSlot } from '../address/assignPci.js';
import type { PciAddress } from '../address/pci.js';
import type { DiagnosticSink } from '../diagnostics.js';
import type { Chipset } from './context.js';
import { assignAliases } from './layout/aliases.js';
import { assignCcidSlots, type CcidSlot } from './layout/ccidSlots.js';
import { layoutCharDevices } from './layout/chardevs.js';
import { addChipsetControllers, addDeviceControllers, ControllerSet, setControllerModels } from './layout/controllers.js';
import { inputBus } from './layout/deviceDefaults.js';
import { assignDriveSlots, sortDisks, type DriveSlot } from './layout/disks.js';
import { placePci } from './layout/pciPlacement.js';
import { placeUsb, type UsbSlot } from './layout/usbPlacement.js';
import { assignVirtioSerialPorts, type VirtioSerialSlot } from './layout/virtioSerialPorts.js';

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
  ccid: Map<object, CcidSlot>;
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

const isImplicitPs2 = (i: Input): boolean => inputBus(i) === 'ps2' && (i.type === 'mouse' || i.type === 'keyboard');

/** Videos with the primary first; a guest with graphics and no video gets libvirt's default (cirrus). */
function layoutVideos(dev: Domain['devices'], devicesNode: XmlElement, implicit: Set<object>): Video[] {
  const videos: Video[] = [...dev.videos];
  const primaryIndex = videos.findIndex((v) => v.model?.primary === true);
  if (primaryIndex > 0) videos.unshift(...videos.splice(primaryIndex, 1));
  if (videos.length === 0 && dev.graphics.length > 0) {
    const video: Video = { node: devicesNode, model: { type: 'cirrus', node: devicesNode } };
    implicit.add(video);
    videos.push(video);
  }
  return videos;
}

export function buildLayout(input: LayoutInput): Layout {
  const { domain, chipset, diagnostics, devicesNode } = input;
  const dev = domain.devices;
  const implicit = new Set<object>();
  const alias = new Map<object, string>();
  const isPcMachine = chipset === 'i440fx' || chipset === 'q35';

  const controllers = new ControllerSet(devicesNode, implicit);
  controllers.addDefinition(dev.controllers);
  addChipsetControllers(controllers, chipset, input.qemuXhci);
  const disks = sortDisks(dev.disks);
  const drive = assignDriveSlots(disks, controllers);
  const chars = layoutCharDevices(dev, implicit);
  addDeviceControllers(controllers, dev, [...chars.virtioConsoles, ...chars.virtioChannels]);
  setControllerModels(controllers, chipset);

  const interfaces = [...dev.interfaces];
  const inputs = [...dev.inputs.filter((i) => !isImplicitPs2(i)), ...dev.inputs.filter(isImplicitPs2)];
  const videos = layoutVideos(dev, devicesNode, implicit);
  let memballoon = dev.memballoon;
  if (memballoon === undefined && isPcMachine) {
    memballoon = { node: devicesNode, model: 'virtio' };
    implicit.add(memballoon);
  }
  const sounds = [...dev.sounds];
  const ordered = { interfaces, inputs, videos, sounds, serials: chars.serials, disks };

  assignAliases({ dev, chipset, controllers, disks, drive, ordered, memballoon }, alias);
  const placed = placePci({
    dev,
    chipset,
    controllers,
    alias,
    diagnostics,
    devicesNode,
    pcieToPciBridge: input.pcieToPciBridge,
    ordered,
    memballoon,
    implicit,
  });
  const { usb, hubs } = placeUsb({ dev, controllers, alias, implicit, diagnostics, devicesNode, ordered });
  const virtioSerial = assignVirtioSerialPorts(chars.virtioConsoles, chars.virtioChannels, controllers, diagnostics);

  const find = (type: string, index: number): Controller | undefined => controllers.find(type, index);
  return {
    controllers: controllers.list,
    disks,
    interfaces,
    inputs,
    serials: chars.serials,
    serialPort: chars.serialPort,
    consoles: chars.consoles,
    videos,
    sounds,
    memballoon,
    implicit,
    alias,
    pci: placed.pci,
    usb,
    drive,
    virtioSerial,
    ccid: assignCcidSlots(dev.smartcards),
    pciControllers: placed.controllers,
    controllerModel: controllers.model,
    controllerIndex: controllers.index,
    hubs,
    pciBusName(bus: number): string {
      if (bus === 0) return chipset === 'q35' ? 'pcie.0' : 'pci.0';
      return `pci.${bus}`;
    },
    controllerAlias(type: string, index: number): string | undefined {
      const c = find(type, index);
      return c ? alias.get(c) : undefined;
    },
    findController: find,
  };
}
