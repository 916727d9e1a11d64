/**
 * The values the editor's form offers in its dropdowns, each a pick from its schema table in
 * the form's order (a value the definition has beyond these is still shown and kept). Typed
 * by the tables, so a value the schema does not know fails to compile.
 */
import type { BootDevice } from './os.js';
import type { DiskBus, DiskDevice, DiskFormat } from './devices/disk.js';
import { PCIE_NIC_MODELS, type InterfaceType, type NicModel } from './devices/interface.js';

export const FORM_DISK_DEVICES = ['disk', 'cdrom'] as const satisfies readonly DiskDevice[];
export const FORM_DISK_BUSES = ['virtio', 'sata', 'scsi', 'ide', 'usb'] as const satisfies readonly DiskBus[];
export const FORM_DISK_FORMATS = ['qcow2', 'raw', 'iso'] as const satisfies readonly DiskFormat[];
export const FORM_INTERFACE_TYPES = ['user', 'network', 'bridge', 'direct'] as const satisfies readonly InterfaceType[];
/** NIC models every x86 guest OS has a driver for, the fastest first. */
export const FORM_NIC_MODELS = ['virtio', 'e1000e', 'e1000', 'rtl8139'] as const satisfies readonly NicModel[];
/** The NIC models the Devices tab plugs into a running guest: the form's, less those that need a PCIe slot (an i440FX guest has none). */
export const HOTPLUG_NIC_MODELS: readonly NicModel[] = FORM_NIC_MODELS.filter((model) => !PCIE_NIC_MODELS.includes(model));
/** Boot devices in the order the form offers them. */
export const FORM_BOOT_DEVICES = ['hd', 'cdrom', 'network', 'fd'] as const satisfies readonly BootDevice[];
