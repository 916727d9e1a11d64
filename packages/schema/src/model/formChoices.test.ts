import { describe, expect, it } from 'vitest';
import { FORM_BOOT_DEVICES, FORM_DISK_BUSES, FORM_DISK_DEVICES, FORM_DISK_FORMATS, FORM_INTERFACE_TYPES, FORM_NIC_MODELS, HOTPLUG_NIC_MODELS, knownNicModel, validateDomain } from '../index.js';

const definition = (devices: string, os = '') => `<domain type='qemu'>
  <name>g</name>
  <memory>131072</memory>
  <os><type arch='x86_64' machine='pc'>hvm</type>${os}</os>
  <devices>${devices}</devices>
</domain>
`;
const errors = (xml: string) => validateDomain(xml).diagnostics.filter((d) => d.severity === 'error' && d.scope !== 'host');

describe("the form's choices", () => {
  it('are each a value the schema accepts where the form writes it', () => {
    for (const model of FORM_NIC_MODELS) expect(errors(definition(`<interface type='user'><model type='${model}'/></interface>`)), model).toEqual([]);
    for (const type of FORM_INTERFACE_TYPES) {
      const source = type === 'user' ? '' : type === 'network' ? "<source network='default'/>" : type === 'bridge' ? "<source bridge='br0'/>" : "<source dev='eth0' mode='bridge'/>";
      expect(errors(definition(`<interface type='${type}'>${source}</interface>`)), type).toEqual([]);
    }
    for (const bus of FORM_DISK_BUSES) {
      for (const device of FORM_DISK_DEVICES) {
        for (const format of FORM_DISK_FORMATS) {
          const disk = `<disk type='file' device='${device}'><driver name='qemu' type='${format}'/><source file='/i.img'/><target dev='${bus === 'virtio' ? 'vda' : bus === 'ide' ? 'hda' : 'sda'}' bus='${bus}'/></disk>`;
          expect(errors(definition(disk)), `${bus} ${device} ${format}`).toEqual([]);
        }
      }
    }
    expect(errors(definition('', FORM_BOOT_DEVICES.map((dev) => `<boot dev='${dev}'/>`).join('')))).toEqual([]);
  });

  it('hot-plugs the NIC models that need no PCIe slot', () => {
    expect(HOTPLUG_NIC_MODELS).toEqual(['virtio', 'e1000', 'rtl8139']);
  });

  it("spells a known NIC model libvirt's way and passes others on", () => {
    expect(knownNicModel('E1000E')).toBe('e1000e');
    expect(knownNicModel('i82551')).toBeUndefined();
  });
});
