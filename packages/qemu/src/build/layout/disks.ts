/** Disks in libvirt's order with their drive addresses (controller, bus, target, unit), and the disk controllers they need. */
import { defaultDriveAddress, type Disk, type DriveSlot } from '@virtdeck/schema';
import type { ControllerSet } from './controllers.js';
import { diskBus, diskNameIndex } from './deviceDefaults.js';

export type { DriveSlot } from '@virtdeck/schema';

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

/**
 * The drive address of a disk on a bus that has one: the definition's, else the one libvirt
 * derives from its target name (virDomainDiskDefAssignAddress, as the schema's checks do).
 */
function driveSlot(disk: Disk): DriveSlot | undefined {
  const a = disk.address?.type === 'drive' ? disk.address : undefined;
  if (a !== undefined) return { controller: a.controller ?? 0, bus: a.bus ?? 0, target: a.target ?? 0, unit: a.unit ?? 0 };
  return defaultDriveAddress(diskBus(disk), diskNameIndex(disk.target?.dev ?? '') ?? 0);
}

/** Drive addresses of the sorted disks; adds the disk controllers they need (libvirt order: SCSI, FDC, IDE, SATA). */
export function assignDriveSlots(disks: readonly Disk[], controllers: ControllerSet): Map<Disk, DriveSlot> {
  const drive = new Map<Disk, DriveSlot>();
  for (const d of disks) {
    const slot = driveSlot(d);
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
