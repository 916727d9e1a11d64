import { describe, expect, it } from 'vitest';
import { buildArgv } from '../buildArgv.js';
import { hostCapabilitiesFixture } from '../testing/conformance.js';
import { guest } from '../testing/domains.js';

const caps = hostCapabilitiesFixture();

function errors(options: { extra?: string; devices?: string }) {
  return buildArgv(guest(options), caps).diagnostics.filter((d) => d.severity === 'error');
}

describe('disk secrets refuse the start rather than opening the disk without them', () => {
  const luks = "<encryption format='luks'><secret type='passphrase' uuid='0a81f5b2-8403-7b23-c8d6-21ccc2f80d6f'/></encryption>";
  it.each([
    ['on the disk', `<source file='/var/lib/a.qcow2'/>${luks}`],
    ['in its <source>', `<source file='/var/lib/a.qcow2'>${luks}</source>`],
    ['on its backing image', `<source file='/var/lib/a.qcow2'/><backingStore type='file'><format type='qcow2'/><source file='/var/lib/base.qcow2'>${luks}</source></backingStore>`],
  ])('an encrypted (LUKS) disk needs its secret: %s', (_where, inner) => {
    const found = errors({ devices: `<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>${inner}<target dev='vda' bus='virtio'/></disk>` });
    expect(found).toEqual([expect.objectContaining({ code: 'host-resource-needed', message: expect.stringMatching(/encrypted disk needs its secret/) })]);
  });

  it('a network disk with <auth> needs its credentials', () => {
    const found = errors({
      devices: `<disk type='network' device='disk'><driver name='qemu' type='raw'/><source protocol='iscsi' name='iqn.2013-07.com.example:iscsi-pool/1'><host name='example.com' port='3260'/><auth username='myuser'><secret type='iscsi' usage='libvirtiscsi'/></auth></source><target dev='vda' bus='virtio'/></disk>`,
    });
    expect(found).toEqual([expect.objectContaining({ code: 'host-resource-needed', message: expect.stringMatching(/authentication needs a secret store/) })]);
  });
});

describe('a transient disk refuses the start rather than writing into its image', () => {
  it('<transient/> is an error', () => {
    const found = errors({ devices: "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/var/lib/a.qcow2'/><target dev='vda' bus='virtio'/><transient/></disk>" });
    expect(found).toEqual([expect.objectContaining({ code: 'not-supported-yet', message: expect.stringMatching(/Transient disks .* the guest would not have it/) })]);
  });
});
