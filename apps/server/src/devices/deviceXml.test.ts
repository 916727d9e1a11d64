import { validateDomain } from '@virtdeck/schema';
import { describe, expect, it } from 'vitest';
import { VirtdeckError } from '../errors.js';
import { findDevice, parseDeviceXml, resolveTargets, withDevice, withMac, withMedium, withoutDevice, withSavedMedium } from './deviceXml.js';

const definition = `<domain type='qemu'>
  <name>d</name>
  <memory unit='MiB'>64</memory>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
  </os>
  <devices>
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <source file='/isos/a.iso'/>
      <target dev='hdc' bus='ide'/>
      <readonly/>
    </disk>
    <interface type='user'>
      <mac address='52:54:00:00:00:07'/>
    </interface>
  </devices>
</domain>
`;

const thrown = (f: () => unknown): VirtdeckError => {
  try {
    f();
  } catch (error) {
    if (error instanceof VirtdeckError) return error;
    throw error;
  }
  throw new Error('nothing was thrown');
};

describe('device XML of a change to a guest', () => {
  it('takes one <disk> or <interface> element and nothing else', () => {
    expect(parseDeviceXml('  <disk type="file"/>\n').kind).toBe('disk');
    expect(thrown(() => parseDeviceXml('<video/>')).message).toContain('not <video>');
    expect(thrown(() => parseDeviceXml('<disk>')).code).toBe('invalid-xml');
  });

  it('adds a device to <devices>, leaving the rest of the text as it was', () => {
    const disk = `<disk type='file' device='disk'>\n  <source file='/images/b.qcow2'/>\n  <target dev='vdb' bus='virtio'/>\n</disk>`;
    const added = withDevice(definition, parseDeviceXml(disk));
    expect(added.device.kind === 'disk' && added.device.disk.target?.dev).toBe('vdb');
    expect(added.xml).toContain("    </interface>\n    <disk type='file' device='disk'>\n      <source file='/images/b.qcow2'/>\n      <target dev='vdb' bus='virtio'/>\n    </disk>\n  </devices>");
    expect(added.xml.replace(/\n {4}<disk type='file' device='disk'>[\s\S]*?<\/disk>(?=\n {2}<\/devices>)/, '')).toBe(definition);
  });

  it('points at the line of the device XML that is wrong', () => {
    const error = thrown(() => withDevice(definition, parseDeviceXml(`<disk type='file' device='disk'>\n  <target dev='vdb' bus='floppy-ish'/>\n</disk>`)));
    expect(error.code).toBe('invalid-xml');
    expect(error.message).toContain('line 2 of the device XML');
    expect(error.diagnostics?.[0]?.range.start.line).toBe(2);
  });

  it('gives an interface a MAC when it has none, and keeps one it has', () => {
    const taken = new Set(['52:54:00:00:00:07']);
    const filled = withMac(parseDeviceXml(`<interface type='user'><model type='virtio'/></interface>`), taken);
    expect(filled.text).toMatch(/^<interface type='user'>\s*<mac address='52:54:00:[0-9a-f:]{8}'\/>/);
    expect(filled.text).not.toContain('52:54:00:00:00:07');
    const kept = `<interface type='user'><mac address='52:54:00:00:00:09'/></interface>`;
    expect(withMac(parseDeviceXml(kept), taken).text).toBe(kept);
  });

  it('removes a device named by target or MAC, and says when there is none', () => {
    const noCdrom = withoutDevice(definition, { target: 'hdc' }, 'd');
    expect(noCdrom).not.toContain('<disk');
    expect(noCdrom).toContain('<interface');
    expect(withoutDevice(definition, { mac: '52:54:00:00:00:07' }, 'd')).not.toContain('<interface');
    expect(thrown(() => withoutDevice(definition, { target: 'vdz' }, 'd')).code).toBe('not-found');
  });

  it('changes, ejects and inserts a CD-ROM medium, refusing a hard disk', () => {
    const changed = withSavedMedium(definition, 'hdc', "/isos/it's.iso", 'd');
    expect(changed).toContain("<source file='/isos/it&apos;s.iso'/>");
    expect(changed).not.toContain('a.iso');
    const ejected = withSavedMedium(definition, 'hdc', null, 'd');
    expect(ejected).not.toContain('<source');
    expect(validateDomain(ejected).valid).toBe(true);
    const disk = validateDomain(ejected).domain?.devices.disks[0];
    const inserted = withMedium(ejected, disk!, '/isos/b.iso');
    expect(inserted).toContain("<driver name='qemu' type='raw'/>\n      <source file='/isos/b.iso'/>");
    const withHardDisk = withDevice(definition, parseDeviceXml(`<disk type='file' device='disk'><source file='/x'/><target dev='vda' bus='virtio'/></disk>`)).xml;
    expect(thrown(() => withSavedMedium(withHardDisk, 'vda', null, 'd')).code).toBe('conflict');
  });

  it('applies to the running guest when it runs and neither is asked for, as libvirt does', () => {
    expect(resolveTargets({}, true)).toEqual({ live: true, config: false });
    expect(resolveTargets({}, false)).toEqual({ live: false, config: true });
    expect(resolveTargets({ live: true, config: true }, false)).toEqual({ live: true, config: true });
    expect(resolveTargets({ config: true }, true)).toEqual({ live: false, config: true });
  });

  it('finds a device by its alias as the layout names it', () => {
    const domain = validateDomain(definition).domain!;
    expect(findDevice(domain, undefined, { alias: 'ide0-1-0' })?.kind).toBe('disk');
    expect(findDevice(domain, undefined, { alias: 'net0' })?.kind).toBe('interface');
  });
});
