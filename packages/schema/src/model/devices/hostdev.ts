import { childElements, firstChild, type XmlElement } from '../../xml/tree.js';
import { deviceAddress, deviceAlias, parseBootOrder, type BootOrder, type DeviceCommon, type PciAddress } from '../address.js';
import { hasChild, read } from '../values.js';
import { parseRom } from './interface.js';

export const HOSTDEV_MODES = {
  subsystem: 'a host device passed through by its bus (PCI, USB, SCSI, mdev)',
  capabilities: 'a host resource given to a container',
} as const;

export const HOSTDEV_TYPES = {
  pci: 'a host PCI device (VFIO)',
  usb: 'a host USB device',
  scsi: 'a host SCSI LUN (adapter or iSCSI)',
  scsi_host: 'a vhost-scsi target',
  mdev: 'a mediated device (vGPU, vfio-ccw, vfio-ap)',
  storage: 'a host block device (containers)',
  misc: 'a host character device (containers)',
  net: 'a host network interface (containers)',
} as const;
export type HostdevType = keyof typeof HOSTDEV_TYPES;

export const MDEV_MODELS = {
  'vfio-pci': 'a PCI mediated device',
  'vfio-ccw': 'an s390 channel I/O mediated device',
  'vfio-ap': 'an s390 crypto adapter mediated device',
} as const;

export interface Hostdev extends DeviceCommon {
  mode?: keyof typeof HOSTDEV_MODES;
  type?: HostdevType;
  managed?: boolean;
  model?: string;
  rawio?: boolean;
  sgio?: string;
  source?: {
    /** pci (and nvme, hostdev interfaces): the host PCI address */
    pciAddress?: PciAddress;
    /** the source `<address>` as written: usb bus/device, mdev uuid, scsi bus/target/unit */
    hostAddress?: { bus?: number; device?: number; uuid?: string; target?: number; unit?: number; domain?: number; slot?: number; function?: number };
    vendor?: number;
    product?: number;
    protocol?: string;
    name?: string;
    wwpn?: string;
    adapter?: string;
    hosts: { name?: string; port?: number }[];
    node: XmlElement;
  };
  driver?: string;
  boot?: BootOrder;
  rom?: { enabled?: boolean; bar?: boolean; file?: string; node: XmlElement };
  readonly: boolean;
  shareable: boolean;
}

export function parseHostdev(node: XmlElement): Hostdev {
  const source = firstChild(node, 'source');
  const sourceAddress = source === undefined ? undefined : firstChild(source, 'address');
  const vendor = source === undefined ? undefined : firstChild(source, 'vendor');
  const product = source === undefined ? undefined : firstChild(source, 'product');
  const adapter = source === undefined ? undefined : firstChild(source, 'adapter');
  const driver = firstChild(node, 'driver');
  return {
    node,
    address: deviceAddress(node),
    alias: deviceAlias(node),
    readonly: hasChild(node, 'readonly'),
    shareable: hasChild(node, 'shareable'),
    mode: read.enum(node, 'mode', HOSTDEV_MODES),
    type: read.enum(node, 'type', HOSTDEV_TYPES),
    managed: read.boolean(node, 'managed'),
    model: read.string(node, 'model'),
    rawio: read.boolean(node, 'rawio'),
    sgio: read.string(node, 'sgio'),
    source:
      source === undefined
        ? undefined
        : {
            pciAddress:
              sourceAddress === undefined || read.string(node, 'type') !== 'pci'
                ? undefined
                : {
                    type: 'pci' as const,
                    domain: read.number(sourceAddress, 'domain'),
                    bus: read.number(sourceAddress, 'bus'),
                    slot: read.number(sourceAddress, 'slot'),
                    function: read.number(sourceAddress, 'function'),
                    node: sourceAddress,
                  },
            hostAddress:
              sourceAddress === undefined
                ? undefined
                : {
                    bus: read.number(sourceAddress, 'bus'),
                    device: read.number(sourceAddress, 'device'),
                    uuid: read.string(sourceAddress, 'uuid'),
                    target: read.number(sourceAddress, 'target'),
                    unit: read.number(sourceAddress, 'unit'),
                    domain: read.number(sourceAddress, 'domain'),
                    slot: read.number(sourceAddress, 'slot'),
                    function: read.number(sourceAddress, 'function'),
                  },
            vendor: vendor === undefined ? undefined : read.number(vendor, 'id'),
            product: product === undefined ? undefined : read.number(product, 'id'),
            protocol: read.string(source, 'protocol'),
            name: read.string(source, 'name'),
            wwpn: read.string(source, 'wwpn'),
            adapter: adapter === undefined ? undefined : read.string(adapter, 'name'),
            hosts: childElements(source, 'host').map((host) => ({ name: read.string(host, 'name'), port: read.unsigned(host, 'port') })),
            node: source,
          },
    driver: driver === undefined ? undefined : read.string(driver, 'name'),
    boot: parseBootOrder(node),
    rom: parseRom(node),
  };
}
