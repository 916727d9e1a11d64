import { childElements, firstChild, type XmlElement } from '../../xml/tree.js';
import { deviceAddress, deviceAlias, parseBootOrder, type BootOrder, type DeviceCommon } from '../address.js';
import { read } from '../values.js';

export const INTERFACE_TYPES = {
  user: 'user-mode networking (SLIRP/passt): no host setup, NAT to the outside',
  network: 'a libvirt virtual network',
  bridge: 'a host bridge device',
  ethernet: 'a host TAP device, set up by a script or by hand',
  direct: 'macvtap on a host interface',
  vhostuser: 'a vhost-user backend over a UNIX socket',
  hostdev: 'an SR-IOV virtual function assigned to the guest',
  mcast: 'a multicast socket connecting guests',
  client: 'a TCP client socket connecting to another guest',
  server: 'a TCP server socket other guests connect to',
  udp: 'a UDP socket tunnel',
  internal: 'a VirtualBox internal network',
  vdpa: 'a vDPA device',
  null: 'no backend (VMware)',
  vds: 'a VMware distributed switch',
} as const;
export type InterfaceType = keyof typeof INTERFACE_TYPES;

/** Common NIC models; libvirt passes any other model name to the hypervisor as is. */
export const NIC_MODELS = {
  virtio: 'virtio-net: the paravirtual NIC (fastest)',
  'virtio-transitional': 'virtio-net, transitional',
  'virtio-non-transitional': 'virtio-net, modern only',
  e1000: 'Intel 82540EM gigabit',
  e1000e: 'Intel 82574L gigabit (PCIe)',
  igb: 'Intel 82576 gigabit with SR-IOV',
  rtl8139: 'Realtek 8139 (100 Mbit)',
  ne2k_pci: 'NE2000 PCI',
  pcnet: 'AMD PCnet',
  vmxnet3: 'VMware vmxnet3',
  'usb-net': 'USB network adapter',
} as const;
export type NicModel = keyof typeof NIC_MODELS;

/** The models QEMU builds as PCI Express devices (a PCIe slot on q35), as libvirt's qemuDomainDeviceCalculatePCIConnectFlags has them. */
export const PCIE_NIC_MODELS: readonly NicModel[] = ['e1000e', 'igb'];

/** A known model in libvirt's spelling (it compares them without case), or undefined for a model libvirt passes on as it is. */
export function knownNicModel(model: string): NicModel | undefined {
  const lower = model.toLowerCase();
  return Object.hasOwn(NIC_MODELS, lower) ? (lower as NicModel) : undefined;
}

/** `<driver txmode=…>` of a virtio NIC: what mitigates TX notifications. */
export const NET_TX_MODES = {
  iothread: 'a bottom half',
  timer: 'a timer',
} as const;
export type NetTxMode = keyof typeof NET_TX_MODES;

export const MACVTAP_MODES = {
  vepa: 'traffic goes through the external switch (VEPA)',
  bridge: 'guests on the same device talk directly',
  private: 'like vepa, but guests cannot talk to each other',
  passthrough: 'the whole host interface is given to the guest',
} as const;

export const VIRTUALPORT_TYPES = {
  '802.1Qbg': 'VEPA with VDP (802.1Qbg)',
  '802.1Qbh': 'VN-Link (802.1Qbh)',
  openvswitch: 'an Open vSwitch port',
  midonet: 'a MidoNet port',
} as const;

export const NET_DRIVER_NAMES = {
  qemu: 'the backend in QEMU userspace',
  vhost: 'the in-kernel vhost-net backend',
  kvm: 'legacy KVM device assignment',
  vfio: 'VFIO device assignment',
  xen: 'Xen',
} as const;

export const LINK_STATES = {
  up: 'the link is up',
  down: 'the cable is unplugged',
} as const;

export interface Interface extends DeviceCommon {
  type: InterfaceType;
  mac?: string;
  model?: string;
  source?: {
    bridge?: string;
    network?: string;
    portgroup?: string;
    portid?: string;
    dev?: string;
    mode?: string;
    address?: string;
    port?: number;
    path?: string;
    type?: string;
    local?: { address?: string; port?: number };
    node: XmlElement;
  };
  target?: { dev?: string; managed?: boolean; node: XmlElement };
  driver?: { name?: string; queues?: number; txmode?: NetTxMode; rxQueueSize?: number; txQueueSize?: number; ioeventfd?: boolean; eventIdx?: boolean; node: XmlElement };
  backend?: { type?: string; tap?: string; vhost?: string; logFile?: string; node: XmlElement };
  /** A program QEMU runs on the host when it opens the tap (<script path=…>), and when it closes it. */
  script?: { path?: string; node: XmlElement };
  downscript?: { path?: string; node: XmlElement };
  ips: { address?: string; family?: string; prefix?: number; peer?: string; node: XmlElement }[];
  virtualport?: { type?: string; parameters: Record<string, string>; node: XmlElement };
  vlan?: { trunk?: boolean; tags: { id?: number; nativeMode?: string }[]; node: XmlElement };
  link?: string;
  mtu?: number;
  boot?: BootOrder;
  rom?: { enabled?: boolean; bar?: boolean; file?: string; node: XmlElement };
  trustGuestRxFilters?: boolean;
  managed?: boolean;
}

export function parseRom(device: XmlElement): Interface['rom'] {
  const rom = firstChild(device, 'rom');
  if (rom === undefined) return undefined;
  return { enabled: read.boolean(rom, 'enabled'), bar: read.boolean(rom, 'bar'), file: read.string(rom, 'file'), node: rom };
}

function pathElement(device: XmlElement, name: string): { path?: string; node: XmlElement } | undefined {
  const child = firstChild(device, name);
  return child === undefined ? undefined : { path: read.string(child, 'path'), node: child };
}

export function parseInterface(node: XmlElement): Interface {
  const attr = (name: string, attribute = 'address') => {
    const child = firstChild(node, name);
    return child === undefined ? undefined : read.string(child, attribute);
  };
  const source = firstChild(node, 'source');
  const local = source === undefined ? undefined : firstChild(source, 'local');
  const target = firstChild(node, 'target');
  const driver = firstChild(node, 'driver');
  const backend = firstChild(node, 'backend');
  const virtualport = firstChild(node, 'virtualport');
  const parameters = virtualport === undefined ? undefined : firstChild(virtualport, 'parameters');
  const vlan = firstChild(node, 'vlan');
  const mtu = firstChild(node, 'mtu');
  return {
    node,
    address: deviceAddress(node),
    alias: deviceAlias(node),
    type: read.enum(node, 'type', INTERFACE_TYPES) ?? 'user',
    ips: childElements(node, 'ip').map((ip) => ({
      address: read.string(ip, 'address'),
      family: read.string(ip, 'family'),
      prefix: read.unsigned(ip, 'prefix'),
      peer: read.string(ip, 'peer'),
      node: ip,
    })),
    mac: attr('mac'),
    model: attr('model', 'type'),
    source:
      source === undefined
        ? undefined
        : {
            bridge: read.string(source, 'bridge'),
            network: read.string(source, 'network'),
            portgroup: read.string(source, 'portgroup'),
            portid: read.string(source, 'portid'),
            dev: read.string(source, 'dev'),
            mode: read.string(source, 'mode'),
            address: read.string(source, 'address'),
            port: read.signed(source, 'port'),
            path: read.string(source, 'path'),
            type: read.string(source, 'type'),
            local: local === undefined ? undefined : { address: read.string(local, 'address'), port: read.signed(local, 'port') },
            node: source,
          },
    target: target === undefined ? undefined : { dev: read.string(target, 'dev'), managed: read.boolean(target, 'managed'), node: target },
    driver:
      driver === undefined
        ? undefined
        : {
            name: read.string(driver, 'name'),
            queues: read.unsigned(driver, 'queues'),
            txmode: read.enum(driver, 'txmode', NET_TX_MODES),
            rxQueueSize: read.unsigned(driver, 'rx_queue_size'),
            txQueueSize: read.unsigned(driver, 'tx_queue_size'),
            ioeventfd: read.boolean(driver, 'ioeventfd'),
            eventIdx: read.boolean(driver, 'event_idx'),
            node: driver,
          },
    backend:
      backend === undefined
        ? undefined
        : {
            type: read.string(backend, 'type'),
            tap: read.string(backend, 'tap'),
            vhost: read.string(backend, 'vhost'),
            logFile: read.string(backend, 'logFile'),
            node: backend,
          },
    script: pathElement(node, 'script'),
    downscript: pathElement(node, 'downscript'),
    virtualport:
      virtualport === undefined
        ? undefined
        : {
            type: read.string(virtualport, 'type'),
            parameters: Object.fromEntries((parameters?.attributes ?? []).map((a) => [a.name, a.value])),
            node: virtualport,
          },
    vlan:
      vlan === undefined
        ? undefined
        : {
            trunk: read.boolean(vlan, 'trunk'),
            tags: childElements(vlan, 'tag').map((tag) => ({ id: read.unsigned(tag, 'id'), nativeMode: read.string(tag, 'nativeMode') })),
            node: vlan,
          },
    link: attr('link', 'state'),
    mtu: mtu === undefined ? undefined : read.unsigned(mtu, 'size'),
    boot: parseBootOrder(node),
    rom: parseRom(node),
    trustGuestRxFilters: read.boolean(node, 'trustGuestRxFilters'),
    managed: read.boolean(node, 'managed'),
  };
}
