import { describe, expect, it } from 'vitest';
import { buildArgv } from '../buildArgv.js';
import { hostCapabilitiesFixture } from '../testing/conformance.js';
import { guest } from '../testing/domains.js';

const caps = hostCapabilitiesFixture();

function errors(options: { extra?: string; devices?: string }) {
  return buildArgv(guest(options), caps).diagnostics.filter((d) => d.severity === 'error');
}

const disk = (source: string) =>
  `<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='/var/lib/a.img'>${source}</source><target dev='vda' bus='virtio'/></disk>`;

describe('security labels refuse the start rather than being dropped', () => {
  it.each([
    ["<seclabel type='dynamic' model='selinux' relabel='yes'/>", /SELinux labelling .*type='dynamic' model='selinux'.* does not start/],
    ["<seclabel type='static' model='apparmor' relabel='no'><label>libvirt-x</label></seclabel>", /AppArmor labelling .*type='static'/],
    ["<seclabel type='dynamic'/>", /a security driver/],
    ["<seclabel type='static' model='dac' relabel='no'><label>107:107</label></seclabel>", /user:group .*model='dac'.* not supported by virtdeck yet/],
  ])('%s is an error on its line', (label, message) => {
    const found = errors({ extra: label });
    expect(found).toEqual([expect.objectContaining({ code: 'host-resource-needed', scope: 'host', message: expect.stringMatching(message) })]);
    expect(found[0]?.range.start.line).toBe(10);
  });

  it.each(["<seclabel type='none'/>", "<seclabel type='none' model='dac'/>", "<seclabel type='dynamic' model='none'/>"])('%s asks for nothing and starts', (label) => {
    expect(errors({ extra: label })).toEqual([]);
  });

  it("refuses a disk source's own <label>, accepts relabel='no'", () => {
    const found = errors({ devices: disk("<seclabel model='selinux' relabel='yes'><label>system_u:object_r:svirt_image_t:s0</label></seclabel>") });
    expect(found).toEqual([expect.objectContaining({ code: 'host-resource-needed', message: expect.stringMatching(/device security label/) })]);
    expect(errors({ devices: disk("<seclabel model='selinux' relabel='no'/>") })).toEqual([]);
  });
});
