/** Network interfaces: a -netdev backend and the NIC -device, paired as hostnetN / netN. */
import { childElements, attributeValue, firstChild, type Interface, type NetTxMode, type XmlElement } from '@virtdeck/schema';
import { hasDevice, hostPassthroughAllowed, pciBusProps, type BuildContext } from '../build/context.js';
import { nicModel } from '../build/layout/deviceDefaults.js';
import { jsonOption, type JsonObject, type JsonValue, type QemuOption } from '../options.js';
import { bridgeNetdev, networkNetdev } from './netBackends.js';
import { usbBusProps } from './usb.js';

const NIC_DRIVERS: Record<string, string> = {
  virtio: 'virtio-net-pci',
  'virtio-transitional': 'virtio-net-pci-transitional',
  'virtio-non-transitional': 'virtio-net-pci-non-transitional',
  'usb-net': 'usb-net',
};

/** virtio-net's tx= for libvirt's txmode. */
const TX_MODES = { iothread: 'bh', timer: 'timer' } as const satisfies Record<NetTxMode, string>;

const IPV4 = /^(?:(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])$/;
const IPV6 = /^[0-9a-fA-F:.]+$/;
const PORT = (n: number | undefined): n is number => n !== undefined && Number.isInteger(n) && n >= 0 && n <= 65535;

/**
 * <portForward proto='tcp' address='127.0.0.1'><range start='2222' to='22'/></portForward>
 * becomes slirp's hostfwd rules. Addresses must be IP literals: a rule is a single string
 * ("tcp:127.0.0.1:2222-:22") in which any other text could change its meaning.
 */
function hostForwards(ctx: BuildContext, iface: Interface): JsonValue[] {
  const rules: JsonValue[] = [];
  for (const forward of childElements(iface.node, 'portForward')) {
    const proto = attributeValue(forward, 'proto') ?? 'tcp';
    const address = attributeValue(forward, 'address') ?? '';
    if (proto !== 'tcp' && proto !== 'udp') {
      ctx.diagnostics.error('invalid-value', forward, `Port forwarding protocol '${proto}' is not tcp or udp.`);
      continue;
    }
    if (address !== '' && !IPV4.test(address)) {
      ctx.diagnostics.error('invalid-value', forward, `Port forwarding address '${address}' is not an IPv4 address.`);
      continue;
    }
    for (const range of childElements(forward, 'range')) {
      const start = Number(attributeValue(range, 'start'));
      const end = attributeValue(range, 'end') === undefined ? start : Number(attributeValue(range, 'end'));
      const to = attributeValue(range, 'to') === undefined ? start : Number(attributeValue(range, 'to'));
      if (!PORT(start) || !PORT(end) || !PORT(to) || end < start) {
        ctx.diagnostics.error('invalid-value', range, 'A forwarded port range needs start (and optional end and to) between 0 and 65535.');
        continue;
      }
      for (let port = start; port <= end; port++) rules.push({ str: `${proto}:${address}:${port}-:${to + (port - start)}` });
    }
  }
  return rules;
}

/** The -netdev of an interface, or undefined (with a diagnostic) when it cannot be built. */
function netdevProps(ctx: BuildContext, iface: Interface, id: string): JsonObject | undefined {
  const { diagnostics } = ctx;
  const src = iface.source;
  switch (iface.type) {
    case 'user': {
      const props: JsonObject = { type: 'user' };
      for (const ip of iface.ips) {
        if (ip.address === undefined) continue;
        if ((ip.family ?? (ip.address.includes(':') ? 'ipv6' : 'ipv4')) === 'ipv4') {
          if (!IPV4.test(ip.address)) diagnostics.error('invalid-value', ip.node, `'${ip.address}' is not an IPv4 address.`);
          else props.net = `${ip.address}/${ip.prefix ?? 24}`;
        } else if (!IPV6.test(ip.address)) {
          diagnostics.error('invalid-value', ip.node, `'${ip.address}' is not an IPv6 address.`);
        } else {
          props['ipv6-prefix'] = ip.address;
          props['ipv6-prefixlen'] = ip.prefix ?? 64;
        }
      }
      const forwards = hostForwards(ctx, iface);
      if (forwards.length > 0) props.hostfwd = forwards;
      return { ...props, id };
    }
    case 'ethernet': {
      // QEMU opens the tap itself (libvirt would pass a file descriptor); that needs CAP_NET_ADMIN.
      const props: JsonObject = { type: 'tap', ifname: iface.target?.dev, script: hostScript(ctx, iface.script), downscript: hostScript(ctx, iface.downscript) };
      return { ...props, ...vhostProps(iface), id };
    }
    case 'bridge': {
      if (iface.virtualport) {
        const kind = iface.virtualport.type;
        diagnostics.unsupported(iface.virtualport.node, kind ? `A virtual port of type '${kind}'` : 'A virtual port', false);
      }
      const backend = bridgeNetdev(ctx, iface, src?.bridge, src?.node ?? iface.node);
      return backend && { ...backend, id };
    }
    case 'client':
    case 'server':
    case 'mcast':
    case 'udp': {
      const endpoint = `${src?.address ?? ''}:${src?.port ?? ''}`;
      if (iface.type === 'udp') {
        return { type: 'socket', udp: endpoint, localaddr: `${src?.local?.address ?? ''}:${src?.local?.port ?? ''}`, id };
      }
      const key = iface.type === 'client' ? 'connect' : iface.type === 'server' ? 'listen' : 'mcast';
      return { type: 'socket', [key]: endpoint, id };
    }
    case 'vhostuser': {
      diagnostics.unsupported(iface.node, 'A vhost-user interface (it needs a chardev and shared guest memory)', true);
      return undefined;
    }
    case 'null':
      return undefined;
    case 'network': {
      const backend = networkNetdev(ctx, iface);
      if (backend?.type !== 'user') return backend && { ...backend, id };
      const forwards = hostForwards(ctx, iface);
      return { ...backend, ...(forwards.length > 0 ? { hostfwd: forwards } : {}), id };
    }
    default:
      diagnostics.unsupported(iface.node, `An interface of type '${iface.type}'`, true);
      return undefined;
  }
}

/** A tap's script as QEMU's script=/downscript= take it: 'no' for none, or where host passthrough is off. */
function hostScript(ctx: BuildContext, script: Interface['script']): string {
  if (script?.path === undefined) return 'no';
  return hostPassthroughAllowed(ctx, script.node, `<${script.node.localName} path='${script.path}'>`) ? script.path : 'no';
}

function vhostProps(iface: Interface): JsonObject {
  const model = nicModel(iface);
  if (!model.startsWith('virtio')) return {};
  const driver = iface.driver?.name;
  if (driver === 'qemu') return { vhost: false };
  if (driver === 'vhost') return { vhost: true };
  return {};
}

function nicProps(ctx: BuildContext, iface: Interface, netdev: string | undefined, bootindex: number | undefined): JsonObject {
  const model = nicModel(iface);
  const driver = NIC_DRIVERS[model] ?? model;
  const props: JsonObject = { driver };
  const queues = iface.driver?.queues ?? 0;
  if (model.startsWith('virtio')) {
    if (iface.driver?.txmode !== undefined) props.tx = TX_MODES[iface.driver.txmode];
    props.ioeventfd = iface.driver?.ioeventfd;
    props.event_idx = iface.driver?.eventIdx;
    if (queues > 1) {
      props.mq = true;
      props.vectors = 2 * queues + 2;
    }
    props.rx_queue_size = iface.driver?.rxQueueSize;
    props.tx_queue_size = iface.driver?.txQueueSize;
    props.host_mtu = iface.mtu;
  }
  props.netdev = netdev;
  props.id = ctx.layout.alias.get(iface);
  props.mac = iface.mac;
  props.bootindex = bootindex;
  if (iface.rom?.enabled === false) props.romfile = '';
  else if (iface.rom?.file !== undefined) props.romfile = iface.rom.file;
  if (iface.rom?.bar !== undefined) props.rombar = iface.rom.bar ? 1 : 0;
  return { ...props, ...(model === 'usb-net' ? usbBusProps(ctx, iface) : pciBusProps(ctx, ctx.layout.pci.get(iface))) };
}

export function buildNetArgs(ctx: BuildContext, bootindex: ReadonlyMap<object, number>): QemuOption[] {
  return ctx.layout.interfaces.flatMap((iface, i) => interfaceOptions(ctx, iface, `hostnet${i}`, bootindex.get(iface)));
}

/** The -netdev (named `netdevId`) and -device of one interface; a hot-plug names its netdev after the NIC's id. */
export function interfaceOptions(ctx: BuildContext, iface: Interface, netdevId: string, bootindex: number | undefined): QemuOption[] {
  if (iface.type === 'hostdev') {
    ctx.diagnostics.unsupported(iface.node, 'An interface of type hostdev (SR-IOV passthrough)', true);
    return [];
  }
  if (iface.mac === undefined) {
    // Saving fills one in (as libvirt does when it parses a definition); only a preview lacks it.
    ctx.diagnostics.info('missing-element', iface.node, 'This interface has no MAC address yet: virtdeck assigns one when the definition is saved.');
  }
  if (iface.vlan) ctx.diagnostics.unsupported(iface.vlan.node, 'VLAN tagging (<vlan>)', false);
  if (iface.link === 'down') ctx.diagnostics.unsupported(firstChild(iface.node, 'link') as XmlElement, "<link state='down'>", false);
  const options: QemuOption[] = [];
  const netdev = netdevProps(ctx, iface, netdevId);
  if (!netdev && iface.type !== 'null') return options;
  if (netdev) options.push({ flag: '-netdev', value: jsonOption(netdev) });
  const props = nicProps(ctx, iface, netdev ? netdevId : undefined, bootindex);
  const driver = String(props.driver);
  if (!hasDevice(ctx, driver)) {
    ctx.diagnostics.error('device-model-unknown', firstChild(iface.node, 'model') ?? iface.node, `This QEMU has no network card model '${driver}'.`);
  }
  options.push({ flag: '-device', value: jsonOption(props) });
  return options;
}
