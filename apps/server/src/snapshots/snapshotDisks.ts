import type { Domain } from '@virtdeck/schema';
import { VirtdeckError } from '../errors.js';

/** A writable disk whose qcow2 image holds the guest's internal snapshots. */
export interface SnapshotDisk {
  /** The target the guest sees it as (vda). */
  target: string;
  file: string;
}

/**
 * The disks an internal snapshot covers: every writable disk, each of which must be a qcow2
 * file (raw images, block devices and network disks have nowhere to keep a snapshot, as
 * libvirt refuses them too). CD-ROMs, read-only disks and `<disk snapshot='no'>` stay out.
 * A guest with UEFI variables is refused: its NVRAM is a raw file a snapshot cannot hold.
 */
export function internalSnapshotDisks(domain: Domain): SnapshotDisk[] {
  const name = domain.name ?? '';
  if (domain.os.nvram !== undefined || domain.os.firmware === 'efi' || domain.os.loader?.type === 'pflash') {
    throw refused(`'${name}' boots UEFI firmware, whose variables are kept in a raw NVRAM file an internal snapshot cannot hold`);
  }
  const disks: SnapshotDisk[] = [];
  for (const disk of domain.devices.disks) {
    if (disk.device === 'cdrom' || disk.readonly || disk.snapshot === 'no') continue;
    const target = disk.target?.dev ?? '?';
    const file = disk.source?.file;
    if (disk.type !== 'file' || file === undefined) {
      throw refused(`The disk ${target} of '${name}' is a ${disk.type} disk; internal snapshots need every writable disk to be a qcow2 file`);
    }
    const format = disk.driver?.type ?? 'raw';
    if (format !== 'qcow2') {
      throw refused(`The disk ${target} of '${name}' (${file}) is ${format}; internal snapshots need every writable disk in qcow2 (convert it with qemu-img convert -O qcow2, or mark it read-only)`);
    }
    if (disk.shareable) throw refused(`The disk ${target} of '${name}' is shareable; another guest may write it while a snapshot is taken or reverted`);
    disks.push({ target, file });
  }
  if (disks.length === 0) throw refused(`'${name}' has no writable qcow2 disk to keep a snapshot in; add one (a qcow2 volume of a pool) first`);
  return disks;
}

const refused = (message: string): VirtdeckError => new VirtdeckError('conflict', message);
