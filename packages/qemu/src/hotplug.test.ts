import { validateDomain } from '@virtdeck/schema';
import { describe, expect, it } from 'vitest';
import { buildArgv } from './buildArgv.js';
import { buildHotplugArgs, deviceAlias, hotplugBuses } from './hotplug.js';

const domain = (machine: string, devices: string) =>
  validateDomain(`<domain type='qemu'>
  <name>h</name>
  <memory unit='MiB'>64</memory>
  <os><type arch='x86_64' machine='${machine}'>hvm</type></os>
  <devices>
${devices}
  </devices>
</domain>`).domain!;

const hot = `<disk type='file' device='disk'>
      <driver name='qemu' type='qcow2' cache='none'/>
      <source file='/images/hot,1.qcow2'/>
      <backingStore type='file'><format type='raw'/><source file='/images/base.raw'/></backingStore>
      <target dev='vdb' bus='virtio'/>
      <serial>data 1</serial>
      <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>
    </disk>`;
const rootPorts = `<controller type='pci' index='0' model='pcie-root'/>
    <controller type='pci' index='1' model='pcie-root-port'/>
    <controller type='pci' index='2' model='pcie-root-port'/>`;

describe('hot-plug arguments come from the command line builders', () => {
  it('gives a disk the -blockdev chain and -device a start would, numbered from the first free node', () => {
    const d = domain('q35', `${rootPorts}\n    ${hot}`);
    const disk = d.devices.disks[0]!;
    const args = buildHotplugArgs(d, undefined, { kind: 'disk', disk }, { firstNode: 7 });
    expect(args.diagnostics.filter((x) => x.severity === 'error')).toEqual([]);
    expect(args.blockdevs.map((b) => b['node-name'])).toEqual(['libvirt-8-storage', 'libvirt-7-storage', 'libvirt-7-format']);
    // The file name with its comma is data in JSON, never an option separator.
    expect(args.blockdevs[1]).toMatchObject({ driver: 'file', filename: '/images/hot,1.qcow2', cache: { direct: true, 'no-flush': false } });
    expect(args.blockdevs[2]).toMatchObject({ driver: 'qcow2', file: 'libvirt-7-storage', backing: 'libvirt-8-storage' });
    expect(args.device).toMatchObject({ driver: 'virtio-blk-pci', bus: 'pci.1', addr: '0x0', drive: 'libvirt-7-format', id: 'virtio-disk1', serial: 'data\\ 1', 'write-cache': 'on' });

    // The same disk in a start: the same device, node numbers apart.
    const argv = buildArgv(d, undefined).argv;
    const started = JSON.parse(argv[argv.indexOf('-device', argv.findIndex((a) => a.includes('virtio-blk-pci')) - 1) + 1]!) as Record<string, unknown>;
    expect({ ...args.device, drive: undefined }).toEqual({ ...started, drive: undefined });
  });

  it('names a NIC and its netdev after the id QEMU does not use yet', () => {
    const d = domain('pc', `<interface type='user'><mac address='52:54:00:00:00:02'/><model type='virtio'/><address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/></interface>`);
    const args = buildHotplugArgs(d, undefined, { kind: 'interface', iface: d.devices.interfaces[0]!, id: 'net3' });
    expect(args.netdev).toEqual({ type: 'user', id: 'hostnet3' });
    expect(args.device).toMatchObject({ driver: 'virtio-net-pci', netdev: 'hostnet3', id: 'net3', mac: '52:54:00:00:00:02', bus: 'pci.0', addr: '0x5' });
  });

  it("throttles a disk with <iotune> after its device_add, as a start does before the CPUs run", () => {
    const d = domain('q35', `${rootPorts}\n    ${hot.replace('<serial>', '<iotune><total_iops_sec>30</total_iops_sec><group_name>slow</group_name></iotune><serial>')}`);
    const args = buildHotplugArgs(d, undefined, { kind: 'disk', disk: d.devices.disks[0]! }, { firstNode: 7 });
    expect(args.diagnostics.filter((x) => x.severity !== 'info')).toEqual([]);
    expect(args.qmp).toEqual([
      { execute: 'block_set_io_throttle', arguments: { id: '/machine/peripheral/virtio-disk1/virtio-backend', bps: 0, bps_rd: 0, bps_wr: 0, iops: 30, iops_rd: 0, iops_wr: 0, group: 'slow' } },
    ]);
  });

  it('makes a tap for a NIC on a host bridge with the next name the guest has free', () => {
    const d = domain('pc', `<interface type='bridge'><source bridge='br9'/><mac address='52:54:00:00:00:02'/><model type='virtio'/><address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/></interface>`);
    const networks = { networks: new Map(), bridges: new Set(['br9']), privileged: true, tapPrefix: 'vdabcdef01', tapsInUse: new Set(['vdabcdef010']) };
    const args = buildHotplugArgs(d, undefined, { kind: 'interface', iface: d.devices.interfaces[0]!, id: 'net1' }, { networks });
    expect(args.netdev).toEqual({ type: 'tap', ifname: 'vdabcdef011', script: 'no', downscript: 'no', id: 'hostnet1' });
    expect(args.taps).toEqual([{ ifname: 'vdabcdef011', bridge: 'br9', mac: '52:54:00:00:00:02' }]);
  });

  it('reports only what is wrong with the device itself', () => {
    const d = domain('q35', `<disk type='file' device='disk'><source file='/x.img'/><target dev='sdb' bus='sd'/></disk>`);
    const args = buildHotplugArgs(d, undefined, { kind: 'disk', disk: d.devices.disks[0]! });
    expect(args.diagnostics.some((x) => x.severity === 'error')).toBe(true);
    expect(args.device).toBeUndefined();
  });

  it('offers i440fx root slots and PCIe ports for hot-plug, never pcie.0', () => {
    expect(hotplugBuses(domain('pc', ''), undefined)).toEqual([{ bus: 0, name: 'pci.0', slots: Array.from({ length: 31 }, (_, i) => i + 1) }]);
    expect(hotplugBuses(domain('q35', rootPorts), undefined)).toEqual([
      { bus: 1, name: 'pci.1', slots: [0] },
      { bus: 2, name: 'pci.2', slots: [0] },
    ]);
  });

  it('offers pcie-root-ports added without an index, as the hint for a full q35 guest suggests', () => {
    const ports = "<controller type='pci' model='pcie-root-port'/><controller type='pci' model='pcie-root-port'/>";
    expect(hotplugBuses(domain('q35', ports), undefined).slice(0, 2)).toEqual([
      { bus: 1, name: 'pci.1', slots: [0] },
      { bus: 2, name: 'pci.2', slots: [0] },
    ]);
  });

  it('tells the id a start gave a device', () => {
    const d = domain('q35', `${rootPorts}\n    ${hot}`);
    expect(deviceAlias(d, undefined, d.devices.disks[0]!)).toBe('virtio-disk1');
  });
});
