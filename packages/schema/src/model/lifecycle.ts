import { childElements, firstChild, type XmlElement } from '../xml/tree.js';
import { elementText, read } from './values.js';

export const LIFECYCLE_ACTIONS = {
  destroy: 'stop the guest and free its resources',
  restart: 'stop the guest and start it again',
  preserve: 'keep the stopped guest for inspection',
  'rename-restart': 'rename the old guest and start a new one (Xen)',
} as const;
export type LifecycleAction = keyof typeof LIFECYCLE_ACTIONS;

export const CRASH_ACTIONS = {
  ...LIFECYCLE_ACTIONS,
  'coredump-destroy': 'dump the guest core, then destroy it',
  'coredump-restart': 'dump the guest core, then restart it',
} as const;
export type CrashAction = keyof typeof CRASH_ACTIONS;

export const LOCKFAILURE_ACTIONS = {
  poweroff: 'power the guest off',
  restart: 'restart the guest',
  pause: 'pause the guest',
  ignore: 'carry on',
} as const;

export interface PowerManagement {
  suspendToMem?: boolean;
  suspendToDisk?: boolean;
  node: XmlElement;
}

export function parsePm(node: XmlElement | undefined): PowerManagement | undefined {
  if (node === undefined) return undefined;
  const enabled = (name: string) => {
    const child = firstChild(node, name);
    return child === undefined ? undefined : read.boolean(child, 'enabled');
  };
  return { suspendToMem: enabled('suspend-to-mem'), suspendToDisk: enabled('suspend-to-disk'), node };
}

export interface IdMap {
  uid: { start?: number; target?: number; count?: number; node: XmlElement }[];
  gid: { start?: number; target?: number; count?: number; node: XmlElement }[];
  node: XmlElement;
}

export function parseIdMap(node: XmlElement | undefined): IdMap | undefined {
  if (node === undefined) return undefined;
  const ranges = (name: string) =>
    childElements(node, name).map((r) => ({ start: read.unsigned(r, 'start'), target: read.unsigned(r, 'target'), count: read.unsigned(r, 'count'), node: r }));
  return { uid: ranges('uid'), gid: ranges('gid'), node };
}

export interface Resource {
  partition?: string;
  node: XmlElement;
}

export function parseResource(node: XmlElement | undefined): Resource | undefined {
  if (node === undefined) return undefined;
  const partition = firstChild(node, 'partition');
  return { partition: partition === undefined ? undefined : elementText(partition), node };
}
