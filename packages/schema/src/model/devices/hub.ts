import type { XmlElement } from '../../xml/tree.js';
import { deviceAddress, deviceAlias, type DeviceCommon } from '../address.js';
import { read } from '../values.js';

export const HUB_TYPES = {
  usb: 'a USB hub with 8 ports',
} as const;

export interface Hub extends DeviceCommon {
  type?: keyof typeof HUB_TYPES;
}

export function parseHub(node: XmlElement): Hub {
  return {
    node,
    address: deviceAddress(node),
    alias: deviceAlias(node),
    type: read.enum(node, 'type', HUB_TYPES),
  };
}
