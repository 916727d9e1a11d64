import path from 'node:path';
import type { Domain } from '@virtdeck/schema';
import { VirtdeckError } from '../errors.js';

interface Defined {
  name: string;
  domain: Domain | undefined;
}

/** The image files a guest writes: its disks that are neither CD-ROMs nor read-only. */
function writtenFiles(domain: Domain): Set<string> {
  const files = new Set<string>();
  for (const disk of domain.devices.disks) {
    if (disk.device === 'cdrom' || disk.readonly || disk.source?.file === undefined) continue;
    files.add(path.resolve(disk.source.file));
  }
  return files;
}

/** The guests whose definitions name one of `guest`'s written images in a disk's backing chain: its linked clones. */
export function linkedClonesOf(guest: Defined, guests: Iterable<Defined>): string[] {
  if (guest.domain === undefined) return [];
  const written = writtenFiles(guest.domain);
  const clones: string[] = [];
  for (const other of guests) {
    if (other.name === guest.name || other.domain === undefined) continue;
    const below = other.domain.devices.disks.flatMap((disk) => disk.backingChain.map((b) => b.source?.file));
    if (below.some((file) => file !== undefined && written.has(path.resolve(file)))) clones.push(other.name);
  }
  return clones.sort();
}

/**
 * A linked clone's disks are overlays that read the original's images as they were when it was
 * made: once the original writes them (runs, or reverts a snapshot), the clone sees a disk that
 * changed under it and its file system is corrupt. So that is refused, saying what to do.
 */
export function refuseWritingBase(guest: Defined, guests: Iterable<Defined>, doing: string): void {
  const clones = linkedClonesOf(guest, guests);
  if (clones.length === 0) return;
  const names = clones.map((c) => `'${c}'`).join(', ');
  throw new VirtdeckError('conflict', `'${guest.name}' holds the backing images of its linked clone${clones.length > 1 ? 's' : ''} ${names}: ${doing} would change the disks they read. Delete ${clones.length > 1 ? 'them' : 'it'} first, or make full clones instead`);
}
