/** <sysinfo>: SMBIOS tables and fw_cfg entries. */
import { SMBIOS_BASEBOARD_ENTRIES, SMBIOS_BIOS_ENTRIES, SMBIOS_CHASSIS_ENTRIES, SMBIOS_SYSTEM_ENTRIES, SYSINFO_TYPES } from '../model/sysinfo.js';
import { attr, data, element, many, one, oneOf, required } from './types.js';

export const sysinfoEntries = (doc: string, names: Readonly<Record<string, string>>) =>
  element(doc, { children: { entry: many(element('one SMBIOS field', { text: data('string'), textOptional: true, attributes: { name: required('the field', oneOf(names)) } }), 1) } });
export const sysinfoSpec = element('system information tables (SMBIOS) or firmware configuration entries', {
  attributes: { type: required('smbios or fwcfg', oneOf(SYSINFO_TYPES)) },
  variants: {
    attribute: 'type',
    cases: {
      smbios: {
        children: {
          bios: one(sysinfoEntries('SMBIOS type 0: BIOS information', SMBIOS_BIOS_ENTRIES)),
          system: one(sysinfoEntries('SMBIOS type 1: system information', SMBIOS_SYSTEM_ENTRIES)),
          baseBoard: many(sysinfoEntries('SMBIOS type 2: baseboard information', SMBIOS_BASEBOARD_ENTRIES)),
          chassis: one(sysinfoEntries('SMBIOS type 3: chassis information', SMBIOS_CHASSIS_ENTRIES)),
          oemStrings: one(element('SMBIOS type 11: OEM strings', { children: { entry: many(element('one OEM string', { text: data('string'), textOptional: true }), 1) } })),
        },
      },
      fwcfg: {
        children: {
          entry: many(
            element('a firmware configuration entry', {
              text: data('string'),
              textOptional: true,
              attributes: { name: required('the fw_cfg name (opt/…)', data('string')), file: attr('take the value from this file', data('string')) },
            }),
          ),
        },
      },
    },
  },
});
