/**
 * Where a type='network' or type='bridge' interface plugs in. libvirt runs a NAT network as a
 * bridge with dnsmasq and firewall rules; virtdeck runs it as QEMU's user-mode networking
 * (slirp), which needs no privileges, with the addresses the network's <ip> gives: the guest
 * sees the same subnet, gateway and DHCP range as under libvirt. A network forwarding to a
 * host bridge, and type='bridge', get a tap on that bridge which the server (root) makes for
 * QEMU's user before the launch, as libvirt makes it; QEMU opens it by name (ifname=).
 */
import { firstChild, formatIp, inSubnet, ipPrefix, networkOf, offsetIp, parseIp, type Interface, type Network, type ParsedIp, type XmlElement } from '@virtdeck/schema';
import type { BuildContext, TapPlan } from '../build/context.js';
import { nicModel } from '../build/layout/deviceDefaults.js';
import type { JsonObject } from '../options.js';

/** Addresses slirp's DHCP server hands out from dhcpstart on (NB_BOOTP_CLIENTS). */
const SLIRP_DHCP_CLIENTS = 16;

/** The -netdev of a type='network' interface (without its id), or undefined with a diagnostic. */
export function networkNetdev(ctx: BuildContext, iface: Interface): JsonObject | undefined {
  const name = iface.source?.network ?? '';
  const at = iface.source?.node ?? iface.node;
  const host = ctx.options.networks;
  if (host === undefined) {
    ctx.diagnostics.info('not-applicable', at, `The network '${name}' is looked up when the guest starts; this preview shows it as user-mode networking.`);
    return { type: 'user' };
  }
  const network = host.networks.get(name);
  if (network === undefined) {
    const known = [...host.networks.keys()].sort();
    ctx.diagnostics.error('network-unknown', at, `There is no network '${name}'${known.length > 0 ? `; defined: ${known.join(', ')}` : ''}.`);
    return undefined;
  }
  const mode = network.forward?.mode;
  switch (mode) {
    case undefined:
    case 'nat':
      return userNetdev(ctx, network);
    case 'bridge':
    case 'route':
    case 'open': {
      if (network.forward?.dev !== undefined || (network.forward?.interfaces.length ?? 0) > 0) {
        ctx.diagnostics.unsupported(at, `A network forwarding through host devices (macvtap), as '${name}' does,`, true);
        return undefined;
      }
      const bridge = network.bridge?.name;
      if (bridge === undefined) {
        ctx.diagnostics.error('host-bridge-missing', at, `The network '${name}' (forward mode='${mode}') names no host bridge (<bridge name='…'/>) to attach to.`);
        return undefined;
      }
      return bridgeNetdev(ctx, iface, bridge, at, `of the network '${name}'`);
    }
    case 'passthrough':
    case 'private':
    case 'vepa':
    case 'hostdev':
      ctx.diagnostics.unsupported(at, `The network '${name}' (forward mode='${mode}')`, true);
      return undefined;
    default: {
      const unreachable: never = mode;
      return unreachable;
    }
  }
}

/**
 * Tap names libvirt keeps for the ones it makes (vnetN, macvtapN, …) and Xen's: a <target dev>
 * starting so, as a dump of a running libvirt guest has it, is ignored and a name generated.
 */
const RESERVED_TAP_PREFIXES = ['vnet', 'vif', 'macvtap', 'macvlan'];

/** A name the kernel takes for a network device (IFNAMSIZ less its NUL), that no `ip` argument can be mistaken for. */
const TAP_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,14}$/;

/** A tap on a host bridge, checked against the host when the server says what it has; the server makes it (LaunchPlan.taps). */
export function bridgeNetdev(ctx: BuildContext, iface: Interface, bridge: string | undefined, at: XmlElement, whose = ''): JsonObject | undefined {
  const host = ctx.options.networks;
  if (host !== undefined && bridge !== undefined) {
    if (!host.bridges.has(bridge)) {
      ctx.diagnostics.error('host-bridge-missing', at, `There is no bridge '${bridge}'${whose === '' ? '' : ` ${whose}`} on this host: create it, or use a NAT network.`);
      return undefined;
    }
    if (!host.privileged) {
      ctx.diagnostics.error('host-privileges-needed', at, `Attaching to the host bridge '${bridge}' needs a tap device, which only a server running as root can make.`);
      return undefined;
    }
    if (host.tapBlocked !== undefined) {
      ctx.diagnostics.error('host-privileges-needed', at, `Attaching to the host bridge '${bridge}' needs a tap device that QEMU can open: ${host.tapBlocked}`);
      return undefined;
    }
  }
  if (bridge === undefined) {
    ctx.diagnostics.error('host-bridge-missing', at, 'This interface names no host bridge (<source bridge=…>) to attach to.');
    return undefined;
  }
  const ifname = tapName(ctx, iface);
  if (ifname === undefined) return undefined;
  const queues = iface.driver?.queues ?? 0;
  const plan: TapPlan = { ifname, bridge };
  if (iface.mac !== undefined) plan.mac = iface.mac;
  if (iface.mtu !== undefined) plan.mtu = iface.mtu;
  if (queues > 1) plan.queues = queues;
  ctx.launch.taps.push(plan);
  return { type: 'tap', ifname, script: 'no', downscript: 'no', ...(queues > 1 ? { queues } : {}), ...tapVhostProps(ctx, iface) };
}

/** <target dev> where libvirt would honour it, otherwise the first free name of the guest's (vdHASHn). */
function tapName(ctx: BuildContext, iface: Interface): string | undefined {
  const wanted = iface.target?.dev;
  if (wanted !== undefined && !RESERVED_TAP_PREFIXES.some((prefix) => wanted.startsWith(prefix))) {
    if (TAP_NAME.test(wanted)) return wanted;
    ctx.diagnostics.error('invalid-value', iface.target?.node ?? iface.node, `'${wanted}' cannot name a tap: at most 15 letters, digits, '_', '-' and '.', not starting with '-' or '.'.`);
    return undefined;
  }
  const host = ctx.options.networks;
  const prefix = host?.tapPrefix ?? 'vd';
  const taken = new Set([...(host?.tapsInUse ?? []), ...ctx.launch.taps.map((t) => t.ifname)]);
  let n = 0;
  while (taken.has(`${prefix}${n}`)) n++;
  return `${prefix}${n}`;
}

/**
 * vhost-net for a virtio NIC on a tap, as libvirt gives it under KVM when the host has it and
 * QEMU can open it; <driver name='qemu'> turns it off, <driver name='vhost'> requires it.
 */
function tapVhostProps(ctx: BuildContext, iface: Interface): JsonObject {
  if (!nicModel(iface).startsWith('virtio')) return {};
  const driver = iface.driver?.name;
  if (driver === 'qemu') return { vhost: false };
  const host = ctx.options.networks;
  // Without the host (a preview) the definition's words are shown as they are.
  if (host === undefined) return driver === 'vhost' ? { vhost: true } : {};
  const usable = host.vhostNet === true && ctx.accel === 'kvm';
  if (driver === 'vhost' && !usable) {
    const why = ctx.accel === 'kvm' ? 'QEMU cannot open /dev/vhost-net on this host' : `vhost-net needs KVM, and this guest runs under ${ctx.accel}`;
    ctx.diagnostics.error('host-privileges-needed', iface.driver?.node ?? iface.node, `<driver name='vhost'> asks for vhost-net, but ${why}.`);
    return {};
  }
  return usable ? { vhost: true } : {};
}

/** slirp with the network's addresses; the parts of a libvirt network slirp cannot do are reported. */
function userNetdev(ctx: BuildContext, network: Network): JsonObject {
  const props: JsonObject = { type: 'user' };
  // libvirt's isolated network lets guests reach nothing outside; slirp's restrict does that
  if (network.forward === undefined) props.restrict = true;
  let ipv4Done = false;
  let ipv6Done = false;
  for (const ip of network.ips) {
    const address = parseIp(ip.address);
    if (address === undefined) continue;
    const prefix = ipPrefix(ip, address);
    if (address.family === 'ipv4' && !ipv4Done) {
      ipv4Done = true;
      Object.assign(props, ipv4Props(ctx, ip, address, prefix));
    } else if (address.family === 'ipv6' && !ipv6Done) {
      ipv6Done = true;
      props['ipv6-net'] = `${formatIp(networkOf(address, prefix))}/${prefix}`;
      props['ipv6-host'] = formatIp(address);
    } else {
      ctx.diagnostics.warning('not-supported-yet', ip.node, 'User-mode networking has one address per family: this further <ip> of the network is ignored.');
    }
  }
  if (network.domain?.name !== undefined) props.domainname = network.domain.name;
  const dns = firstChild(network.node, 'dns');
  if (dns !== undefined && dns.children.some((c) => c.kind === 'element')) {
    ctx.diagnostics.warning('not-supported-yet', dns, "User-mode networking forwards DNS to the host's resolver: the network's own DNS records and forwarders are ignored.");
  }
  return props;
}

function ipv4Props(ctx: BuildContext, ip: Network['ips'][number], address: ParsedIp, prefix: number): JsonObject {
  const props: JsonObject = { net: `${formatIp(networkOf(address, prefix))}/${prefix}`, host: formatIp(address) };
  const range = ip.dhcp?.ranges[0];
  const start = parseIp(range?.start);
  if (start !== undefined) props.dhcpstart = formatIp(start);
  const dns = dnsAddress(address, prefix, start);
  if (dns !== undefined) props.dns = formatIp(dns);
  if (ip.tftpRoot !== undefined) props.tftp = ip.tftpRoot;
  if (ip.dhcp?.bootp?.file !== undefined) props.bootfile = ip.dhcp.bootp.file;
  if (ip.dhcp === undefined) ctx.diagnostics.info('not-applicable', ip.node, 'User-mode networking always answers DHCP, though this network has no <dhcp>.');
  for (const host of ip.dhcp?.hosts ?? []) {
    ctx.diagnostics.warning('not-supported-yet', host.node, 'User-mode networking hands out addresses in order: this fixed DHCP address is ignored.');
  }
  return props;
}

/**
 * slirp puts its DNS forwarder at the network's .3 and refuses one at the host address. A DHCP
 * range from .2 (libvirt's default network) would hand .3 to a second client, so the forwarder
 * moves to the last address of the network then.
 */
function dnsAddress(host: ParsedIp, prefix: number, dhcpStart: ParsedIp | undefined): ParsedIp | undefined {
  const base = networkOf(host, prefix);
  const leased = (ip: ParsedIp) => dhcpStart !== undefined && ip.value >= dhcpStart.value && ip.value < dhcpStart.value + BigInt(SLIRP_DHCP_CLIENTS);
  const usable = (ip: ParsedIp) => inSubnet(ip, host, prefix) && ip.value !== host.value && !leased(ip);
  const standard = offsetIp(base, 3);
  if (usable(standard)) return undefined;
  const last = offsetIp(base, 2 ** (32 - prefix) - 2);
  return usable(last) && last.value > base.value ? last : undefined;
}
