/** <interface>: network interfaces, their source depending on the type. */
import { INTERFACE_TYPES, LINK_STATES, MACVTAP_MODES, NET_DRIVER_NAMES, NET_TX_MODES, NIC_MODELS, VIRTUALPORT_TYPES } from '../../model/devices/interface.js';
import { bootSpec, onOff, reconnectSpec, virtioOptions, yesNo } from '../common.js';
import { attr, data, element, many, must, one, oneOf, required, type SpecParts, suggest } from '../types.js';
import { placement } from './common.js';

export const ipSpec = element('an IP address', {
  attributes: {
    address: required('the address', data('ip')),
    family: attr('ipv4 or ipv6', oneOf({ ipv4: 'IPv4', ipv6: 'IPv6' })),
    prefix: attr('the prefix length', data('ipPrefix')),
    peer: attr('the peer address (point-to-point)', data('ip')),
  },
});
export const routeSpec = element('a route', {
  attributes: {
    family: attr('ipv4 or ipv6', oneOf({ ipv4: 'IPv4', ipv6: 'IPv6' })),
    address: required('the destination', data('ip')),
    netmask: attr('the netmask (IPv4)', data('ipv4')),
    prefix: attr('the prefix length', data('ipPrefix')),
    gateway: required('the gateway', data('ip')),
    metric: attr('the metric', data('uint')),
  },
});
export const networkAttributes = {
  network: attr('the libvirt network', data('string')),
  portgroup: attr('the port group of the network', data('deviceName')),
  portid: attr('the port UUID', data('uuid')),
};
export const bridgeAttributes = {
  bridge: attr('the host bridge', data('bridgeName')),
  macTableManager: attr('who manages the MAC table', oneOf({ kernel: 'the kernel', libvirt: 'libvirt' })),
};
export const socketSource = (doc: string) =>
  element(doc, { attributes: { address: required('IPv4 address', data('ipv4')), port: required('port', data('portNumber')) } });
export const interfaceCases: Record<string, SpecParts> = {
  user: { children: { source: one(element('the host device (passt)', { attributes: { dev: attr('the host interface', data('deviceName')) } })) } },
  network: {
    children: { source: must(element('the libvirt network', { attributes: { ...networkAttributes, network: required('the libvirt network', data('string')), ...bridgeAttributes } })) },
  },
  bridge: {
    children: { source: one(element('the host bridge', { attributes: { ...bridgeAttributes, bridge: required('the host bridge', data('bridgeName')), ...networkAttributes } })) },
  },
  ethernet: { children: { source: one(element('addresses of the host side', { children: { ip: many(ipSpec), route: many(routeSpec) } })) } },
  direct: {
    children: {
      source: must(
        element('the host interface for macvtap', {
          attributes: { dev: required('the host interface', data('deviceName')), mode: attr('the macvtap mode', oneOf(MACVTAP_MODES)), ...networkAttributes },
        }),
      ),
    },
  },
  vhostuser: {
    children: {
      // optional with the passt backend, which makes the socket itself (semantic/devices.ts)
      source: one(
        element('the vhost-user socket', {
          attributes: {
            type: attr('unix', oneOf({ unix: 'a UNIX socket' })),
            path: attr('the socket', data('absPath')),
            mode: attr('who listens', oneOf({ server: 'QEMU listens', client: 'QEMU connects' })),
            dev: attr('passt: the host interface', data('deviceName')),
          },
          children: { reconnect: one(reconnectSpec) },
        }),
      ),
    },
  },
  hostdev: {
    attributes: { managed: yesNo('libvirt detaches the device from the host') },
    children: {
      source: must(
        element('the host device', {
          attributes: { missing: yesNo('the device is missing') },
          children: {
            address: one(
              element('the host address', {
                attributes: {
                  type: required('pci or usb', oneOf({ pci: 'PCI', usb: 'USB' })),
                  domain: attr('PCI domain', data('pciDomain')),
                  bus: attr('bus', data('string')),
                  slot: attr('PCI slot', data('pciSlot')),
                  function: attr('PCI function', data('pciFunction')),
                  device: attr('USB device', data('usbAddr')),
                },
              }),
            ),
            vendor: one(element('USB vendor', { attributes: { id: required('the id', data('usbId')) } })),
            product: one(element('USB product', { attributes: { id: required('the id', data('usbId')) } })),
          },
        }),
      ),
    },
  },
  mcast: { children: { source: must(socketSource('the multicast group')) } },
  client: { children: { source: must(socketSource('the server to connect to')) } },
  server: {
    children: { source: must(element('the address to listen on', { attributes: { address: attr('IPv4 address', data('ipv4')), port: required('port', data('portNumber')) } })) },
  },
  udp: {
    children: {
      source: must(
        element('the remote end of the tunnel', {
          attributes: { address: required('IPv4 address', data('ipv4')), port: required('port', data('portNumber')) },
          children: { local: must(socketSource('the local end of the tunnel')) },
        }),
      ),
    },
  },
  internal: { children: { source: must(element('the internal network', { attributes: { name: required('its name', data('deviceName')) } })) } },
  vdpa: { children: { source: must(element('the vDPA device', { attributes: { dev: required('the device', data('deviceName')) } })) } },
  null: {},
  vds: { children: { source: must(element('the distributed switch port', { anyContent: true })) } },
};
export const interfaceSpec = element('a network interface', {
  attributes: {
    type: required('how the NIC reaches the network', oneOf(INTERFACE_TYPES)),
    trustGuestRxFilters: yesNo('trust MAC and multicast changes made by the guest'),
  },
  children: {
    ...placement,
    mac: one(
      element('the MAC address (generated when absent)', {
        attributes: {
          address: required('a unicast MAC such as 52:54:00:12:34:56', data('unicastMac')),
          type: attr('generated or static', oneOf({ generated: 'generated', static: 'static' })),
          check: yesNo('check the MAC address'),
          currentAddress: attr('the MAC address the host device has now (output)', data('unicastMac')),
        },
      }),
    ),
    model: one(element('the NIC model the guest sees', { attributes: { type: required('the model (virtio, e1000, rtl8139, …)', suggest(NIC_MODELS, 'nicModel')) } })),
    link: one(element('the link state', { attributes: { state: required('up or down', oneOf(LINK_STATES)) } })),
    mtu: one(element('the MTU', { attributes: { size: required('bytes', data('ushort')) } })),
    coalesce: one(element('interrupt coalescing', { anyContent: true })),
    target: one(element('the host TAP device', { attributes: { dev: required('its name', data('deviceName')), managed: yesNo('libvirt creates it') } })),
    guest: one(element('the name the guest sees (containers)', { attributes: { dev: attr('the name', data('deviceName')), actual: attr('the actual name', data('deviceName')) } })),
    ip: many(ipSpec),
    route: many(routeSpec),
    portForward: many(element('a port forward (passt)', { anyContent: true })),
    script: one(element('a script run when the TAP device is created', { attributes: { path: required('the script', data('filePath')) } })),
    downscript: one(element('a script run when the TAP device is removed', { attributes: { path: required('the script', data('filePath')) } })),
    backenddomain: one(element('the Xen backend domain', { attributes: { name: required('the domain', data('nonEmpty')) } })),
    backend: one(
      element('backend details', {
        attributes: {
          type: attr('the user-mode backend', oneOf({ default: 'SLIRP', passt: 'passt' })),
          tap: attr('the TUN/TAP device', data('absPath')),
          vhost: attr('the vhost-net device', data('absPath')),
          logFile: attr('the passt log file', data('absPath')),
        },
      }),
    ),
    driver: one(
      element('the backend driver and virtio-net options', {
        attributes: {
          name: attr('qemu (userspace) or vhost (in-kernel)', oneOf(NET_DRIVER_NAMES)),
          queues: attr('multiqueue: number of queue pairs', data('positive')),
          rx_queue_size: attr('RX virtqueue size', data('positive')),
          tx_queue_size: attr('TX virtqueue size', data('positive')),
          txmode: attr('TX mitigation', oneOf(NET_TX_MODES)),
          ioeventfd: onOff('ioeventfd'),
          event_idx: onOff('virtio event index'),
          rss: onOff('receive side scaling'),
          rss_hash_report: onOff('RSS hash report'),
          model: attr("type='hostdev': the VFIO variant driver on the host", data('genericName')),
          ...virtioOptions,
        },
        children: {
          host: one(element('host offloads', { anyContent: true })),
          guest: one(element('guest offloads', { anyContent: true })),
        },
      }),
    ),
    filterref: one(element('an nwfilter applied to the traffic', { anyContent: true })),
    tune: one(element('tuning', { children: { sndbuf: one(element('the send buffer', { text: data('uint') })) } })),
    boot: one(bootSpec),
    rom: one(
      element('the option ROM (PXE)', {
        attributes: { enabled: yesNo('load the ROM'), bar: onOff('visible in the PCI BAR'), file: attr('a ROM image', data('absPath')) },
      }),
    ),
    bandwidth: one(element('traffic shaping', { anyContent: true })),
    vlan: one(
      element('VLAN tags', {
        attributes: { trunk: attr('trunk mode', oneOf({ yes: 'trunk' })) },
        children: {
          tag: many(
            element('one VLAN', {
              attributes: { id: required('the VLAN id, 0–4095', data('ushort')), nativeMode: attr('tagged or untagged', oneOf({ tagged: 'tagged', untagged: 'untagged' })) },
            }),
            1,
          ),
        },
      }),
    ),
    port: one(element('port options', { attributes: { isolated: yesNo('isolate from other isolated ports') } })),
    teaming: one(element('failover teaming', { anyContent: true })),
    virtualport: one(
      element('the virtual port (802.1Qbg, 802.1Qbh, Open vSwitch, MidoNet)', {
        attributes: { type: attr('the kind of virtual port', oneOf(VIRTUALPORT_TYPES)) },
        children: {
          parameters: one(
            element('virtual port parameters', {
              attributes: {
                managerid: attr('VSI manager id', data('uint8')),
                typeid: attr('VSI type id', data('uint24')),
                typeidversion: attr('VSI type version', data('uint8')),
                instanceid: attr('VSI instance UUID', data('uuid')),
                profileid: attr('port profile', data('string')),
                interfaceid: attr('interface UUID', data('uuid')),
              },
            }),
          ),
        },
      }),
    ),
  },
  variants: { attribute: 'type', cases: interfaceCases },
});
