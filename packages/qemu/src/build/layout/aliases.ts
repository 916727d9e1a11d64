/** Device ids (libvirt's aliases, QEMU's ids): a user alias (`ua-…`) where given, else libvirt's name for the device. */
import type { Controller, Disk, Domain } from '@virtdeck/schema';
import type { Chipset } from '../context.js';
import type { ControllerSet } from './controllers.js';
import { diskBus, diskNameIndex } from './deviceDefaults.js';
import type { DriveSlot } from './disks.js';

export interface AliasInput {
  dev: Domain['devices'];
  chipset: Chipset;
  controllers: ControllerSet;
  disks: readonly Disk[];
  drive: ReadonlyMap<Disk, DriveSlot>;
  /** Device lists in layout order, where the layout reorders or adds to the definition's. */
  ordered: { interfaces: readonly object[]; inputs: readonly object[]; videos: readonly object[]; sounds: readonly object[]; serials: readonly object[] };
  memballoon: object | undefined;
}

const userAlias = (o: { alias?: string }): string | undefined => (o.alias?.startsWith('ua-') ? o.alias : undefined);

function controllerAlias(c: Controller, set: ControllerSet, chipset: Chipset): string {
  const idx = set.index.get(c) ?? 0;
  if (c.type === 'pci') return idx === 0 ? (set.model.get(c) === 'pcie-root' ? 'pcie' : 'pci') : `pci.${idx}`;
  if (c.type === 'ide' && idx === 0 && chipset === 'i440fx') return 'ide';
  if (c.type === 'sata' && idx === 0 && chipset === 'q35') return 'ide';
  if (c.type === 'usb' && idx === 0) return 'usb';
  return `${c.type}${idx}`;
}

function diskAlias(d: Disk, slot: DriveSlot | undefined, set: ControllerSet): string {
  const bus = diskBus(d);
  if (slot && (bus === 'ide' || bus === 'sata' || bus === 'fdc')) return `${bus}${slot.controller}-${slot.bus}-${slot.unit}`;
  if (slot && bus === 'scsi') {
    const controller = set.find('scsi', slot.controller);
    const lsi = controller !== undefined && set.model.get(controller) === 'lsilogic';
    return lsi ? `scsi${slot.controller}-${slot.bus}-${slot.unit}` : `scsi${slot.controller}-${slot.bus}-${slot.target}-${slot.unit}`;
  }
  return `${bus}-disk${diskNameIndex(d.target?.dev ?? '') ?? 0}`;
}

export function assignAliases(input: AliasInput, alias: Map<object, string>): void {
  const { dev, controllers, ordered } = input;
  for (const c of controllers.list) alias.set(c, userAlias(c) ?? controllerAlias(c, controllers, input.chipset));
  for (const d of input.disks) alias.set(d, userAlias(d) ?? diskAlias(d, input.drive.get(d), controllers));
  const numbered = (items: readonly object[], prefix: string): void =>
    items.forEach((item, i) => alias.set(item, userAlias(item as { alias?: string }) ?? `${prefix}${i}`));
  numbered(ordered.interfaces, 'net');
  numbered(ordered.inputs, 'input');
  numbered(ordered.videos, 'video');
  numbered(ordered.sounds, 'sound');
  numbered(ordered.serials, 'serial');
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
  if (input.memballoon) alias.set(input.memballoon, userAlias(input.memballoon as { alias?: string }) ?? 'balloon0');
  if (dev.vsock) alias.set(dev.vsock, userAlias(dev.vsock) ?? 'vsock0');
  if (dev.iommu) alias.set(dev.iommu, 'iommu0');
}
