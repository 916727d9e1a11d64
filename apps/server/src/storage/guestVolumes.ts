import path from 'node:path';
import { parseDomain } from '@virtdeck/schema';
import type { GuestVolume } from '../api.js';
import { VirtdeckError } from '../errors.js';
import type { Pools } from './Pools.js';
import type { PoolVolumes } from './PoolVolumes.js';
import { volumeUsers, type GuestLookup } from './volumeUsers.js';

/**
 * The disks of a guest's saved definition that are volumes of a pool (a file directly in a
 * pool's folder), with the other guests that use each: what deleting the guest may delete
 * too, as `virsh undefine --storage` does.
 */
export async function guestVolumes(name: string, guests: GuestLookup, pools: Pools): Promise<GuestVolume[]> {
  const domain = parseDomain(await guests.definition(name)).domain;
  const dirs = (await pools.list()).map((p) => ({ name: p.name, dir: path.resolve(p.path) }));
  const users = await volumeUsers(guests);
  const found: GuestVolume[] = [];
  for (const disk of domain?.devices.disks ?? []) {
    const file = disk.source?.file;
    const target = disk.target?.dev;
    if (file === undefined || target === undefined) continue;
    const absolute = path.resolve(file);
    const pool = dirs.find((p) => path.dirname(absolute) === p.dir);
    if (!pool) continue;
    found.push({ target, path: absolute, pool: pool.name, volume: path.basename(absolute), usedBy: (users.get(absolute) ?? []).filter((g) => g !== name) });
  }
  return found;
}

/** The volumes a delete asked for: all of them (`1`) or the disks named (`vda,vdb`); refused while another guest uses one. */
export function chooseVolumes(name: string, volumes: readonly GuestVolume[], asked: string): GuestVolume[] {
  const chosen = asked === '1' || asked === 'all' ? [...volumes] : asked.split(',').map((target) => {
    const volume = volumes.find((v) => v.target === target);
    if (!volume) throw new VirtdeckError('conflict', `The disk '${target}' of '${name}' is not a volume of a storage pool, so it is not deleted with the guest; nothing was deleted`);
    return volume;
  });
  const shared = chosen.filter((v) => v.usedBy.length > 0);
  if (shared.length > 0) {
    throw new VirtdeckError('conflict', `${shared.map((v) => `${v.volume} (${v.target}) is used by ${v.usedBy.join(', ')}`).join('; ')}: it is not deleted, and neither is '${name}'`);
  }
  return chosen;
}

/** Deletes the volumes once their guest is gone; each is checked unused again as it goes. */
export async function removeVolumes(volumes: PoolVolumes, chosen: readonly GuestVolume[]): Promise<void> {
  for (const volume of chosen) await volumes.remove(volume.pool, volume.volume);
}
