import { firstChild, type XmlElement } from '../../xml/tree.js';
import { deviceAddress, deviceAlias, type DeviceCommon } from '../address.js';
import { read } from '../values.js';

export const MEMBALLOON_MODELS = {
  virtio: 'a virtio balloon (the default for QEMU)',
  'virtio-transitional': 'a virtio balloon, transitional',
  'virtio-non-transitional': 'a virtio balloon, modern only',
  xen: 'the Xen balloon',
  none: 'no balloon device',
} as const;

export interface MemBalloon extends DeviceCommon {
  model?: keyof typeof MEMBALLOON_MODELS;
  autodeflate?: boolean;
  freePageReporting?: boolean;
  statsPeriod?: number;
}

export function parseMemBalloon(node: XmlElement): MemBalloon {
  const stats = firstChild(node, 'stats');
  return {
    node,
    address: deviceAddress(node),
    alias: deviceAlias(node),
    model: read.enum(node, 'model', MEMBALLOON_MODELS),
    autodeflate: read.boolean(node, 'autodeflate'),
    freePageReporting: read.boolean(node, 'freePageReporting'),
    statsPeriod: stats === undefined ? undefined : read.unsigned(stats, 'period'),
  };
}
