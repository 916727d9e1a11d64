/**
 * IP addresses as numbers, for the subnet arithmetic libvirt's network parser does (is a DHCP
 * range inside its network?) and the user-mode addresses derived from a network's <ip>.
 */
export type IpFamily = 'ipv4' | 'ipv6';

export interface ParsedIp {
  family: IpFamily;
  /** the address as an integer: 32 bits for IPv4, 128 for IPv6 */
  value: bigint;
}

const IPV4 = /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$/;
const HEXTET = /^[0-9a-fA-F]{1,4}$/;

export function parseIp(text: string | undefined): ParsedIp | undefined {
  if (text === undefined) return undefined;
  return parseIpv4(text) ?? parseIpv6(text);
}

function parseIpv4(text: string): ParsedIp | undefined {
  if (!IPV4.test(text)) return undefined;
  return { family: 'ipv4', value: text.split('.').reduce((sum, part) => (sum << 8n) + BigInt(part), 0n) };
}

function parseIpv6(text: string): ParsedIp | undefined {
  let hex = text;
  // an embedded IPv4 tail (::ffff:192.0.2.1) stands for the last two groups
  if (text.includes('.')) {
    const colon = text.lastIndexOf(':');
    const v4 = colon === -1 ? undefined : parseIpv4(text.slice(colon + 1));
    if (v4 === undefined) return undefined;
    hex = `${text.slice(0, colon + 1)}${(v4.value >> 16n).toString(16)}:${(v4.value & 0xffffn).toString(16)}`;
  }
  const halves = hex.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string | undefined) => (part === undefined || part === '' ? [] : part.split(':'));
  const left = groups(halves[0]);
  const right = groups(halves[1]);
  if (![...left, ...right].every((g) => HEXTET.test(g))) return undefined;
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right];
  return { family: 'ipv6', value: all.reduce((sum, group) => (sum << 16n) + BigInt(Number.parseInt(group, 16)), 0n) };
}

export function bitsOf(family: IpFamily): number {
  return family === 'ipv4' ? 32 : 128;
}

/** The prefix length a dotted netmask stands for, or undefined when its ones are not contiguous. */
export function netmaskPrefix(netmask: string): number | undefined {
  const mask = parseIp(netmask);
  if (mask?.family !== 'ipv4') return undefined;
  const ones = mask.value.toString(2).padStart(32, '0');
  return /^1*0*$/.test(ones) ? ones.indexOf('0') === -1 ? 32 : ones.indexOf('0') : undefined;
}

function maskOf(family: IpFamily, prefix: number): bigint {
  const bits = BigInt(bitsOf(family));
  return ((1n << bits) - 1n) ^ ((1n << (bits - BigInt(prefix))) - 1n);
}

/** The network (host bits cleared) an address belongs to under a prefix. */
export function networkOf(ip: ParsedIp, prefix: number): ParsedIp {
  return { family: ip.family, value: ip.value & maskOf(ip.family, prefix) };
}

export function inSubnet(ip: ParsedIp, network: ParsedIp, prefix: number): boolean {
  return ip.family === network.family && networkOf(ip, prefix).value === networkOf(network, prefix).value;
}

export function formatIp(ip: ParsedIp): string {
  if (ip.family === 'ipv4') return [24n, 16n, 8n, 0n].map((shift) => String((ip.value >> shift) & 0xffn)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => Number((ip.value >> BigInt(112 - 16 * i)) & 0xffffn));
  // the longest run of zero groups (two or more) becomes '::', as RFC 5952 writes it
  let best = { start: -1, length: 1 };
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.start === -1) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.length).join(':')}`;
}

export function offsetIp(ip: ParsedIp, delta: number): ParsedIp {
  return { family: ip.family, value: ip.value + BigInt(delta) };
}
