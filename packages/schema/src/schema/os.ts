/** <os>: guest type, firmware, direct kernel boot, boot order, BIOS options. */
import { ACCELERATORS, ACCELERATOR_VALUES, OS_TYPE_ACCELERATOR_WORDS } from '../model/accelerators.js';
import { DISK_TYPES } from '../model/devices/disk.js';
import { ACPI_TABLE_TYPES, ARCHITECTURES, BOOT_DEVICES, FIRMWARE_FEATURES, FIRMWARE_FORMATS, FIRMWARE_KINDS, LOADER_TYPES, OS_TYPES, SMBIOS_MODES, X86_MACHINES } from '../model/os.js';
import { YES_NO, yesNo } from './common.js';
import { sourceParts } from './devices/disk.js';
import { textOf } from './shorthands.js';
import { attr, data, element, many, must, one, oneOf, required, suggest } from './types.js';

/**
 * The legacy accelerator words are read in <os><type> but never offered; one that still runs
 * says what to write instead.
 */
export const OS_TYPE_LEGACY: Readonly<Record<string, string>> = Object.fromEntries(
  OS_TYPE_ACCELERATOR_WORDS.map((word) => [
    word,
    ACCELERATORS[word].status === 'available' ? `historical spelling of the accelerator: write <domain type="${word}"> and hvm here` : 'historical spelling of the accelerator',
  ]),
);
export const osSpec = element('how the guest boots: its type, firmware, kernel, boot order', {
  attributes: { firmware: attr('let libvirt pick the firmware of this kind', oneOf(FIRMWARE_KINDS)) },
  children: {
    type: must(
      element('the guest type (hvm for QEMU) with its architecture and machine', {
        text: { kind: 'enum', values: OS_TYPES, accepted: OS_TYPE_LEGACY },
        attributes: {
          arch: attr('the guest CPU architecture', suggest(ARCHITECTURES, 'machine')),
          machine: attr('the QEMU machine type', suggest(X86_MACHINES, 'machine')),
          accel: attr('historical spelling of the accelerator (write it in <domain type>)', oneOf(ACCELERATOR_VALUES)),
        },
      }),
    ),
    firmware: one(
      element('required features of an automatically selected firmware', {
        children: {
          feature: many(
            element('a firmware feature', {
              attributes: {
                enabled: required('whether the firmware must have it', oneOf(YES_NO)),
                name: required('the feature', oneOf(FIRMWARE_FEATURES)),
              },
            }),
            1,
          ),
        },
      }),
    ),
    loader: one(
      element('the firmware image', {
        text: data('absPath'),
        textOptional: true,
        attributes: {
          readonly: yesNo('map the image read-only (needed for pflash UEFI)'),
          secure: yesNo('Secure Boot (needs SMM)'),
          type: attr('how the image is mapped', oneOf(LOADER_TYPES)),
          stateless: yesNo('no NVRAM variable store'),
          format: attr('image format', oneOf(FIRMWARE_FORMATS)),
        },
      }),
    ),
    nvram: one(
      element('the UEFI variable store of this guest: a path, or a <source> like a disk\'s', {
        text: data('absPath'),
        textOptional: true,
        attributes: {
          template: attr('the file the store is created from', data('absPath')),
          templateFormat: attr('the image format of the template', oneOf(FIRMWARE_FORMATS)),
          format: attr('image format', oneOf(FIRMWARE_FORMATS)),
          type: attr('the storage type of the <source>', oneOf(DISK_TYPES)),
        },
        variants: { attribute: 'type', default: 'file', cases: Object.fromEntries(Object.keys(DISK_TYPES).map((t) => [t, sourceParts(t)])) },
      }),
    ),
    kernel: one(textOf('a kernel image to boot directly', data('absPath'))),
    initrd: one(textOf('an initial ramdisk for direct kernel boot', data('absPath'))),
    root: one(textOf('the root device (Xen)', data('absPath'))),
    cmdline: one(element('the kernel command line for direct kernel boot', { text: data('string'), textOptional: true })),
    dtb: one(textOf('a device tree binary (ARM)', data('absPath'))),
    shim: one(textOf('a UEFI shim loaded before the kernel', data('absPath'))),
    boot: many(element('a boot device; several give the order', { attributes: { dev: required('the device class to boot from', oneOf(BOOT_DEVICES)) } })),
    bootmenu: one(
      element('the interactive boot menu', {
        attributes: { enable: required('show the boot menu', oneOf(YES_NO)), timeout: attr('milliseconds to wait, 0–65535', data('ushort')) },
      }),
    ),
    smbios: one(element('where the SMBIOS tables come from', { attributes: { mode: required('the SMBIOS mode', oneOf(SMBIOS_MODES)) } })),
    bios: one(
      element('BIOS options', {
        attributes: {
          useserial: yesNo('show BIOS messages on the serial port'),
          rebootTimeout: attr('milliseconds before rebooting when no boot device is found (-1: never)', data('rebootTimeout')),
        },
      }),
    ),
    acpi: one(
      element('extra ACPI tables', {
        children: {
          table: many(
            element('an ACPI table file', {
              text: data('absPath'),
              attributes: { type: required('the table type', oneOf(ACPI_TABLE_TYPES)) },
            }),
          ),
        },
      }),
    ),
    init: one(textOf('the init program (containers)', data('absPath'))),
    initarg: many(textOf('an argument of the init program', data('string'))),
    initenv: many(element('an environment variable of init', { text: data('string'), textOptional: true, attributes: { name: required('the variable', data('envName')) } })),
    initdir: one(textOf('the working directory of init', data('absPath'))),
    inituser: one(textOf('the user init runs as', data('genericName'))),
    initgroup: one(textOf('the group init runs as', data('genericName'))),
  },
});
