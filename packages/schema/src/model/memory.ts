import { childElements, firstChild, type XmlElement } from '../xml/tree.js';
import { attributeKiB, elementKiB } from './units.js';
import { hasChild, read } from './values.js';

export const MEMORY_SOURCE_TYPES = {
  anonymous: 'anonymous memory (the default)',
  file: 'memory backed by a file (needed for vhost-user and shared memory)',
  memfd: 'memory backed by memfd (shareable, no hugetlbfs mount needed)',
} as const;
export type MemorySourceType = keyof typeof MEMORY_SOURCE_TYPES;

export const MEMORY_ACCESS_MODES = {
  shared: 'guest memory is shared with other processes (vhost-user, virtiofs)',
  private: 'guest memory is private to QEMU',
} as const;
export type MemoryAccessMode = keyof typeof MEMORY_ACCESS_MODES;

export const MEMORY_ALLOCATION_MODES = {
  immediate: 'allocate all guest memory at start',
  ondemand: 'allocate guest memory as the guest touches it',
} as const;
export type MemoryAllocationMode = keyof typeof MEMORY_ALLOCATION_MODES;

export interface MemorySize {
  /** the size in KiB, whatever unit the XML used */
  kib: number;
  node: XmlElement;
}

export interface Memory extends MemorySize {
  dumpCore?: boolean;
}

export interface MaxMemory extends MemorySize {
  slots?: number;
}

export interface MemoryBacking {
  node: XmlElement;
  hugepages?: { pages: { sizeKiB?: number; nodeset?: string; node: XmlElement }[]; node: XmlElement };
  nosharepages: boolean;
  locked: boolean;
  source?: MemorySourceType;
  access?: MemoryAccessMode;
  allocation?: { mode?: MemoryAllocationMode; threads?: number; node: XmlElement };
  discard: boolean;
}

export interface MemTune {
  node: XmlElement;
  hardLimitKiB?: number;
  softLimitKiB?: number;
  swapHardLimitKiB?: number;
  minGuaranteeKiB?: number;
}

export function parseMemorySize(node: XmlElement | undefined): MemorySize | undefined {
  if (node === undefined) return undefined;
  const kib = elementKiB(node);
  return kib === undefined ? undefined : { kib, node };
}

export function parseMemory(node: XmlElement | undefined): Memory | undefined {
  const size = parseMemorySize(node);
  if (size === undefined || node === undefined) return undefined;
  return { ...size, dumpCore: read.boolean(node, 'dumpCore') };
}

export function parseMaxMemory(node: XmlElement | undefined): MaxMemory | undefined {
  const size = parseMemorySize(node);
  if (size === undefined || node === undefined) return undefined;
  return { ...size, slots: read.unsigned(node, 'slots') };
}

export function parseMemoryBacking(node: XmlElement | undefined): MemoryBacking | undefined {
  if (node === undefined) return undefined;
  const backing: MemoryBacking = {
    node,
    nosharepages: hasChild(node, 'nosharepages'),
    locked: hasChild(node, 'locked'),
    discard: hasChild(node, 'discard'),
  };
  const hugepages = firstChild(node, 'hugepages');
  if (hugepages !== undefined) {
    backing.hugepages = {
      node: hugepages,
      pages: childElements(hugepages, 'page').map((page) => ({ sizeKiB: attributeKiB(page, 'size'), nodeset: read.string(page, 'nodeset'), node: page })),
    };
  }
  const source = firstChild(node, 'source');
  const sourceType = source === undefined ? undefined : read.enum(source, 'type', MEMORY_SOURCE_TYPES);
  if (sourceType !== undefined) backing.source = sourceType;
  const access = firstChild(node, 'access');
  const accessMode = access === undefined ? undefined : read.enum(access, 'mode', MEMORY_ACCESS_MODES);
  if (accessMode !== undefined) backing.access = accessMode;
  const allocation = firstChild(node, 'allocation');
  if (allocation !== undefined) {
    backing.allocation = {
      mode: read.enum(allocation, 'mode', MEMORY_ALLOCATION_MODES),
      threads: read.unsigned(allocation, 'threads'),
      node: allocation,
    };
  }
  return backing;
}

export function parseMemTune(node: XmlElement | undefined): MemTune | undefined {
  if (node === undefined) return undefined;
  const size = (name: string) => {
    const child = firstChild(node, name);
    return child === undefined ? undefined : elementKiB(child);
  };
  return {
    node,
    hardLimitKiB: size('hard_limit'),
    softLimitKiB: size('soft_limit'),
    swapHardLimitKiB: size('swap_hard_limit'),
    minGuaranteeKiB: size('min_guarantee'),
  };
}
