/** The typed model of a libvirt network definition (network.rng), read from the lossless tree. */
import { read } from '../model/values.js';
import { childElements, firstChild, type XmlElement } from '../xml/tree.js';
import { childText } from '../model/values.js';

/** `<forward mode>`; without `<forward>` the network is isolated (no way out of it). */
export const NETWORK_FORWARD_MODES = {
  nat: 'NAT to the outside through the host (the default network)',
  route: 'routed to the outside without NAT',
  open: 'routed, with no firewall rules added',
  bridge: 'an existing host bridge (or macvtap on forward dev)',
  passthrough: 'a host interface given to one guest at a time (macvtap passthrough)',
  private: 'macvtap in private mode on the forward interfaces',
  vepa: 'macvtap in VEPA mode on the forward interfaces',
  hostdev: 'SR-IOV virtual functions assigned to the guests',
} as const;
export type NetworkForwardMode = keyof typeof NETWORK_FORWARD_MODES;

export const DHCP_LEASE_UNITS = { seconds: 'seconds', minutes: 'minutes', hours: 'hours' } as const;
export const MAC_TABLE_MANAGERS = { kernel: 'the kernel', libvirt: 'libvirt' } as const;
export const IP_FAMILIES = { ipv4: 'IPv4', ipv6: 'IPv6' } as const;

export interface DhcpRange {
  start?: string;
  end?: string;
  node: XmlElement;
}

export interface DhcpHost {
  mac?: string;
  id?: string;
  name?: string;
  ip?: string;
  node: XmlElement;
}

export interface NetworkIp {
  address?: string;
  netmask?: string;
  prefix?: number;
  family?: keyof typeof IP_FAMILIES;
  tftpRoot?: string;
  dhcp?: { ranges: DhcpRange[]; hosts: DhcpHost[]; bootp?: { file?: string; server?: string; node: XmlElement }; node: XmlElement };
  node: XmlElement;
}

export interface Network {
  name?: string;
  uuid?: string;
  title?: string;
  bridge?: { name?: string; stp?: boolean; delay?: number; node: XmlElement };
  mac?: string;
  /** absent: an isolated network */
  forward?: { mode: NetworkForwardMode; dev?: string; interfaces: string[]; node: XmlElement };
  domain?: { name?: string; node: XmlElement };
  ips: NetworkIp[];
  node: XmlElement;
}

function parseIp(node: XmlElement): NetworkIp {
  const dhcp = firstChild(node, 'dhcp');
  const tftp = firstChild(node, 'tftp');
  const bootp = dhcp === undefined ? undefined : firstChild(dhcp, 'bootp');
  return {
    address: read.string(node, 'address'),
    netmask: read.string(node, 'netmask'),
    prefix: read.unsigned(node, 'prefix'),
    family: read.enum(node, 'family', IP_FAMILIES),
    tftpRoot: tftp === undefined ? undefined : read.string(tftp, 'root'),
    dhcp:
      dhcp === undefined
        ? undefined
        : {
            ranges: childElements(dhcp, 'range').map((range) => ({ start: read.string(range, 'start'), end: read.string(range, 'end'), node: range })),
            hosts: childElements(dhcp, 'host').map((host) => ({ mac: read.string(host, 'mac'), id: read.string(host, 'id'), name: read.string(host, 'name'), ip: read.string(host, 'ip'), node: host })),
            bootp: bootp === undefined ? undefined : { file: read.string(bootp, 'file'), server: read.string(bootp, 'server'), node: bootp },
            node: dhcp,
          },
    node,
  };
}

export function buildNetwork(node: XmlElement): Network {
  const bridge = firstChild(node, 'bridge');
  const mac = firstChild(node, 'mac');
  const forward = firstChild(node, 'forward');
  const domain = firstChild(node, 'domain');
  return {
    name: childText(node, 'name'),
    uuid: childText(node, 'uuid'),
    title: childText(node, 'title'),
    bridge: bridge === undefined ? undefined : { name: read.string(bridge, 'name'), stp: read.boolean(bridge, 'stp'), delay: read.unsigned(bridge, 'delay'), node: bridge },
    mac: mac === undefined ? undefined : read.string(mac, 'address'),
    forward:
      forward === undefined
        ? undefined
        : {
            // libvirt's default when <forward> gives no mode
            mode: read.enum(forward, 'mode', NETWORK_FORWARD_MODES) ?? 'nat',
            dev: read.string(forward, 'dev'),
            interfaces: childElements(forward, 'interface').flatMap((i) => read.string(i, 'dev') ?? []),
            node: forward,
          },
    domain: domain === undefined ? undefined : { name: read.string(domain, 'name'), node: domain },
    ips: childElements(node, 'ip').map(parseIp),
    node,
  };
}
