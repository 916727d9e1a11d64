import { firstChild, type XmlElement } from '../../xml/tree.js';
import { deviceAddress, deviceAlias, type DeviceCommon } from '../address.js';
import { read } from '../values.js';

export interface Vsock extends DeviceCommon {
  model?: string;
  cid?: { auto?: boolean; address?: number };
}

export function parseVsock(node: XmlElement): Vsock {
  const cid = firstChild(node, 'cid');
  return {
    node,
    address: deviceAddress(node),
    alias: deviceAlias(node),
    model: read.string(node, 'model'),
    cid: cid === undefined ? undefined : { auto: read.boolean(cid, 'auto'), address: read.unsigned(cid, 'address') },
  };
}
