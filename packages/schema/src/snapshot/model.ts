/** The typed model of libvirt's domain snapshot definition (domainsnapshot.rng). */
import { attributeValue, childElements, firstChild, type XmlElement } from '../xml/tree.js';
import { childText, read } from '../model/values.js';

/** `<state>`: the guest's state when the snapshot was taken (libvirt's virDomainSnapshotState). */
export const SNAPSHOT_STATES = {
  running: 'the guest was running (its memory is in the snapshot)',
  blocked: 'the guest was blocked',
  paused: 'the guest was paused',
  shutdown: 'the guest was shutting down',
  shutoff: 'the guest was shut off (disks only)',
  crashed: 'the guest had crashed',
  'disk-snapshot': 'disks only, taken while the guest ran',
} as const;
export type SnapshotState = keyof typeof SNAPSHOT_STATES;

/** `<memory snapshot>`: where the guest's memory is kept. */
export const SNAPSHOT_MEMORY_MODES = {
  no: 'no memory: reverting boots from the disks',
  internal: 'inside the qcow2 image of a disk (QMP snapshot-save)',
  external: 'in a separate file',
} as const;
export type SnapshotMemoryMode = keyof typeof SNAPSHOT_MEMORY_MODES;

/** `<disks><disk snapshot>`: how one disk is kept. */
export const DISK_SNAPSHOT_MODES = {
  no: 'not part of the snapshot',
  internal: 'a snapshot inside its qcow2 image',
  external: 'a new overlay file',
  manual: 'left to the user',
} as const;
export type DiskSnapshotMode = keyof typeof DISK_SNAPSHOT_MODES;

export interface SnapshotDisk {
  /** the target (vda) or the source path */
  name?: string;
  snapshot?: DiskSnapshotMode;
  node: XmlElement;
}

export interface DomainSnapshot {
  name?: string;
  description?: string;
  state?: SnapshotState;
  /** seconds since 1970, as libvirt writes it */
  creationTime?: number;
  parent?: string;
  memory?: { snapshot?: SnapshotMemoryMode; file?: string; node: XmlElement };
  disks: SnapshotDisk[];
  /** the definition at snapshot time, which a revert restores */
  domain?: XmlElement;
  node: XmlElement;
}

export function buildSnapshot(node: XmlElement): DomainSnapshot {
  const memory = firstChild(node, 'memory');
  const disks = firstChild(node, 'disks');
  const parent = firstChild(node, 'parent');
  const creationTime = childText(node, 'creationTime');
  const state = childText(node, 'state');
  return {
    name: childText(node, 'name'),
    description: childText(node, 'description'),
    state: state !== undefined && Object.prototype.hasOwnProperty.call(SNAPSHOT_STATES, state) ? (state as SnapshotState) : undefined,
    creationTime: creationTime !== undefined && /^[0-9]+$/.test(creationTime) ? Number(creationTime) : undefined,
    parent: parent === undefined ? undefined : childText(parent, 'name'),
    memory: memory === undefined ? undefined : { snapshot: read.enum(memory, 'snapshot', SNAPSHOT_MEMORY_MODES), file: attributeValue(memory, 'file'), node: memory },
    disks: disks === undefined ? [] : childElements(disks, 'disk').map((disk) => ({ name: attributeValue(disk, 'name'), snapshot: read.enum(disk, 'snapshot', DISK_SNAPSHOT_MODES), node: disk })),
    domain: firstChild(node, 'domain'),
    node,
  };
}
