import { childElements, type XmlElement } from '../../xml/tree.js';
import { deviceAddress, deviceAlias, type DeviceCommon } from '../address.js';
import { parseCharDevice, type CharDevice } from './chardev.js';
import { childText, elementText, read } from '../values.js';

export const SMARTCARD_MODES = {
  host: 'the host smartcard reader, through NSS',
  'host-certificates': 'three certificates from an NSS database emulate a card',
  passthrough: 'a character device (usually spicevmc) carries the card protocol',
} as const;

export interface Smartcard extends DeviceCommon {
  mode?: keyof typeof SMARTCARD_MODES;
  certificates: string[];
  database?: string;
  /** passthrough: the character device */
  chardev?: CharDevice;
}

export function parseSmartcard(node: XmlElement): Smartcard {
  const mode = read.enum(node, 'mode', SMARTCARD_MODES);
  return {
    node,
    address: deviceAddress(node),
    alias: deviceAlias(node),
    certificates: childElements(node, 'certificate').map(elementText),
    mode,
    database: childText(node, 'database'),
    chardev: mode === 'passthrough' ? parseCharDevice(node) : undefined,
  };
}
