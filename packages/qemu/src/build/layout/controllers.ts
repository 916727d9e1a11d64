/**
 * The guest's controllers as libvirt keeps them: the definition's own, then the implicit ones
 * its post-parse step adds (PCI root, default USB, IDE/SATA, the controllers disks and
 * channels need), in libvirt's list order, each with its index and default model.
 */
import type { Controller, Domain, XmlElement } from '@virtdeck/schema';
import type { Chipset } from '../context.js';

export class ControllerSet {
  readonly index = new Map<Controller, number>();
  readonly model = new Map<Controller, string>();
  /** Per type in order of first appearance, each in the order added until `list` sorts it. */
  readonly #groups = new Map<string, { controllers: Controller[]; sorted: boolean }>();
  /** The first in list order of each type and index. */
  readonly #byIndex = new Map<string, Controller>();
  #list: Controller[] | undefined;
  readonly #lowestFree = new Map<string, number>();

  constructor(
    private readonly devicesNode: XmlElement,
    private readonly implicit: Set<object>,
  ) {}

  /**
   * In libvirt's order: grouped by type, sorted by index, a USB2 master before its companions.
   * libvirt inserts each controller after the last of its type whose (index, is a companion) is
   * not above its own; a stable sort of each group gives that order without a scan per insertion.
   */
  get list(): Controller[] {
    if (this.#list === undefined) {
      const key = (c: Controller): number => 2 * (this.index.get(c) ?? -1) + (c.master === undefined ? 0 : 1);
      for (const group of this.#groups.values()) {
        if (!group.sorted) group.controllers.sort((a, b) => key(a) - key(b));
        group.sorted = true;
      }
      this.#list = [...this.#groups.values()].flatMap((group) => group.controllers);
    }
    return this.#list;
  }

  find(type: string, index: number): Controller | undefined {
    return this.#byIndex.get(`${type}:${index}`);
  }

  has(type: string): boolean {
    return this.#groups.has(type);
  }

  /**
   * Adds the definition's controllers as libvirt's post-parse (virDomainAssignControllerIndexes)
   * does: those with an index first, then each without one gets the lowest index its type has
   * free, whichever comes first in the text. A PCI controller other than the root never gets 0:
   * that is the root's, which libvirt writes into every pc and q35 definition it saves, while a
   * definition here may leave it implicit.
   */
  addDefinition(controllers: readonly Controller[]): void {
    for (const c of controllers) {
      if (c.index === undefined) continue;
      this.index.set(c, c.index);
      this.insert(c);
    }
    for (const c of controllers) {
      if (c.index !== undefined) continue;
      this.index.set(c, this.nextIndex(c.type, c.type === 'pci' && !isPciRoot(c.model) ? 1 : 0));
      this.insert(c);
    }
  }

  /** Adds a controller virtdeck decided the guest has (libvirt writes it into the definition). */
  addImplicit(type: Controller['type'], index: number, model?: string): Controller {
    const c: Controller = { node: this.devicesNode, type, index };
    if (model !== undefined) c.model = model;
    this.index.set(c, index);
    this.implicit.add(c);
    this.insert(c);
    return c;
  }

  /** The lowest index of `type` from `from` on that no controller has; indexes are only ever added, so it only grows. */
  private nextIndex(type: string, from: number): number {
    const key = `${type}:${from}`;
    let index = this.#lowestFree.get(key) ?? from;
    while (this.find(type, index)) index++;
    this.#lowestFree.set(key, index);
    return index;
  }

  private insert(controller: Controller): void {
    const group = this.#groups.get(controller.type);
    if (group === undefined) this.#groups.set(controller.type, { controllers: [controller], sorted: true });
    else {
      group.controllers.push(controller);
      group.sorted = false;
    }
    this.#list = undefined;
    const key = `${controller.type}:${this.index.get(controller) ?? -1}`;
    const first = this.#byIndex.get(key);
    // a master sorts before its companions of the same index
    if (first === undefined || (first.master !== undefined && controller.master === undefined)) this.#byIndex.set(key, controller);
  }
}

const isPciRoot = (model: string | undefined): boolean => model === 'pci-root' || model === 'pcie-root';

/** The PCI root, the default USB controller and the chipset's disk controller. */
export function addChipsetControllers(set: ControllerSet, chipset: Chipset, qemuXhci: boolean): void {
  const isPcMachine = chipset === 'i440fx' || chipset === 'q35';
  if ((isPcMachine || chipset === 'other') && !set.find('pci', 0)) set.addImplicit('pci', 0, chipset === 'q35' ? 'pcie-root' : 'pci-root');
  // The default USB controller of a pc/q35 guest, unless the definition has one (or model='none').
  if (isPcMachine && !set.has('usb')) set.addImplicit('usb', 0, chipset === 'q35' ? (qemuXhci ? 'qemu-xhci' : 'ich9-ehci1') : 'piix3-uhci');
  if (chipset === 'i440fx' && !set.find('ide', 0)) set.addImplicit('ide', 0);
  if (chipset === 'q35' && !set.find('sata', 0)) set.addImplicit('sata', 0);
}

/** Controllers that devices other than disks need: virtio-serial for virtio channels and consoles, CCID, SCSI for SCSI host devices. */
export function addDeviceControllers(set: ControllerSet, dev: Domain['devices'], virtioChars: readonly { address?: { type: string; controller?: number } }[]): void {
  for (const chr of virtioChars) {
    const wanted = chr.address?.type === 'virtio-serial' ? (chr.address.controller ?? 0) : 0;
    if (!set.find('virtio-serial', wanted)) set.addImplicit('virtio-serial', wanted);
  }
  if (dev.smartcards.length > 0 && !set.has('ccid')) set.addImplicit('ccid', 0);
  if (dev.hostdevs.some((h) => h.type === 'scsi') && !set.has('scsi')) set.addImplicit('scsi', 0);
}

/** Default controller models, as libvirt's post-parse fills them in. */
export function setControllerModels(set: ControllerSet, chipset: Chipset): void {
  const hasPcieRoot = chipset === 'q35';
  for (const c of set.list) {
    const model = c.model?.toLowerCase();
    const idx = set.index.get(c) ?? 0;
    if (c.type === 'usb') {
      // A bare <controller type='usb'/> keeps the PIIX3 UHCI even on q35 (libvirt's rule for
      // existing definitions); only an added one gets qemu-xhci.
      set.model.set(c, model ?? 'piix3-uhci');
    } else if (c.type === 'scsi') {
      set.model.set(c, model === undefined || model === 'auto' || model === 'default' ? 'lsilogic' : model);
    } else if (c.type === 'pci') {
      set.model.set(c, model ?? (idx === 0 ? (hasPcieRoot ? 'pcie-root' : 'pci-root') : hasPcieRoot ? 'pcie-root-port' : 'pci-bridge'));
    } else if (c.type === 'virtio-serial') {
      set.model.set(c, model ?? 'virtio');
    } else if (model !== undefined) {
      set.model.set(c, model);
    }
  }
}
