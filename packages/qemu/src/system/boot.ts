/** Firmware (-bios, pflash), -boot, direct kernel boot, and the boot order of devices. */
import type { Disk } from '@virtdeck/schema';
import type { BuildContext } from '../build/context.js';
import { diskBus } from '../build/layout/deviceDefaults.js';
import { jsonOption, keyValue, type QemuOption } from '../options.js';
import { chooseFirmware, type FirmwareChoice } from './firmware.js';

export interface FirmwareArgs {
  /** -blockdev options for flash firmware, placed before -machine. */
  blockdevs: QemuOption[];
  /** -bios, placed after -cpu. */
  bios: QemuOption[];
  pflash0?: string;
  pflash1?: string;
  /** What was chosen (secure boot and SMM follow from it). */
  choice: FirmwareChoice;
}

export function buildFirmwareArgs(ctx: BuildContext): FirmwareArgs {
  const choice = chooseFirmware(
    {
      domain: ctx.domain,
      caps: ctx.caps,
      arch: ctx.domain.os.arch ?? ctx.caps?.host.arch ?? 'x86_64',
      machine: ctx.machine.type?.name ?? ctx.machine.name,
      ...(ctx.runtime?.nvramDir !== undefined ? { nvramDir: ctx.runtime.nvramDir } : {}),
    },
    ctx.diagnostics,
  );
  const result: FirmwareArgs = { blockdevs: [], bios: [], choice };
  const loader = choice.loader;
  if (!loader) return result;
  if (loader.type !== 'pflash') {
    result.bios.push({ flag: '-bios', value: loader.path });
    return result;
  }
  result.blockdevs.push(
    { flag: '-blockdev', value: jsonOption({ driver: 'file', filename: loader.path, 'node-name': 'libvirt-pflash0-storage', 'auto-read-only': true, discard: 'unmap' }) },
    { flag: '-blockdev', value: jsonOption({ 'node-name': 'libvirt-pflash0-format', 'read-only': loader.readonly, driver: loader.format, file: 'libvirt-pflash0-storage' }) },
  );
  result.pflash0 = 'libvirt-pflash0-format';
  const nvram = choice.nvram;
  if (!nvram) return result;
  if (nvram.format === 'raw') {
    result.blockdevs.push({ flag: '-blockdev', value: jsonOption({ driver: 'file', filename: nvram.path, 'node-name': 'libvirt-pflash1-storage', 'read-only': false }) });
    result.pflash1 = 'libvirt-pflash1-storage';
  } else {
    result.blockdevs.push(
      { flag: '-blockdev', value: jsonOption({ driver: 'file', filename: nvram.path, 'node-name': 'libvirt-pflash1-storage', 'auto-read-only': true, discard: 'unmap' }) },
      { flag: '-blockdev', value: jsonOption({ 'node-name': 'libvirt-pflash1-format', 'read-only': false, driver: nvram.format, file: 'libvirt-pflash1-storage' }) },
    );
    result.pflash1 = 'libvirt-pflash1-format';
  }
  return result;
}

export function buildBootArgs(ctx: BuildContext): QemuOption[] {
  const { os } = ctx.domain;
  const pairs: Array<[string, string | number | boolean | undefined]> = [];
  if (os.bootmenu?.enable !== undefined) pairs.push(['menu', os.bootmenu.enable]);
  if (os.bootmenu?.enable && os.bootmenu.timeout !== undefined) pairs.push(['splash-time', os.bootmenu.timeout]);
  if (os.bios?.rebootTimeout !== undefined) pairs.push(['reboot-timeout', os.bios.rebootTimeout]);
  pairs.push(['strict', true]);
  const options: QemuOption[] = [{ flag: '-boot', value: keyValue(pairs) }];
  if (os.bios?.useserial) {
    ctx.diagnostics.unsupported(os.bios.node, 'The serial graphics adapter (<bios useserial>)', false);
  }
  return options;
}

export function buildKernelArgs(ctx: BuildContext): QemuOption[] {
  const { os } = ctx.domain;
  const options: QemuOption[] = [];
  // Whole-argument options: the path or command line is the argument as is, no escaping.
  if (os.kernel) options.push({ flag: '-kernel', value: os.kernel });
  if (os.initrd) options.push({ flag: '-initrd', value: os.initrd });
  if (os.cmdline) options.push({ flag: '-append', value: os.cmdline });
  if (os.dtb) options.push({ flag: '-dtb', value: os.dtb });
  if (os.shim) options.push({ flag: '-shim', value: os.shim });
  for (const table of os.acpiTables) options.push({ flag: '-acpitable', value: keyValue([['file', table.path]]) });
  return options;
}

/**
 * Boot order as QEMU bootindex values: per-device <boot order> when any device has one,
 * otherwise <os><boot dev> turned into indexes on the first disk, CD-ROM, floppy and NIC
 * (floppies are ordered through the isa-fdc global, as libvirt does).
 */
export interface BootOrderPlan {
  bootindex: Map<object, number>;
  /** -global isa-fdc.bootindexA/B options */
  fdcGlobals: QemuOption[];
}

export function planBootOrder(ctx: BuildContext): BootOrderPlan {
  const { domain, layout } = ctx;
  const bootindex = new Map<object, number>();
  const fdcGlobals: QemuOption[] = [];
  const floppyGlobal = (disk: Disk, order: number): void => {
    const unit = layout.drive.get(disk)?.unit ?? 0;
    fdcGlobals.push({ flag: '-global', value: `isa-fdc.bootindex${unit === 0 ? 'A' : 'B'}=${order}` });
  };
  const perDevice: Array<[object, number | undefined]> = [
    ...layout.disks.map((d): [object, number | undefined] => [d, d.boot?.order]),
    ...layout.interfaces.map((i): [object, number | undefined] => [i, i.boot?.order]),
    ...domain.devices.hostdevs.map((h): [object, number | undefined] => [h, h.boot?.order]),
    ...domain.devices.redirdevs.map((r): [object, number | undefined] => [r, r.boot?.order]),
  ];
  if (perDevice.some(([, order]) => order !== undefined)) {
    for (const [device, order] of perDevice) {
      if (order === undefined) continue;
      const floppy = layout.disks.find((d) => d === device && diskBus(d) === 'fdc');
      if (floppy) floppyGlobal(floppy, order);
      else bootindex.set(device, order);
    }
    return { bootindex, fdcGlobals };
  }
  const devs = domain.os.boot.length > 0 ? domain.os.boot.map((b) => b.dev) : ['hd' as const];
  devs.forEach((dev, i) => {
    const order = i + 1;
    if (dev === 'network') {
      const nic = layout.interfaces[0];
      if (nic) bootindex.set(nic, order);
      return;
    }
    const kind = dev === 'hd' ? 'disk' : dev === 'cdrom' ? 'cdrom' : dev === 'fd' ? 'floppy' : undefined;
    const disk = layout.disks.find((d) => d.device === kind);
    if (!disk) return;
    if (kind === 'floppy') floppyGlobal(disk, order);
    else bootindex.set(disk, order);
  });
  return { bootindex, fdcGlobals };
}
