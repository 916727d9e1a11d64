import { firstChild, type XmlElement } from '../../xml/tree.js';
import { deviceAddress, deviceAlias, parseBootOrder, type BootOrder, type DeviceCommon } from '../address.js';
import { hasChild, read } from '../values.js';

export const FILESYSTEM_TYPES = {
  mount: 'a host directory (9p or virtiofs)',
  bind: 'a bind mount (containers)',
  file: 'a host file as a block device (containers)',
  block: 'a host block device (containers)',
  template: 'an OpenVZ template',
  ram: 'a RAM filesystem (containers)',
} as const;

export const FILESYSTEM_ACCESS_MODES = {
  passthrough: 'the guest acts with the credentials of QEMU',
  mapped: 'guest credentials and modes are stored in extended attributes',
  squash: 'like passthrough, ignoring failures of ownership changes',
} as const;

export const FILESYSTEM_DRIVERS = {
  path: '9p with direct path access',
  handle: '9p with file handles',
  loop: 'a loop device (containers)',
  nbd: 'qemu-nbd (containers)',
  ploop: 'Parallels ploop',
  virtiofs: 'virtiofs through virtiofsd (needs shared memory)',
  mtp: 'a host directory as a USB MTP device (usb-mtp)',
} as const;

export interface Filesystem extends DeviceCommon {
  type?: keyof typeof FILESYSTEM_TYPES;
  accessmode?: string;
  multidevs?: string;
  model?: string;
  driver?: { type?: string; format?: string; wrpolicy?: string; queue?: number; node: XmlElement };
  source?: { dir?: string; file?: string; dev?: string; name?: string; socket?: string; node: XmlElement };
  target?: { dir?: string; node: XmlElement };
  readonly: boolean;
  boot?: BootOrder;
}

export function parseFilesystem(node: XmlElement): Filesystem {
  const driver = firstChild(node, 'driver');
  const source = firstChild(node, 'source');
  const target = firstChild(node, 'target');
  return {
    node,
    address: deviceAddress(node),
    alias: deviceAlias(node),
    readonly: hasChild(node, 'readonly'),
    type: read.enum(node, 'type', FILESYSTEM_TYPES) ?? 'mount',
    accessmode: read.string(node, 'accessmode'),
    multidevs: read.string(node, 'multidevs'),
    model: read.string(node, 'model'),
    driver:
      driver === undefined
        ? undefined
        : {
            type: read.string(driver, 'type'),
            format: read.string(driver, 'format'),
            wrpolicy: read.string(driver, 'wrpolicy'),
            queue: read.unsigned(driver, 'queue'),
            node: driver,
          },
    source:
      source === undefined
        ? undefined
        : {
            dir: read.string(source, 'dir'),
            file: read.string(source, 'file'),
            dev: read.string(source, 'dev'),
            name: read.string(source, 'name'),
            socket: read.string(source, 'socket'),
            node: source,
          },
    target: target === undefined ? undefined : { dir: read.string(target, 'dir'), node: target },
    boot: parseBootOrder(node),
  };
}
