import path from 'node:path';
import type { IsoInstallRequest, IsoInstallResult } from '../api.js';
import { VirtdeckError } from '../errors.js';
import type { Networks } from '../networks/Networks.js';
import type { Pools } from '../storage/Pools.js';
import type { PoolVolumes } from '../storage/PoolVolumes.js';
import { assertVolumeName } from '../storage/volumeName.js';
import { isoInstallXml } from './isoInstall.js';
import { reserveDiskImage, type TemplateContext } from './templates.js';

export interface IsoInstallDeps {
  templates: TemplateContext;
  pools: Pools;
  volumes: PoolVolumes;
  networks: Networks;
}

const GiB = 1024 ** 3;

/**
 * `POST /api/templates/iso`: checks that the ISO volume, the disk's pool and the network are
 * there, promises the guest its new disk (`NAME.qcow2` in the pool, made when it is defined,
 * as the template disks are) and writes the definition.
 */
export async function isoInstallDefinition(request: IsoInstallRequest, deps: IsoInstallDeps): Promise<IsoInstallResult> {
  const iso = await deps.volumes.get(request.iso.pool, request.iso.volume);
  // An ISO 9660 image is what qemu-img calls raw; a qcow2 or a vmdk is a disk, not an installer.
  if (iso.format !== 'raw') throw new VirtdeckError('invalid-request', `${request.iso.volume} in the pool '${request.iso.pool}' is a ${iso.format} image, not an ISO`);
  if (request.network.type === 'network') await deps.networks.get(request.network.name);
  const pool = await deps.pools.get(request.disk.pool);
  const volume = `${request.name}.qcow2`;
  assertVolumeName(volume);
  // qemu-img rounds a size up to whole sectors; say the size it will make.
  const bytes = Math.ceil((request.disk.sizeGiB * GiB) / 512) * 512;
  const disk = await reserveDiskImage(request.name, deps.templates, path.join(pool.path, volume), String(bytes));
  const xml = isoInstallXml({
    name: request.name,
    emulator: deps.templates.emulator,
    accelerator: request.accelerator ?? 'qemu',
    os: request.os,
    memoryMiB: request.memoryMiB,
    vcpus: request.vcpus,
    iso: iso.path,
    disk,
    network: request.network,
  });
  return { xml, disk: { pool: request.disk.pool, volume, path: disk, bytes } };
}
