/**
 * The checks libvirt's network parser (virNetworkDefParseXML and virNetworkIPDefParseXML) makes
 * once the XML fits the schema: addresses that agree with their family and prefix, DHCP ranges
 * and hosts inside their network, and the elements a forward mode cannot have.
 */
import type { Diagnostic } from '../diagnostics.js';
import { attributeRange, Reporter } from '../validate/semantic/report.js';
import { firstChild } from '../xml/tree.js';
import type { Network, NetworkForwardMode, NetworkIp } from './model.js';
import { bitsOf, inSubnet, netmaskPrefix, parseIp, type IpFamily, type ParsedIp } from './ipAddress.js';

/** Modes that hand guests a host device or bridge: libvirt runs no DHCP, DNS or address for them. */
const NO_IP_MODES: ReadonlySet<NetworkForwardMode> = new Set(['bridge', 'passthrough', 'private', 'vepa', 'hostdev']);

/** The prefix of an <ip>: prefix=, netmask=, else what libvirt assumes (the IPv4 class, or /64). */
export function ipPrefix(ip: Pick<NetworkIp, 'prefix' | 'netmask'>, address: ParsedIp): number {
  if (ip.prefix !== undefined) return ip.prefix;
  const fromMask = ip.netmask === undefined ? undefined : netmaskPrefix(ip.netmask);
  if (fromMask !== undefined) return fromMask;
  if (address.family === 'ipv6') return 64;
  const first = Number(address.value >> 24n);
  return first < 128 ? 8 : first < 192 ? 16 : 24;
}

export function validateNetworkRules(network: Network, out: Diagnostic[]): void {
  const report = new Reporter(out);
  const name = firstChild(network.node, 'name');
  if (name !== undefined && network.name?.includes('/')) report.error('invalid-value', `The network name '${network.name}' cannot contain '/'.`, name.nameRange);
  const dhcpFamilies = new Set<IpFamily>();
  for (const ip of network.ips) checkIp(ip, report, dhcpFamilies);
  const mode = network.forward?.mode;
  if (mode !== undefined && NO_IP_MODES.has(mode)) checkDeviceMode(network, mode, report);
}

function checkIp(ip: NetworkIp, report: Reporter, dhcpFamilies: Set<IpFamily>): void {
  if (ip.address === undefined) {
    report.error('missing-attribute', 'An <ip> of a network needs its address (the host side of the network).', ip.node.nameRange);
    return;
  }
  const address = parseIp(ip.address);
  if (address === undefined) return; // the structure check reported it
  if (ip.family !== undefined && ip.family !== address.family) {
    report.error('invalid-value', `family='${ip.family}' does not fit the ${address.family === 'ipv4' ? 'IPv4' : 'IPv6'} address ${ip.address}.`, attributeRange(ip.node, 'family'));
  }
  if (ip.netmask !== undefined) {
    if (address.family === 'ipv6') report.error('invalid-combination', 'A netmask is for IPv4 addresses: give an IPv6 address a prefix.', attributeRange(ip.node, 'netmask'));
    else if (netmaskPrefix(ip.netmask) === undefined) report.error('invalid-value', `The netmask ${ip.netmask} is not a run of ones followed by zeros.`, attributeRange(ip.node, 'netmask'));
  }
  if (ip.prefix !== undefined && ip.prefix > bitsOf(address.family)) {
    report.error('invalid-value', `The prefix ${ip.prefix} is longer than an ${address.family === 'ipv4' ? 'IPv4' : 'IPv6'} address (${bitsOf(address.family)} bits).`, attributeRange(ip.node, 'prefix'));
    return;
  }
  if (ip.dhcp === undefined) return;
  if (dhcpFamilies.has(address.family)) {
    report.error('invalid-combination', `Only one ${address.family === 'ipv4' ? 'IPv4' : 'IPv6'} address of a network can have a DHCP server.`, ip.dhcp.node.nameRange);
  }
  dhcpFamilies.add(address.family);
  const prefix = ipPrefix(ip, address);
  const subnet = `${ip.address}/${prefix}`;
  for (const range of ip.dhcp.ranges) {
    const start = parseIp(range.start);
    const end = parseIp(range.end);
    if (start === undefined || end === undefined) continue;
    if (!inSubnet(start, address, prefix) || !inSubnet(end, address, prefix)) {
      report.error('invalid-combination', `The DHCP range ${range.start}–${range.end} is not inside the network ${subnet}.`, range.node.nameRange);
    } else if (start.value > end.value) {
      report.error('invalid-value', `The DHCP range starts at ${range.start}, after its end ${range.end}.`, attributeRange(range.node, 'start'));
    }
  }
  const macs = new Set<string>();
  for (const host of ip.dhcp.hosts) {
    const hostIp = parseIp(host.ip);
    if (hostIp !== undefined && !inSubnet(hostIp, address, prefix)) {
      report.error('invalid-combination', `The DHCP host address ${host.ip} is not inside the network ${subnet}.`, attributeRange(host.node, 'ip'));
    }
    const mac = host.mac?.toLowerCase();
    if (mac === undefined) continue;
    if (macs.has(mac)) report.error('duplicate-name', `The MAC address ${host.mac} has two DHCP hosts.`, attributeRange(host.node, 'mac'));
    macs.add(mac);
  }
}

function checkDeviceMode(network: Network, mode: NetworkForwardMode, report: Reporter): void {
  for (const element of ['ip', 'dns', 'domain', 'mac'] as const) {
    const child = firstChild(network.node, element);
    if (child !== undefined) report.error('invalid-combination', `A network with forward mode='${mode}' cannot have <${element}>: the guests use the host's own network.`, child.nameRange);
  }
  if (mode !== 'bridge' || network.forward === undefined) return;
  const hasDevices = network.forward.dev !== undefined || network.forward.interfaces.length > 0;
  if (network.bridge?.name === undefined && !hasDevices) {
    report.error('missing-element', "A network with forward mode='bridge' needs <bridge name='…'/> (an existing host bridge) or <forward dev='…'> (macvtap).", network.forward.node.nameRange);
  } else if (network.bridge?.name !== undefined && hasDevices) {
    report.error('conflicting-attributes', "forward mode='bridge' takes either a host bridge (<bridge name>) or forward devices (macvtap), not both.", network.bridge.node.nameRange);
  }
}
