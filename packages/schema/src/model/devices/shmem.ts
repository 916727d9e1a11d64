import { firstChild, type XmlElement } from '../../xml/tree.js';
import { deviceAddress, deviceAlias, type DeviceCommon } from '../address.js';
import { elementKiB } from '../units.js';
import { read } from '../values.js';

export const SHMEM_MODELS = {
  ivshmem: 'the legacy ivshmem device',
  'ivshmem-plain': 'ivshmem without interrupts',
  'ivshmem-doorbell': 'ivshmem with interrupts through a server',
} as const;

export interface Shmem extends DeviceCommon {
  name: string;
  role?: string;
  model?: keyof typeof SHMEM_MODELS;
  sizeKiB?: number;
  serverPath?: string;
  msi?: { vectors?: number; ioeventfd?: boolean };
}

export function parseShmem(node: XmlElement): Shmem {
  const model = firstChild(node, 'model');
  const size = firstChild(node, 'size');
  const server = firstChild(node, 'server');
  const msi = firstChild(node, 'msi');
  return {
    node,
    address: deviceAddress(node),
    alias: deviceAlias(node),
    name: read.string(node, 'name') ?? '',
    role: read.string(node, 'role'),
    model: model === undefined ? undefined : read.enum(model, 'type', SHMEM_MODELS),
    sizeKiB: size === undefined ? undefined : elementKiB(size, 'MiB'),
    serverPath: server === undefined ? undefined : read.string(server, 'path'),
    msi: msi === undefined ? undefined : { vectors: read.unsigned(msi, 'vectors'), ioeventfd: read.boolean(msi, 'ioeventfd') },
  };
}
