import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatIp, inSubnet, ipPrefix, netmaskPrefix, parseIp, parseNetwork, validateNetwork } from '../index.js';

const defaultNetwork = readFileSync(new URL('../../fixtures/networks/valid/default.xml', import.meta.url), 'utf8');

describe('the network model', () => {
  it("reads libvirt's default network: NAT (an empty <forward>), its bridge, address and DHCP range", () => {
    const { network } = parseNetwork(defaultNetwork);
    expect(network?.name).toBe('default');
    expect(network?.forward?.mode).toBe('nat');
    expect(network?.bridge?.name).toBe('virbr0');
    const ip = network?.ips[0];
    expect(ip?.address).toBe('192.168.122.1');
    expect(ip?.netmask).toBe('255.255.255.0');
    expect(ip?.dhcp?.ranges.map((r) => [r.start, r.end])).toEqual([['192.168.122.2', '192.168.122.254']]);
  });

  it('has no forward for an isolated network', () => {
    expect(parseNetwork('<network><name>i</name></network>').network?.forward).toBeUndefined();
  });

  it('says where a misplaced element belongs within the network table', () => {
    const { diagnostics } = validateNetwork('<network><name>n</name><range start="10.0.0.2" end="10.0.0.3"/></network>');
    expect(diagnostics[0]?.message).toBe('<range> is not allowed in <network>; it belongs in <dhcp>.');
  });
});

describe('IP addresses', () => {
  it('reads IPv4 and IPv6 (compressed, full, with an IPv4 tail) and writes them back', () => {
    expect(parseIp('192.168.122.1')).toEqual({ family: 'ipv4', value: 0xc0a87a01n });
    expect(parseIp('fd00::1')?.value).toBe(0xfd00n << 112n | 1n);
    expect(parseIp('0:0:0:0:0:ffff:c000:201')).toEqual(parseIp('::ffff:192.0.2.1'));
    for (const text of ['1.2.3', '256.1.1.1', '1::2::3', '1:2:3:4:5:6:7:8:9', 'g::1']) expect(parseIp(text), text).toBeUndefined();
    expect(formatIp(parseIp('fd00:0:0:0:0:0:0:1') as never)).toBe('fd00::1');
    expect(formatIp(parseIp('10.0.2.2') as never)).toBe('10.0.2.2');
  });

  it('turns netmasks into prefixes and refuses one with holes', () => {
    expect(netmaskPrefix('255.255.255.0')).toBe(24);
    expect(netmaskPrefix('255.255.255.255')).toBe(32);
    expect(netmaskPrefix('0.0.0.0')).toBe(0);
    expect(netmaskPrefix('255.0.255.0')).toBeUndefined();
  });

  it("takes an <ip>'s prefix from prefix=, netmask=, else libvirt's default by class", () => {
    const at = (text: string) => parseIp(text) as NonNullable<ReturnType<typeof parseIp>>;
    expect(ipPrefix({ prefix: 20 }, at('10.0.0.1'))).toBe(20);
    expect(ipPrefix({ netmask: '255.255.0.0' }, at('10.0.0.1'))).toBe(16);
    expect(ipPrefix({}, at('10.0.0.1'))).toBe(8);
    expect(ipPrefix({}, at('172.16.0.1'))).toBe(16);
    expect(ipPrefix({}, at('192.168.1.1'))).toBe(24);
    expect(ipPrefix({}, at('fd00::1'))).toBe(64);
    expect(inSubnet(at('192.168.122.254'), at('192.168.122.1'), 24)).toBe(true);
    expect(inSubnet(at('192.168.123.1'), at('192.168.122.1'), 24)).toBe(false);
  });
});
