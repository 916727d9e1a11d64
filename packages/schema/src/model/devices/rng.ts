import { firstChild, type XmlElement } from '../../xml/tree.js';
import { deviceAddress, deviceAlias, type DeviceCommon } from '../address.js';
import { elementText, read } from '../values.js';

export const RNG_BACKEND_MODELS = {
  random: 'read entropy from a host device (/dev/urandom by default)',
  egd: 'read entropy from an EGD daemon over a character device',
  builtin: "QEMU's built-in generator",
} as const;

export interface Rng extends DeviceCommon {
  model?: string;
  backend?: { model?: keyof typeof RNG_BACKEND_MODELS; path?: string; type?: string; node: XmlElement };
  rate?: { bytes?: number; period?: number; node: XmlElement };
}

export function parseRng(node: XmlElement): Rng {
  const backend = firstChild(node, 'backend');
  const rate = firstChild(node, 'rate');
  const path = backend === undefined ? '' : elementText(backend);
  return {
    node,
    address: deviceAddress(node),
    alias: deviceAlias(node),
    model: read.string(node, 'model'),
    backend:
      backend === undefined
        ? undefined
        : {
            model: read.enum(backend, 'model', RNG_BACKEND_MODELS),
            path: path === '' ? undefined : path,
            type: read.string(backend, 'type'),
            node: backend,
          },
    rate: rate === undefined ? undefined : { bytes: read.unsigned(rate, 'bytes'), period: read.unsigned(rate, 'period'), node: rate },
  };
}
