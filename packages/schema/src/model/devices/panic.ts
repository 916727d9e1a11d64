import type { XmlElement } from '../../xml/tree.js';
import { deviceAddress, deviceAlias, type DeviceCommon } from '../address.js';
import { read } from '../values.js';

export const PANIC_MODELS = {
  isa: 'the pvpanic ISA device (x86)',
  pvpanic: 'the pvpanic PCI device',
  pseries: 'the pseries firmware panic notification',
  hyperv: 'Hyper-V crash MSRs',
  s390: 'the s390 diag 288 panic notification',
} as const;

export interface Panic extends DeviceCommon {
  model?: keyof typeof PANIC_MODELS;
}

export function parsePanic(node: XmlElement): Panic {
  return {
    node,
    address: deviceAddress(node),
    alias: deviceAlias(node),
    model: read.enum(node, 'model', PANIC_MODELS),
  };
}
