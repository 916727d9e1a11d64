import { firstChild, type XmlElement } from '../../xml/tree.js';
import { deviceAddress, deviceAlias, type DeviceCommon } from '../address.js';
import { elementKiB } from '../units.js';
import { childText, hasChild, parseUnsigned, read } from '../values.js';

export const MEMORY_DEVICE_MODELS = {
  dimm: 'a hot-pluggable DIMM',
  nvdimm: 'an emulated NVDIMM backed by a file',
  'virtio-pmem': 'virtio persistent memory',
  'virtio-mem': 'virtio-mem: memory that can grow and shrink',
  'sgx-epc': 'Intel SGX enclave page cache',
} as const;

export interface MemoryDevice extends DeviceCommon {
  model?: keyof typeof MEMORY_DEVICE_MODELS;
  access?: string;
  discard?: boolean;
  source?: { pagesizeKiB?: number; nodemask?: string; path?: string; alignsizeKiB?: number; pmem: boolean; node: XmlElement };
  target?: { sizeKiB?: number; node?: number; blockKiB?: number; requestedKiB?: number; labelSizeKiB?: number; readonly: boolean; element: XmlElement };
}

function sizeOf(parent: XmlElement, name: string): number | undefined {
  const child = firstChild(parent, name);
  return child === undefined ? undefined : elementKiB(child);
}

export function parseMemoryDevice(node: XmlElement): MemoryDevice {
  const source = firstChild(node, 'source');
  const target = firstChild(node, 'target');
  const label = target === undefined ? undefined : firstChild(target, 'label');
  const numaNode = target === undefined ? undefined : childText(target, 'node');
  return {
    node,
    address: deviceAddress(node),
    alias: deviceAlias(node),
    model: read.enum(node, 'model', MEMORY_DEVICE_MODELS),
    access: read.string(node, 'access'),
    discard: read.boolean(node, 'discard'),
    source:
      source === undefined
        ? undefined
        : {
            pagesizeKiB: sizeOf(source, 'pagesize'),
            nodemask: childText(source, 'nodemask'),
            path: childText(source, 'path'),
            alignsizeKiB: sizeOf(source, 'alignsize'),
            pmem: hasChild(source, 'pmem'),
            node: source,
          },
    target:
      target === undefined
        ? undefined
        : {
            sizeKiB: sizeOf(target, 'size'),
            node: numaNode === undefined ? undefined : parseUnsigned(numaNode),
            blockKiB: sizeOf(target, 'block'),
            requestedKiB: sizeOf(target, 'requested'),
            labelSizeKiB: label === undefined ? undefined : sizeOf(label, 'size'),
            readonly: hasChild(target, 'readonly'),
            element: target,
          },
  };
}
