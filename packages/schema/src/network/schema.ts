/**
 * The schema table of a libvirt network definition, after libvirt 11.3's network.rng: the same
 * element specifications the domain table uses, so one structure check, completions and hover
 * serve both. Bandwidth, virtual ports, VLANs and port options are kept but not checked inside.
 */
import { YES_NO, onOff, yesNo } from '../schema/common.js';
import { routeSpec } from '../schema/devices/interface.js';
import { textOf } from '../schema/shorthands.js';
import { attr, data, element, many, must, one, oneOf, required, type ElementSpec } from '../schema/types.js';
import { DHCP_LEASE_UNITS, IP_FAMILIES, MAC_TABLE_MANAGERS, NETWORK_FORWARD_MODES } from './model.js';

const leaseSpec = element('how long a lease lasts', {
  attributes: { expiry: required('the lease time (0: forever)', data('ulong')), unit: attr('the unit (default minutes)', oneOf(DHCP_LEASE_UNITS)) },
});

const dhcpSpec = element('the DHCP server on this address', {
  children: {
    range: many(
      element('addresses handed out', {
        attributes: { start: required('the first address', data('ip')), end: required('the last address', data('ip')) },
        children: { lease: one(leaseSpec) },
      }),
    ),
    host: many(
      element('a fixed address for one guest', {
        attributes: {
          mac: attr('the guest MAC address (IPv4)', data('unicastMac')),
          id: attr('the DHCP unique identifier (IPv6)', data('string')),
          name: attr('the host name', data('string')),
          ip: required('the address it gets', data('ip')),
        },
        children: { lease: one(leaseSpec) },
        constraints: [
          { kind: 'exclusive', groups: [['@mac'], ['@id']] },
          { kind: 'anyOf', names: ['@mac', '@id', '@name'], message: 'A DHCP <host> needs a mac, an id or a name.' },
        ],
      }),
    ),
    bootp: one(
      element('the BOOTP/PXE boot file', {
        attributes: { file: required('the boot file', data('filePath')), server: attr('the TFTP server', data('dnsName')) },
      }),
    ),
  },
});

const ipSpec = element('an address of the network on the host side, with its DHCP server', {
  attributes: {
    address: attr('the host address on the network (the gateway the guests see)', data('ip')),
    netmask: attr('the netmask (IPv4)', data('ipv4')),
    prefix: attr('the prefix length', data('ipPrefix')),
    family: attr('ipv4 (default) or ipv6', oneOf(IP_FAMILIES)),
    localPtr: yesNo('answer reverse DNS queries for the network locally'),
  },
  children: { tftp: one(element('a TFTP server', { attributes: { root: required('the folder it serves', data('filePath')) } })), dhcp: one(dhcpSpec) },
  constraints: [{ kind: 'exclusive', groups: [['@netmask'], ['@prefix']] }],
});

const forwardSpec = element('how the network reaches the outside (none: isolated)', {
  attributes: {
    mode: attr('the forwarding mode (default nat)', oneOf(NETWORK_FORWARD_MODES)),
    dev: attr('the host interface traffic leaves through', data('deviceName')),
    managed: yesNo('libvirt detaches SR-IOV functions from the host'),
  },
  children: {
    interface: many(
      element('a host interface of the pool', {
        attributes: { dev: required('the interface', data('deviceName')), connections: attr('guests connected (output)', data('uint')) },
      }),
    ),
    address: many(element('a PCI virtual function of the pool', { anyContent: true })),
    pf: one(element('the SR-IOV physical function', { attributes: { dev: required('the interface', data('deviceName')) } })),
    driver: one(element('the device assignment driver', { anyContent: true })),
    nat: one(
      element('the addresses and ports NAT uses', {
        attributes: { ipv6: yesNo('NAT IPv6 too') },
        children: {
          address: one(element('the outside addresses', { attributes: { start: required('the first', data('ipv4')), end: required('the last', data('ipv4')) } })),
          port: one(element('the outside ports', { attributes: { start: required('the first', data('portNumber')), end: required('the last', data('portNumber')) } })),
        },
      }),
    ),
  },
  constraints: [{ kind: 'exclusive', groups: [['interface'], ['address']] }],
});

const dnsSpec = element('the DNS server of the network', {
  attributes: { enable: yesNo('run a DNS server'), forwardPlainNames: yesNo('forward names without a domain') },
  children: {
    forwarder: many(element('an upstream DNS server', { attributes: { addr: attr('its address', data('ip')), domain: attr('the domain it serves', data('dnsName')) } })),
    txt: many(element('a TXT record', { attributes: { name: required('the name', data('dnsName')), value: required('the text', data('string')) } })),
    srv: many(
      element('an SRV record', {
        attributes: {
          service: required('the service', data('string')),
          protocol: required('tcp or udp', oneOf({ tcp: 'TCP', udp: 'UDP' })),
          domain: attr('the domain', data('dnsName')),
          target: attr('the target host', data('string')),
          port: attr('the port', data('ushort')),
          priority: attr('the priority', data('ushort')),
          weight: attr('the weight', data('ushort')),
        },
      }),
    ),
    host: many(
      element('names for an address', {
        attributes: { ip: required('the address', data('ip')) },
        children: { hostname: many(textOf('a host name', data('dnsName')), 1) },
      }),
    ),
  },
});

/** The root of the network table: `<network>`. */
export const NETWORK_SCHEMA: ElementSpec = element('a libvirt virtual network', {
  attributes: {
    connections: attr('guests connected (output of net-dumpxml)', data('uint')),
    ipv6: yesNo('guest-to-guest IPv6 without a gateway address'),
    trustGuestRxFilters: yesNo('trust MAC and multicast changes made by the guests'),
  },
  children: {
    name: must(textOf('the network name, which guests name in <source network>', data('nonEmpty'))),
    title: one(textOf('a short title', data('nonEmpty'))),
    description: one(element('a human-readable description', { text: data('string'), textOptional: true })),
    metadata: one(element('application metadata in your own XML namespaces; kept as is', { anyContent: true })),
    uuid: one(textOf('a globally unique id (generated when absent)', data('uuid'))),
    bridge: one(
      element('the host bridge behind the network', {
        attributes: {
          name: attr('the bridge device', data('deviceName')),
          zone: attr('the firewalld zone', data('string')),
          stp: onOff('spanning tree protocol'),
          delay: attr('the forward delay in seconds', data('ulong')),
          macTableManager: attr('who manages the MAC table', oneOf(MAC_TABLE_MANAGERS)),
        },
      }),
    ),
    mtu: one(element('the MTU', { attributes: { size: required('bytes', data('uint')) } })),
    mac: one(element('the MAC address of the bridge', { attributes: { address: required('a unicast MAC', data('unicastMac')) } })),
    forward: one(forwardSpec),
    virtualport: one(element('the virtual port profile', { anyContent: true })),
    portgroup: many(
      element('a group of guest ports with shared settings', {
        attributes: { name: required('its name', data('deviceName')), default: attr('the default group', oneOf(YES_NO)), trustGuestRxFilters: yesNo('trust guest filters') },
        children: {
          virtualport: one(element('the virtual port profile', { anyContent: true })),
          bandwidth: one(element('traffic shaping', { anyContent: true })),
          vlan: one(element('VLAN tags', { anyContent: true })),
        },
      }),
    ),
    domain: one(
      element('the DNS domain of the guests', {
        attributes: { name: required('the domain', data('dnsName')), localOnly: yesNo('answer it locally only'), register: yesNo('register it with systemd-resolved') },
      }),
    ),
    dns: one(dnsSpec),
    bandwidth: one(element('traffic shaping', { anyContent: true })),
    vlan: one(element('VLAN tags', { anyContent: true })),
    port: one(element('port options', { attributes: { isolated: yesNo('isolate the guests from each other') } })),
    ip: many(ipSpec),
    route: many(routeSpec),
  },
});

export const NETWORK_ROOT = { name: 'network', spec: NETWORK_SCHEMA } as const;
