import type { XmlElement } from '../../xml/tree.js';
import { parseBootOrder, type BootOrder } from '../address.js';
import { parseCharDevice, type CharDevice } from './chardev.js';
import { read } from '../values.js';

export const REDIRDEV_BUSES = {
  usb: 'USB redirection',
} as const;

export interface Redirdev extends CharDevice {
  bus?: keyof typeof REDIRDEV_BUSES;
  boot?: BootOrder;
}

export function parseRedirdev(node: XmlElement): Redirdev {
  return {
    ...parseCharDevice(node),
    bus: read.enum(node, 'bus', REDIRDEV_BUSES),
    boot: parseBootOrder(node),
  };
}
