/** The typed models of libvirt's storage pool (storagepool.rng) and volume (storagevol.rng) definitions. */
import { attributeValue, firstChild, type XmlElement } from '../xml/tree.js';
import { unitMultiplier } from '../model/units.js';
import { childText, elementText, read } from '../model/values.js';

/** `<pool type>`: virtdeck keeps directory pools only (libvirt's other kinds need host storage stacks). */
export const POOL_TYPES = { dir: 'a directory of image files on the host' } as const;
export type PoolType = keyof typeof POOL_TYPES;

/** `<volume type>`, as vol-dumpxml writes it. */
export const VOLUME_TYPES = {
  file: 'a regular file',
  block: 'a block device',
  dir: 'a directory',
  network: 'a network volume',
  netdir: 'a network directory',
} as const;

/** `<target><format type>` of a file volume (formatfile: unknown and QEMU's image formats). */
export const VOLUME_FORMATS = {
  raw: 'raw image, no metadata',
  qcow2: 'QEMU copy-on-write v2 (snapshots, backing files)',
  iso: 'ISO 9660 image',
  qcow: 'QEMU copy-on-write v1',
  qed: 'QEMU enhanced disk',
  vmdk: 'VMware disk',
  vdi: 'VirtualBox disk',
  vpc: 'Virtual PC / VHD',
  vhd: 'VHD',
  bochs: 'Bochs image',
  cloop: 'compressed loop image',
  dmg: 'Apple disk image',
  fat: 'FAT directory image',
  dir: 'a directory',
  cow: 'User-Mode Linux COW',
  ploop: 'Parallels loop image',
  unknown: 'not known',
} as const;
export type VolumeFormat = keyof typeof VOLUME_FORMATS;

/** A size element in bytes (libvirt's scaled integer, bytes when no unit); bigint so that an overflow shows. */
export interface ScaledSize {
  bytes?: bigint;
  node: XmlElement;
}

export interface StoragePool {
  type?: string;
  name?: string;
  uuid?: string;
  capacity?: ScaledSize;
  allocation?: ScaledSize;
  available?: ScaledSize;
  targetPath?: string;
  node: XmlElement;
}

export interface StorageVolume {
  type?: string;
  name?: string;
  key?: string;
  capacity?: ScaledSize;
  allocation?: ScaledSize;
  physical?: ScaledSize;
  target?: { path?: string; format?: VolumeFormat; node: XmlElement };
  backingStore?: { path?: string; format?: VolumeFormat; node: XmlElement };
  node: XmlElement;
}

/** `<capacity unit='GiB'>10</capacity>` → 10737418240n; undefined bytes when the number or unit is not valid. */
export function scaledSize(node: XmlElement | undefined): ScaledSize | undefined {
  if (node === undefined) return undefined;
  const text = elementText(node);
  const multiplier = unitMultiplier(attributeValue(node, 'unit') ?? 'b');
  if (!/^[0-9]+$/.test(text) || multiplier === undefined) return { node };
  return { bytes: BigInt(text) * BigInt(multiplier), node };
}

function formatOf(node: XmlElement): VolumeFormat | undefined {
  const format = firstChild(node, 'format');
  return format === undefined ? undefined : read.enum(format, 'type', VOLUME_FORMATS);
}

export function buildPool(node: XmlElement): StoragePool {
  const target = firstChild(node, 'target');
  return {
    type: read.string(node, 'type'),
    name: childText(node, 'name'),
    uuid: childText(node, 'uuid'),
    capacity: scaledSize(firstChild(node, 'capacity')),
    allocation: scaledSize(firstChild(node, 'allocation')),
    available: scaledSize(firstChild(node, 'available')),
    targetPath: target === undefined ? undefined : childText(target, 'path'),
    node,
  };
}

export function buildVolume(node: XmlElement): StorageVolume {
  const target = firstChild(node, 'target');
  const backing = firstChild(node, 'backingStore');
  return {
    type: read.string(node, 'type'),
    name: childText(node, 'name'),
    key: childText(node, 'key'),
    capacity: scaledSize(firstChild(node, 'capacity')),
    allocation: scaledSize(firstChild(node, 'allocation')),
    physical: scaledSize(firstChild(node, 'physical')),
    target: target === undefined ? undefined : { path: childText(target, 'path'), format: formatOf(target), node: target },
    backingStore: backing === undefined ? undefined : { path: childText(backing, 'path'), format: formatOf(backing), node: backing },
    node,
  };
}
