import { defaultDriveAddress, validateDomain } from '@virtdeck/schema';
import { describe, expect, it } from 'vitest';
import { buildArgv } from './buildArgv.js';
import { hostCapabilitiesFixture } from './testing/conformance.js';
import { guest, jsonValues } from './testing/domains.js';

/** Eight SCSI disks, sda to sdh, none with an <address>. */
const disks = [...'abcdefgh']
  .map((l) => `<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='/var/lib/images/sd${l}.img'/><target dev='sd${l}' bus='scsi'/></disk>`)
  .join('\n');

const devicesOf = (controllers: string) => {
  // The schema assigns the same addresses: no two disks share one.
  expect(validateDomain(textOf(controllers)).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const domain = guest({ devices: `${controllers}\n${disks}` });
  const devices = jsonValues(buildArgv(domain, hostCapabilitiesFixture()).argv, '-device');
  const disk = (id: string) => devices.find((d) => d.device_id === `drive-${id}`);
  return { devices, disk };
};

function textOf(controllers: string): string {
  return `<domain type='qemu'><name>demo</name><memory unit='MiB'>256</memory><os><type arch='x86_64' machine='q35'>hvm</type></os><devices>${controllers}\n${disks}</devices></domain>`;
}

describe('SCSI unit placement', () => {
  it("gives a controller 7 units, as libvirt's virDomainDiskDefAssignAddress: sdg is unit 6 of controller 0, sdh unit 0 of controller 1", () => {
    expect([0, 6, 7, 13, 14].map((index) => defaultDriveAddress('scsi', index))).toEqual([
      { controller: 0, bus: 0, target: 0, unit: 0 },
      { controller: 0, bus: 0, target: 0, unit: 6 },
      { controller: 1, bus: 0, target: 0, unit: 0 },
      { controller: 1, bus: 0, target: 0, unit: 6 },
      { controller: 2, bus: 0, target: 0, unit: 0 },
    ]);
    // The schema's checks place sdh there too: a disk given controller 1 unit 0 clashes with it.
    const clash = `<disk type='file' device='disk'><source file='/var/lib/images/x.img'/><target dev='sdz' bus='scsi'/><address type='drive' controller='1' bus='0' target='0' unit='0'/></disk>`;
    const conflicts = validateDomain(textOf(`<controller type='scsi' index='0' model='virtio-scsi'/>${clash}`)).diagnostics.filter((d) => d.code === 'address-conflict');
    expect(conflicts.map((d) => d.message)).toEqual(["The disk 'sdh' is at scsi controller 1 bus 0 target 0 unit 0, already used by 'sdz' (the address libvirt derives from the name)."]);
  });

  it('puts sda to sdg on the virtio-scsi controller as LUNs 0 to 6, and sdh on a second controller libvirt adds (an LSI on a PCIe-to-PCI bridge)', () => {
    const { devices, disk } = devicesOf("<controller type='scsi' index='0' model='virtio-scsi'/>");
    for (const [unit, l] of [...'abcdefg'].entries()) {
      expect(disk(`scsi0-0-0-${unit}`), `sd${l}`).toMatchObject({ driver: 'scsi-hd', bus: 'scsi0.0', channel: 0, 'scsi-id': 0, lun: unit });
    }
    expect(devices.filter((d) => d.driver === 'scsi-hd')).toHaveLength(8);
    expect(disk('scsi1-0-0')).toMatchObject({ driver: 'scsi-hd', bus: 'scsi1.0', 'scsi-id': 0 });
    expect(devices.find((d) => d.id === 'scsi1')).toMatchObject({ driver: 'lsi' });
  });

  it('puts sdh on LUN 0 of a second virtio-scsi controller when the definition has one', () => {
    const { devices, disk } = devicesOf("<controller type='scsi' index='0' model='virtio-scsi'/><controller type='scsi' index='1' model='virtio-scsi'/>");
    expect(disk('scsi0-0-0-6')).toMatchObject({ bus: 'scsi0.0', lun: 6 });
    expect(disk('scsi1-0-0-0')).toMatchObject({ driver: 'scsi-hd', bus: 'scsi1.0', channel: 0, 'scsi-id': 0, lun: 0 });
    expect(devices.filter((d) => d.driver === 'virtio-scsi-pci').map((d) => d.id)).toEqual(['scsi0', 'scsi1']);
  });
});
