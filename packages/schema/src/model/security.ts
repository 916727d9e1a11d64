import { childElements, firstChild, type XmlElement } from '../xml/tree.js';
import { childText, elementText, parseUnsigned, read } from './values.js';

export const SECLABEL_TYPES = {
  dynamic: 'the security driver generates a unique label at start',
  static: 'the label given here is used as is',
  none: 'the guest runs unconfined',
} as const;

export const SECLABEL_MODELS = {
  selinux: 'SELinux',
  apparmor: 'AppArmor',
  dac: 'DAC (user:group ownership)',
  none: 'no security driver',
} as const;

export const LAUNCH_SECURITY_TYPES = {
  sev: 'AMD Secure Encrypted Virtualization',
  'sev-snp': 'AMD SEV with Secure Nested Paging',
  's390-pv': 'IBM Z protected virtualization',
  tdx: 'Intel Trust Domain Extensions',
} as const;

export interface SecLabel {
  type?: string;
  model?: string;
  relabel?: boolean;
  label?: string;
  imagelabel?: string;
  baselabel?: string;
  node: XmlElement;
}

export function parseSecLabel(node: XmlElement): SecLabel {
  return {
    type: read.string(node, 'type'),
    model: read.string(node, 'model'),
    relabel: read.boolean(node, 'relabel'),
    label: childText(node, 'label'),
    imagelabel: childText(node, 'imagelabel'),
    baselabel: childText(node, 'baselabel'),
    node,
  };
}

export function parseSecLabels(parent: XmlElement | undefined): SecLabel[] {
  return parent === undefined ? [] : childElements(parent, 'seclabel').map(parseSecLabel);
}

export interface LaunchSecurity {
  type?: keyof typeof LAUNCH_SECURITY_TYPES;
  kernelHashes?: boolean;
  cbitpos?: number;
  reducedPhysBits?: number;
  /** the policy word, as written (hex) */
  policy?: string;
  dhCert?: string;
  session?: string;
  node: XmlElement;
}

export function parseLaunchSecurity(node: XmlElement | undefined): LaunchSecurity | undefined {
  if (node === undefined) return undefined;
  const number = (name: string) => {
    const child = firstChild(node, name);
    return child === undefined ? undefined : parseUnsigned(elementText(child));
  };
  return {
    type: read.enum(node, 'type', LAUNCH_SECURITY_TYPES),
    kernelHashes: read.boolean(node, 'kernelHashes'),
    cbitpos: number('cbitpos'),
    reducedPhysBits: number('reducedPhysBits'),
    policy: childText(node, 'policy'),
    dhCert: childText(node, 'dhCert'),
    session: childText(node, 'session'),
    node,
  };
}
