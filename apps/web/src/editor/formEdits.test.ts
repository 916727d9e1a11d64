import { applyEdits, parseDomain } from '@virtdeck/schema';
import { describe, expect, it } from 'vitest';
import type { FormChange } from './domainForm';
import { formEdits } from './formEdits';
import { readDomainForm } from './readDomainForm';

const DEMO = `<domain type='qemu'>
  <name>demo</name>
  <!-- sized for the busybox initramfs -->
  <memory unit='MiB'>256</memory>
  <currentMemory unit='MiB'>256</currentMemory>
  <vcpu placement='static'>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <kernel>/cache/vmlinuz</kernel>
    <boot dev='hd'/>
  </os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/images/demo.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <interface type='user'>
      <model type='virtio'/>
    </interface>
  </devices>
</domain>
`;

function change(text: string, c: FormChange): string {
  const { document, domain } = parseDomain(text);
  return applyEdits(text, formEdits(document, domain, c));
}

/** The lines that differ between two texts of the same length in lines. */
function changedLines(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  expect(b).toHaveLength(a.length);
  return b.filter((line, i) => line !== a[i]);
}

const formOf = (text: string) => readDomainForm(parseDomain(text).domain!);

describe('reading the form', () => {
  it('shows the settings the text holds', () => {
    expect(formOf(DEMO)).toEqual({
      name: 'demo',
      accelerator: 'qemu',
      acceleratorSpelling: 'canonical',
      memoryMiB: 256,
      vcpus: 1,
      arch: 'x86_64',
      machine: 'q35',
      emulator: '/usr/bin/qemu-system-x86_64',
      cpu: {},
      boot: ['hd'],
      perDeviceBoot: false,
      disks: [{ type: 'file', device: 'disk', source: '/images/demo.qcow2', targetDev: 'vda', targetBus: 'virtio', format: 'qcow2', readonly: false }],
      interfaces: [{ type: 'user', model: 'virtio' }],
      firmware: { choice: 'bios' },
    });
  });

  it('reads the accelerator whatever spelling the text uses', () => {
    const legacy = DEMO.replace("<domain type='qemu'>", '<domain>').replace('>hvm</type>', '>kvm</type>');
    expect(formOf(legacy)).toMatchObject({ accelerator: 'kvm', acceleratorSpelling: 'os-type' });
  });
});

describe('form changes as minimal edits', () => {
  it('switches the accelerator in that one place', () => {
    const after = change(DEMO, { kind: 'accelerator', value: 'kvm' });
    expect(changedLines(DEMO, after)).toEqual(["<domain type='kvm'>"]);
  });

  it('rewrites a historical spelling into the canonical one', () => {
    const legacy = DEMO.replace("<type arch='x86_64' machine='q35'>hvm</type>", "<type arch='x86_64' machine='q35' accel='kvm'>qemu</type>");
    const after = change(legacy, { kind: 'accelerator', value: 'kvm' });
    expect(after).toContain("<domain type='kvm'>");
    expect(after).toContain("<type arch='x86_64' machine='q35'>hvm</type>");
    expect(formOf(after)).toMatchObject({ accelerator: 'kvm', acceleratorSpelling: 'canonical' });
  });

  it('changes memory in the unit the text uses, with currentMemory when they were equal, comments untouched', () => {
    const after = change(DEMO, { kind: 'memory', mib: 512 });
    expect(changedLines(DEMO, after)).toEqual(["  <memory unit='MiB'>512</memory>", "  <currentMemory unit='MiB'>512</currentMemory>"]);
    expect(after).toContain('<!-- sized for the busybox initramfs -->');
  });

  it('keeps a larger unit when the new size fits it, and falls back to MiB when not', () => {
    const gib = DEMO.replace("<memory unit='MiB'>256</memory>", "<memory unit='GiB'>1</memory>").replace(/ *<currentMemory[^\n]*\n/, '');
    expect(change(gib, { kind: 'memory', mib: 2048 })).toContain("<memory unit='GiB'>2</memory>");
    expect(change(gib, { kind: 'memory', mib: 1536 })).toContain("<memory unit='MiB'>1536</memory>");
  });

  it('sets the vCPU count, and lowers `current` that would exceed it', () => {
    expect(changedLines(DEMO, change(DEMO, { kind: 'vcpus', count: 4 }))).toEqual(["  <vcpu placement='static'>4</vcpu>"]);
    const withCurrent = DEMO.replace("<vcpu placement='static'>1</vcpu>", "<vcpu placement='static' current='4'>8</vcpu>");
    expect(change(withCurrent, { kind: 'vcpus', count: 2 })).toContain("<vcpu placement='static' current='2'>2</vcpu>");
  });

  it('renames the guest', () => {
    expect(changedLines(DEMO, change(DEMO, { kind: 'name', value: 'web & db' }))).toEqual(['  <name>web &amp; db</name>']);
  });

  it('sets the machine type', () => {
    expect(changedLines(DEMO, change(DEMO, { kind: 'machine', value: 'pc' }))).toEqual(["    <type arch='x86_64' machine='pc'>hvm</type>"]);
  });

  it('adds a <cpu> where libvirt puts it, nested and indented, and removes it for the default', () => {
    const custom = change(DEMO, { kind: 'cpu', mode: 'custom', model: 'Skylake-Client' });
    expect(custom).toContain(
      "  </os>\n  <cpu mode='custom' match='exact' check='none'>\n    <model fallback='allow'>Skylake-Client</model>\n  </cpu>\n  <devices>",
    );
    expect(formOf(custom).cpu).toEqual({ mode: 'custom', model: 'Skylake-Client' });
    const other = change(custom, { kind: 'cpu', mode: 'custom', model: 'qemu64' });
    expect(changedLines(custom, other)).toEqual(["    <model fallback='allow'>qemu64</model>"]);
    const passthrough = change(custom, { kind: 'cpu', mode: 'host-passthrough' });
    expect(formOf(passthrough).cpu).toEqual({ mode: 'host-passthrough' });
    expect(change(passthrough, { kind: 'cpu', mode: 'default' })).toBe(DEMO);
  });

  it('rewrites the boot order in place, adding and dropping devices', () => {
    const two = change(DEMO, { kind: 'boot', devices: ['cdrom', 'hd'] });
    expect(two).toContain("    <boot dev='cdrom'/>\n    <boot dev='hd'/>\n  </os>");
    expect(formOf(two).boot).toEqual(['cdrom', 'hd']);
    expect(formOf(change(two, { kind: 'boot', devices: ['network'] })).boot).toEqual(['network']);
    expect(change(two, { kind: 'boot', devices: [] })).not.toContain('<boot');
  });

  it('edits a disk field by field', () => {
    const after = change(DEMO, { kind: 'disk', index: 0, field: 'source', value: '/images/other.qcow2' });
    expect(changedLines(DEMO, after)).toEqual(["      <source file='/images/other.qcow2'/>"]);
    expect(formOf(change(DEMO, { kind: 'disk', index: 0, field: 'targetBus', value: 'sata' })).disks[0]!.targetBus).toBe('sata');
    expect(formOf(change(DEMO, { kind: 'disk', index: 0, field: 'format', value: 'raw' })).disks[0]!.format).toBe('raw');
  });

  it('adds a disk after the last one with a free target name, and removes it again', () => {
    const added = change(DEMO, { kind: 'add-disk', device: 'disk' });
    expect(added).toContain(
      "      <target dev='vda' bus='virtio'/>\n    </disk>\n    <disk type='file' device='disk'>\n      <driver name='qemu' type='qcow2'/>\n      <target dev='vdb' bus='virtio'/>\n    </disk>\n    <interface",
    );
    expect(change(added, { kind: 'remove-disk', index: 1 })).toBe(DEMO);
  });

  it('switches an interface type with a matching <source>, and sets its model and MAC', () => {
    const network = change(DEMO, { kind: 'interface', index: 0, field: 'type', value: 'network' });
    expect(formOf(network).interfaces[0]).toEqual({ type: 'network', source: 'default', model: 'virtio' });
    const bridge = change(network, { kind: 'interface', index: 0, field: 'type', value: 'bridge' });
    expect(formOf(bridge).interfaces[0]).toMatchObject({ type: 'bridge', source: 'br0' });
    const named = change(bridge, { kind: 'interface', index: 0, field: 'source', value: 'virbr1' });
    expect(formOf(named).interfaces[0]!.source).toBe('virbr1');
    const user = change(named, { kind: 'interface', index: 0, field: 'type', value: 'user' });
    expect(user).toBe(DEMO);
    const withMac = change(DEMO, { kind: 'interface', index: 0, field: 'mac', value: '52:54:00:12:34:56' });
    expect(formOf(withMac).interfaces[0]!.mac).toBe('52:54:00:12:34:56');
  });

  it('adds and removes network interfaces', () => {
    const added = change(DEMO, { kind: 'add-interface' });
    expect(formOf(added).interfaces).toHaveLength(2);
    expect(change(added, { kind: 'remove-interface', index: 1 })).toBe(DEMO);
  });

  it('says so when the thing to change is gone', () => {
    expect(() => change(DEMO, { kind: 'remove-disk', index: 3 })).toThrow(/no disk number 4/);
    expect(() => change('<domain type="qemu"><name>x</name></domain>', { kind: 'machine', value: 'pc' })).toThrow(/no <os>/);
  });
});
