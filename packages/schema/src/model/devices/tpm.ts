import { childElements, firstChild, type XmlElement } from '../../xml/tree.js';
import { deviceAddress, deviceAlias, type DeviceCommon } from '../address.js';
import { read } from '../values.js';

export const TPM_MODELS = {
  'tpm-tis': 'TPM Interface Specification (ISA, x86 default)',
  'tpm-crb': 'TPM Command Response Buffer (TPM 2.0 only)',
  'tpm-spapr': 'pseries TPM',
  'spapr-tpm-proxy': 'pseries TPM proxy',
} as const;

export const TPM_BACKEND_TYPES = {
  passthrough: 'the host TPM device',
  emulator: 'a swtpm software TPM',
  external: 'an externally started swtpm over a UNIX socket',
} as const;

export const TPM_VERSIONS = {
  '1.2': 'TPM 1.2',
  '2.0': 'TPM 2.0',
} as const;

export interface Tpm extends DeviceCommon {
  model?: keyof typeof TPM_MODELS;
  backend?: {
    type?: keyof typeof TPM_BACKEND_TYPES;
    version?: string;
    persistentState?: boolean;
    debug?: number;
    devicePath?: string;
    sourcePath?: string;
    encryptionSecret?: string;
    activePcrBanks: string[];
    node: XmlElement;
  };
}

export function parseTpm(node: XmlElement): Tpm {
  const backend = firstChild(node, 'backend');
  const device = backend === undefined ? undefined : firstChild(backend, 'device');
  const source = backend === undefined ? undefined : firstChild(backend, 'source');
  const encryption = backend === undefined ? undefined : firstChild(backend, 'encryption');
  const banks = backend === undefined ? undefined : firstChild(backend, 'active_pcr_banks');
  return {
    node,
    address: deviceAddress(node),
    alias: deviceAlias(node),
    model: read.enum(node, 'model', TPM_MODELS),
    backend:
      backend === undefined
        ? undefined
        : {
            type: read.enum(backend, 'type', TPM_BACKEND_TYPES),
            version: read.string(backend, 'version'),
            persistentState: read.boolean(backend, 'persistent_state'),
            debug: read.unsigned(backend, 'debug'),
            devicePath: device === undefined ? undefined : read.string(device, 'path'),
            sourcePath: source === undefined ? undefined : read.string(source, 'path'),
            encryptionSecret: encryption === undefined ? undefined : read.string(encryption, 'secret'),
            activePcrBanks: banks === undefined ? [] : childElements(banks).map((bank) => bank.name),
            node: backend,
          },
  };
}
