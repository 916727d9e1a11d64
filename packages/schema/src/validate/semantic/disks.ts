import type { Domain } from '../../model/domain.js';
import type { Disk } from '../../model/devices/disk.js';
import { attributeRange, type Reporter } from './report.js';

const DISK_PREFIXES = ['fd', 'hd', 'vd', 'sd', 'xvd', 'ubd'] as const;

/**
 * The index a disk name stands for (`vda` 0, `sdb` 1, `hdaa` 26), as libvirt's
 * virDiskNameToIndex computes it; undefined for a name it cannot read.
 */
export function diskNameIndex(name: string): number | undefined {
  const bare = name.startsWith('ioemu:') ? name.slice(6) : name;
  const prefix = DISK_PREFIXES.find((p) => bare.startsWith(p));
  if (prefix === undefined) return undefined;
  const match = /^([a-z]+)([0-9]*)$/.exec(bare.slice(prefix.length));
  if (match === null) return undefined;
  let index = -1;
  for (const letter of match[1] as string) {
    index = (index + 1) * 26 + (letter.charCodeAt(0) - 97);
    if (index > 0x7fffffff) return undefined;
  }
  return index;
}

/** The bus libvirt infers from the name when `bus` is absent. */
export function diskBus(disk: Disk): string | undefined {
  if (disk.target?.bus !== undefined) return disk.target.bus;
  const dev = disk.target?.dev ?? '';
  if (dev.startsWith('hd')) return 'ide';
  if (dev.startsWith('sd')) return 'scsi';
  if (dev.startsWith('vd')) return 'virtio';
  if (dev.startsWith('fd')) return 'fdc';
  if (dev.startsWith('xvd')) return 'xen';
  if (dev.startsWith('ubd')) return 'uml';
  return undefined;
}

export interface DriveSlot {
  controller: number;
  bus: number;
  target: number;
  unit: number;
}

/** The drive address libvirt assigns to a disk without one (virDomainDiskDefAssignAddress). */
export function defaultDriveAddress(bus: string | undefined, index: number): DriveSlot | undefined {
  switch (bus) {
    case 'ide':
      return { controller: Math.floor(index / 4), bus: Math.floor((index % 4) / 2), target: 0, unit: index % 2 };
    case 'fdc':
      return { controller: Math.floor(index / 2), bus: 0, target: 0, unit: index % 2 };
    case 'sata':
      return { controller: Math.floor(index / 6), bus: 0, target: 0, unit: index % 6 };
    case 'scsi':
      return { controller: Math.floor(index / 7), bus: 0, target: 0, unit: index % 7 };
    default:
      return undefined;
  }
}

/** Targets, names and drive addresses of disks. */
export function validateDisks(domain: Domain, report: Reporter): void {
  const targets = new Map<string, Disk>();
  const drives = new Map<string, Disk>();
  for (const disk of domain.devices.disks) {
    const target = disk.target;
    if (target === undefined || target.dev === '') continue;
    const previous = targets.get(target.dev);
    if (previous !== undefined) {
      report.error('duplicate-disk-target', `Two disks use the target '${target.dev}'; each disk needs its own.`, attributeRange(target.node, 'dev'));
      continue;
    }
    targets.set(target.dev, disk);
    const index = diskNameIndex(target.dev);
    if (index === undefined && disk.address === undefined) {
      report.error('invalid-disk-target', `'${target.dev}' is not a disk name libvirt can number (such as vda, sdb, hdc) and the disk has no <address>.`, attributeRange(target.node, 'dev'));
      continue;
    }
    const bus = diskBus(disk);
    let slot: DriveSlot | undefined;
    if (disk.address?.type === 'drive') {
      slot = { controller: disk.address.controller ?? 0, bus: disk.address.bus ?? 0, target: disk.address.target ?? 0, unit: disk.address.unit ?? 0 };
    } else if (disk.address === undefined && index !== undefined) {
      slot = defaultDriveAddress(bus, index);
    }
    if (slot === undefined || bus === undefined) continue;
    const key = `${bus}:${slot.controller}:${slot.bus}:${slot.target}:${slot.unit}`;
    const other = drives.get(key);
    if (other !== undefined) {
      report.error(
        'address-conflict',
        `The disk '${target.dev}' is at ${bus} controller ${slot.controller} bus ${slot.bus} target ${slot.target} unit ${slot.unit}, already used by '${other.target?.dev ?? '?'}'` +
          (disk.address === undefined ? ' (the address libvirt derives from the name).' : '.'),
        disk.address?.node.nameRange ?? attributeRange(target.node, 'dev'),
      );
    } else {
      drives.set(key, disk);
    }
  }
}
