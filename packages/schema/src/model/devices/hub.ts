import type { XmlElement } from '../../xml/tree.js';
import { deviceCommon, type DeviceCommon } from '../address.js';
import { defined, read } from '../values.js';

export const HUB_TYPES = {
  usb: 'a USB hub with 8 ports',
} as const;

export interface Hub extends DeviceCommon {
  type?: keyof typeof HUB_TYPES;
}

export function parseHub(node: XmlElement): Hub {
  return Object.assign(deviceCommon(node), defined({ type: read.enum(node, 'type', HUB_TYPES) }));
}
