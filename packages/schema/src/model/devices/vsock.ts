import { firstChild, type XmlElement } from '../../xml/tree.js';
import { deviceCommon, type DeviceCommon } from '../address.js';
import { defined, read } from '../values.js';

export interface Vsock extends DeviceCommon {
  model?: string;
  cid?: { auto?: boolean; address?: number };
}

export function parseVsock(node: XmlElement): Vsock {
  const cid = firstChild(node, 'cid');
  return Object.assign(
    deviceCommon(node),
    defined({
      model: read.string(node, 'model'),
      cid: cid === undefined ? undefined : defined({ auto: read.boolean(cid, 'auto'), address: read.unsigned(cid, 'address') }),
    }),
  );
}
