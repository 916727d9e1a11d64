import { readFileSync } from 'node:fs';
import { parseNetwork, type Network } from '@virtdeck/schema';
import { describe, expect, it } from 'vitest';
import type { NetworkHost } from '../build/context.js';
import { buildArgv } from '../buildArgv.js';
import { hostCapabilitiesFixture } from '../testing/conformance.js';
import { guest, jsonValues } from '../testing/domains.js';

const caps = hostCapabilitiesFixture();
const fixture = (name: string) => readFileSync(new URL(`../../../schema/fixtures/networks/valid/${name}.xml`, import.meta.url), 'utf8');

function network(xml: string): Network {
  const parsed = parseNetwork(xml).network;
  if (!parsed) throw new Error('test network did not parse');
  return parsed;
}

function host(networks: Network[], change: Partial<Omit<NetworkHost, 'networks'>> = {}): NetworkHost {
  return { networks: new Map(networks.map((n) => [n.name ?? '', n])), bridges: new Set(), privileged: true, ...change };
}

const nic = (source: string, extra = '') => `<interface type='network'><source ${source}/><mac address='52:54:00:00:00:01'/><model type='virtio'/>${extra}</interface>`;

function build(devices: string, networks?: NetworkHost) {
  const result = buildArgv(guest({ devices }), caps, undefined, networks === undefined ? {} : { networks });
  return { netdevs: jsonValues(result.argv, '-netdev'), diagnostics: result.diagnostics, nics: jsonValues(result.argv, '-device').filter((d) => d.driver === 'virtio-net-pci') };
}

describe('type=network interfaces', () => {
  it("run libvirt's default NAT network as user-mode networking with its subnet, gateway and DHCP range", () => {
    const { netdevs, nics, diagnostics } = build(nic("network='default'"), host([network(fixture('default'))]));
    // slirp's DNS forwarder would sit at .3, inside the leases from .2: it moves to .254
    expect(netdevs).toEqual([{ type: 'user', net: '192.168.122.0/24', host: '192.168.122.1', dhcpstart: '192.168.122.2', dns: '192.168.122.254', id: 'hostnet0' }]);
    expect(nics[0]?.netdev).toBe('hostnet0');
    expect(diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
  });

  it("turn the interface's <portForward>s into slirp host forwards", () => {
    const forward = "<portForward proto='tcp' address='127.0.0.1'><range start='2222' to='22'/></portForward>";
    const { netdevs } = build(nic("network='default'", forward), host([network(fixture('default'))]));
    expect(netdevs[0]?.hostfwd).toEqual([{ str: 'tcp:127.0.0.1:2222-:22' }]);
  });

  it('keep the default DNS address when the DHCP range leaves it free, and map domain, TFTP, boot file and IPv6', () => {
    const { netdevs, diagnostics } = build(nic("network='lab'"), host([network(fixture('nat-full'))]));
    expect(netdevs[0]).toEqual({
      type: 'user',
      net: '10.7.0.0/24',
      host: '10.7.0.1',
      dhcpstart: '10.7.0.100',
      tftp: '/srv/tftp',
      bootfile: 'pxelinux.0',
      'ipv6-net': 'fd00:7::/64',
      'ipv6-host': 'fd00:7::1',
      domainname: 'lab.example',
      id: 'hostnet0',
    });
    // the fixed lease and the DNS records are said to be ignored, not dropped in silence
    expect(diagnostics.filter((d) => d.severity === 'warning').map((d) => d.message)).toEqual([
      expect.stringMatching(/fixed DHCP address is ignored/),
      expect.stringMatching(/DNS records and forwarders are ignored/),
    ]);
  });

  it('keep an isolated network (no <forward>) from reaching out', () => {
    const { netdevs } = build(nic("network='isolated'"), host([network(fixture('isolated'))]));
    expect(netdevs[0]).toMatchObject({ type: 'user', restrict: true, net: '192.168.200.0/24', host: '192.168.200.1', dhcpstart: '192.168.200.10' });
  });

  it('refuse a network that is not defined, naming those that are', () => {
    const { netdevs, diagnostics } = build(nic("network='lab'"), host([network(fixture('default'))]));
    expect(netdevs).toEqual([]);
    expect(diagnostics).toContainEqual(expect.objectContaining({ severity: 'error', scope: 'host', code: 'network-unknown', message: "There is no network 'lab'; defined: default." }));
  });

  it('attach a tap to the host bridge of a forward mode=bridge network', () => {
    const { netdevs } = build(nic("network='host-bridge'"), host([network(fixture('host-bridge'))], { bridges: new Set(['br0']) }));
    expect(netdevs).toEqual([{ type: 'tap', ifname: 'vd0', script: 'no', downscript: 'no', id: 'hostnet0' }]);
  });

  it('refuse a missing host bridge by its name, and a bridge without root', () => {
    const missing = build(nic("network='host-bridge'"), host([network(fixture('host-bridge'))]));
    expect(missing.diagnostics).toContainEqual(
      expect.objectContaining({ severity: 'error', scope: 'host', code: 'host-bridge-missing', message: "There is no bridge 'br0' of the network 'host-bridge' on this host: create it, or use a NAT network." }),
    );
    expect(missing.netdevs).toEqual([]);
    const unprivileged = build(nic("network='host-bridge'"), host([network(fixture('host-bridge'))], { bridges: new Set(['br0']), privileged: false }));
    expect(unprivileged.diagnostics).toContainEqual(expect.objectContaining({ severity: 'error', scope: 'host', code: 'host-privileges-needed' }));
  });

  it('show a network as user-mode networking in a preview that does not know the host', () => {
    const { netdevs, diagnostics } = build(nic("network='default'"));
    expect(netdevs).toEqual([{ type: 'user', id: 'hostnet0' }]);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});

describe('type=bridge interfaces', () => {
  const bridgeNic = "<interface type='bridge'><source bridge='br9'/><mac address='52:54:00:00:00:02'/><model type='virtio'/></interface>";

  it('refuse a host bridge that does not exist, naming it', () => {
    const { netdevs, diagnostics } = build(bridgeNic, host([]));
    expect(netdevs).toEqual([]);
    expect(diagnostics).toContainEqual(expect.objectContaining({ severity: 'error', scope: 'host', code: 'host-bridge-missing', message: "There is no bridge 'br9' on this host: create it, or use a NAT network." }));
  });

  const launch = (devices: string, change: Partial<Omit<NetworkHost, 'networks'>> = {}, domainType = 'qemu') => {
    const result = buildArgv(guest({ devices, type: domainType }), caps, { qmpSocket: '/run/x/qmp.sock' }, { networks: host([], { bridges: new Set(['br9']), tapPrefix: 'vdabcdef01', ...change }) });
    return { netdevs: jsonValues(result.argv, '-netdev'), taps: result.launch.taps, diagnostics: result.diagnostics };
  };

  it('attach to an existing one through a tap the server makes (QEMU opens it by name, runs no helper)', () => {
    const { netdevs, taps, diagnostics } = launch(bridgeNic);
    expect(netdevs).toEqual([{ type: 'tap', ifname: 'vdabcdef010', script: 'no', downscript: 'no', id: 'hostnet0' }]);
    expect(taps).toEqual([{ ifname: 'vdabcdef010', bridge: 'br9', mac: '52:54:00:00:00:02' }]);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it("name each tap of the guest apart, honour <target dev> unless it is one of libvirt's generated names, and skip those in use", () => {
    const second = "<interface type='bridge'><source bridge='br9'/><target dev='vnet7'/><mac address='52:54:00:00:00:03'/><model type='virtio'/><mtu size='9000'/></interface>";
    const named = "<interface type='bridge'><source bridge='br9'/><target dev='guest-web'/><mac address='52:54:00:00:00:04'/><model type='e1000'/></interface>";
    const { taps } = launch(bridgeNic + second + named, { tapsInUse: new Set(['vdabcdef010']) });
    expect(taps).toEqual([
      { ifname: 'vdabcdef011', bridge: 'br9', mac: '52:54:00:00:00:02' },
      { ifname: 'vdabcdef012', bridge: 'br9', mac: '52:54:00:00:00:03', mtu: 9000 },
      { ifname: 'guest-web', bridge: 'br9', mac: '52:54:00:00:00:04' },
    ]);
  });

  it('refuse a <target dev> no tap can be named, a tap QEMU cannot open, and vhost where it cannot be had', () => {
    const bad = "<interface type='bridge'><source bridge='br9'/><target dev='-far-too-long-name'/><mac address='52:54:00:00:00:02'/></interface>";
    expect(launch(bad).diagnostics).toContainEqual(expect.objectContaining({ severity: 'error', code: 'invalid-value' }));
    const blocked = launch(bridgeNic, { tapBlocked: 'QEMU runs as virtdeck-qemu, who cannot open /dev/net/tun (mode 0600).' });
    expect(blocked.netdevs).toEqual([]);
    expect(blocked.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'host-privileges-needed', message: "Attaching to the host bridge 'br9' needs a tap device that QEMU can open: QEMU runs as virtdeck-qemu, who cannot open /dev/net/tun (mode 0600)." }),
    );
    const vhost = bridgeNic.replace('<model', "<driver name='vhost'/><model");
    expect(launch(vhost, { vhostNet: true }).diagnostics).toContainEqual(expect.objectContaining({ code: 'host-privileges-needed', message: "<driver name='vhost'> asks for vhost-net, but vhost-net needs KVM, and this guest runs under tcg." }));
  });

  it('give a virtio NIC vhost-net under KVM only where QEMU can open /dev/vhost-net', () => {
    expect(launch(bridgeNic, { vhostNet: true }, 'kvm').netdevs[0]).toMatchObject({ type: 'tap', vhost: true });
    expect(launch(bridgeNic, { vhostNet: false }, 'kvm').netdevs[0]).not.toHaveProperty('vhost');
    expect(launch(bridgeNic, { vhostNet: true }, 'qemu').netdevs[0]).not.toHaveProperty('vhost');
    expect(launch(bridgeNic.replace('<model', "<driver name='qemu'/><model"), { vhostNet: true }, 'kvm').netdevs[0]).toMatchObject({ vhost: false });
  });
});
