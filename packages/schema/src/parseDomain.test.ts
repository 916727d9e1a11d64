import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatXml, parseDomain } from './index.js';

const demo = readFileSync(new URL('../fixtures/valid/demo-guest.xml', import.meta.url), 'utf8');

function domainOf(text: string) {
  const { domain, diagnostics } = parseDomain(text);
  expect(diagnostics).toEqual([]);
  if (domain === undefined) throw new Error('no domain');
  return domain;
}

const minimal = (type: string, osType: string) =>
  `<domain type='${type}'><name>g</name><memory>1024</memory><os>${osType}</os></domain>`;

describe('parseDomain: the typed model', () => {
  it('reads the demo guest: TCG, q35, direct kernel boot, 256 MiB, serial console', () => {
    const domain = domainOf(demo);
    expect(domain.type).toBe('qemu');
    expect(domain.typeSpelling).toBe('canonical');
    expect(domain.name).toBe('demo');
    expect(domain.memory?.kib).toBe(262144);
    expect(domain.currentMemory?.kib).toBe(262144);
    expect(domain.vcpu).toMatchObject({ count: 1, placement: 'static' });
    expect(domain.os).toMatchObject({
      type: 'hvm',
      arch: 'x86_64',
      machine: 'q35',
      kernel: '/var/lib/virtdeck/images/vmlinuz',
      initrd: '/var/lib/virtdeck/images/initramfs.cpio.gz',
      cmdline: 'console=ttyS0 quiet',
    });
    expect(domain.devices.serials).toHaveLength(1);
    expect(domain.devices.serials[0]).toMatchObject({ type: 'pty', target: { type: 'isa-serial', port: 0, model: 'isa-serial' } });
    expect(domain.devices.consoles[0]).toMatchObject({ type: 'pty', target: { type: 'serial', port: 0 } });
    expect(domain.devices.memballoon?.model).toBe('none');
    expect(domain.devices.disks).toEqual([]);
    expect(domain.onPoweroff).toBe('destroy');
    expect(domain.features?.acpi?.enabled).toBe(true);
  });

  it('keeps positions: the model points at its XML', () => {
    const domain = domainOf(demo);
    expect(domain.memory?.node.range.start).toMatchObject({ line: 4, column: 3 });
    expect(domain.devices.serials[0]?.node.nameRange.start).toMatchObject({ line: 24, column: 6 });
  });

  it('normalizes the three accelerator spellings to the effective accelerator', () => {
    expect(domainOf(minimal('kvm', '<type>hvm</type>'))).toMatchObject({ type: 'kvm', typeSpelling: 'canonical', os: { type: 'hvm' } });
    expect(domainOf(minimal('qemu', '<type>kvm</type>'))).toMatchObject({ type: 'kvm', typeSpelling: 'os-type', os: { type: 'hvm' } });
    expect(domainOf(minimal('qemu', "<type accel='kvm'>qemu</type>"))).toMatchObject({
      type: 'kvm',
      typeSpelling: 'os-type-accel',
      os: { type: 'hvm' },
    });
    expect(domainOf(minimal('kqemu', '<type>hvm</type>')).type).toBe('kqemu');
  });

  it('normalizes sizes to KiB with libvirt unit rules', () => {
    const sizes: [string, number][] = [
      ["<memory unit='b'>1048576</memory>", 1024],
      ["<memory unit='bytes'>1000</memory>", 1],
      ["<memory unit='KB'>1024</memory>", 1000],
      ["<memory unit='k'>7</memory>", 7],
      ["<memory unit='MB'>1</memory>", 977],
      ["<memory unit='M'>2</memory>", 2048],
      ["<memory unit='GiB'>1</memory>", 1048576],
      ["<memory unit='GB'>1</memory>", 976563],
      ["<memory unit='T'>1</memory>", 1073741824],
      ['<memory>512</memory>', 512],
    ];
    for (const [xml, kib] of sizes) {
      const domain = domainOf(`<domain type='qemu'><name>g</name>${xml}<os><type>hvm</type></os></domain>`);
      expect(domain.memory?.kib, xml).toBe(kib);
    }
  });

  it('parses numbers (hex PCI addresses), booleans and enums', () => {
    const domain = domainOf(`<domain type='kvm'><name>g</name><memory>1</memory><os><type>hvm</type></os><devices>
      <disk type='file' device='cdrom'><source file='/a.iso'/><target dev='hdc' bus='ide'/><readonly/>
        <address type='drive' controller='0' bus='1' target='0' unit='0'/></disk>
      <interface type='user'><mac address='52:54:00:00:00:01'/><model type='virtio'/>
        <address type='pci' domain='0x0000' bus='0x00' slot='0x1f' function='0x7' multifunction='on'/></interface>
      <memballoon model='virtio' autodeflate='off'/>
    </devices></domain>`);
    expect(domain.devices.disks[0]).toMatchObject({
      type: 'file',
      device: 'cdrom',
      readonly: true,
      target: { dev: 'hdc', bus: 'ide' },
      address: { type: 'drive', controller: 0, bus: 1, target: 0, unit: 0 },
    });
    expect(domain.devices.interfaces[0]?.address).toMatchObject({ type: 'pci', domain: 0, bus: 0, slot: 31, function: 7, multifunction: true });
    expect(domain.devices.memballoon?.autodeflate).toBe(false);
  });

  it('reads qemu:commandline whatever prefix binds the namespace', () => {
    const domain = domainOf(`<domain type='qemu' xmlns:q='http://libvirt.org/schemas/domain/qemu/1.0'><name>g</name>
      <memory>1</memory><os><type>hvm</type></os>
      <q:commandline><q:arg value='-trace'/><q:arg value='kvm_*'/><q:env name='A' value='1'/></q:commandline></domain>`);
    expect(domain.qemuCommandline?.args.map((a) => a.value)).toEqual(['-trace', 'kvm_*']);
    expect(domain.qemuCommandline?.env.map(({ name, value }) => ({ name, value }))).toEqual([{ name: 'A', value: '1' }]);
  });

  it('has no model for a document whose root is not <domain>', () => {
    const result = parseDomain('<network><name>x</name></network>');
    expect(result.domain).toBeUndefined();
    expect(result.diagnostics.map((d) => d.code)).toEqual(['wrong-root']);
  });

  it('formats the demo guest back to the same text', () => {
    expect(formatXml(parseDomain(demo).document)).toBe(demo);
  });
});
