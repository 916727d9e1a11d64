/** Disks in libvirt's order with their drive addresses (controller, bus, target, unit), and the disk controllers they need. */
import type { Disk } from '@virtdeck/schema';
import type { ControllerSet } from './controllers.js';
import { diskBus, diskNameIndex } from './deviceDefaults.js';

export interface DriveSlot {
  controller: number;
  bus: number;
  target: number;
  unit: number;
}

const nameIndex = (disk: Disk): number => diskNameIndex(disk.target?.dev ?? '') ?? -1;

/**
 * libvirt's disk order (virDomainDiskInsert puts each after the last disk on its bus with a
 * lower or equal index name): disks of a bus stay together, buses in order of first appearance,
 * each bus stably sorted by index. Grouped and sorted here, not inserted one by one, which scans
 * the list for every disk.
 */
export function sortDisks(disks: readonly Disk[]): Disk[] {
  const buses = new Map<string, Disk[]>();
  for (const d of disks) {
    const bus = diskBus(d);
    const group = buses.get(bus);
    if (group === undefined) buses.set(bus, [d]);
    else group.push(d);
  }
  return [...buses.values()].flatMap((group) => group.sort((a, b) => nameIndex(a) - nameIndex(b)));
}

const VIRTIO_SCSI_MODELS = new Set(['virtio-scsi', 'virtio-transitional', 'virtio-non-transitional']);

/** The drive address of a disk on a bus that has one: the definition's, else from its target name. */
function driveSlot(disk: Disk, controllers: ControllerSet): DriveSlot | undefined {
  const bus = diskBus(disk);
  const a = disk.address?.type === 'drive' ? disk.address : undefined;
  const index = diskNameIndex(disk.target?.dev ?? '') ?? 0;
  if (a && a.unit !== undefined) return { controller: a.controller ?? 0, bus: a.bus ?? 0, target: a.target ?? 0, unit: a.unit };
  switch (bus) {
    case 'ide':
      return { controller: Math.floor(index / 4), bus: Math.floor((index % 4) / 2), target: 0, unit: index % 2 };
    case 'sata':
      return { controller: Math.floor(index / 6), bus: 0, target: 0, unit: index % 6 };
    case 'fdc':
      return { controller: Math.floor(index / 2), bus: 0, target: 0, unit: index % 2 };
    case 'scsi': {
      // Units per bus depend on the controller; libvirt's default (lsi) has 7.
      const existing = controllers.find('scsi', 0);
      const perBus = existing && VIRTIO_SCSI_MODELS.has(existing.model ?? '') ? 16384 : 7;
      return { controller: Math.floor(index / perBus), bus: 0, target: 0, unit: index % perBus };
    }
    default:
      return undefined;
  }
}

/** Drive addresses of the sorted disks; adds the disk controllers they need (libvirt order: SCSI, FDC, IDE, SATA). */
export function assignDriveSlots(disks: readonly Disk[], controllers: ControllerSet): Map<Disk, DriveSlot> {
  const drive = new Map<Disk, DriveSlot>();
  for (const d of disks) {
    const slot = driveSlot(d, controllers);
    if (slot) drive.set(d, slot);
  }
  for (const type of ['scsi', 'fdc', 'ide', 'sata'] as const) {
    for (const d of disks) {
      if (diskBus(d) !== type) continue;
      const slot = drive.get(d);
      if (slot && !controllers.find(type, slot.controller)) controllers.addImplicit(type, slot.controller);
    }
  }
  return drive;
}
