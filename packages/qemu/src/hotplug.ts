/**
 * Hot-plug: the QMP arguments that add one disk or network interface to a running guest,
 * from the same per-device builders as the command line (devices/disk.ts, devices/net.ts),
 * so a hot-plugged device is the device a start would give it. The domain passed is the
 * running definition with the new device in it (its layout places and names the device);
 * what QEMU already has is the caller's to say: the first free block node number and, for a
 * NIC, an id QEMU does not use (ids of a running guest are QEMU's, not the layout's, once
 * devices came and went).
 */
import type { Disk, Domain, Interface } from '@virtdeck/schema';
import { buildContext } from './buildArgv.js';
import type { BuildOptions, TapPlan } from './build/context.js';
import type { HostCapabilities } from './capabilities.js';
import type { QemuDiagnostic } from './diagnostics.js';
import { blockNodeCount, diskOptions } from './devices/disk.js';
import { diskThrottleCommand } from './devices/iotune.js';
import { interfaceOptions } from './devices/net.js';
import type { JsonObject, QemuOption } from './options.js';
import { planBootOrder } from './system/boot.js';

export type HotplugDevice = { kind: 'disk'; disk: Disk } | { kind: 'interface'; iface: Interface; id: string };

export interface HotplugOptions extends BuildOptions {
  /** The number of the first block node (libvirt-N-…) the disk's chain may use: above all QEMU has. */
  firstNode?: number;
}

export interface HotplugArgs {
  /** blockdev-add arguments, bottom image first, each naming the one below. */
  blockdevs: JsonObject[];
  /** netdev_add arguments. */
  netdev?: JsonObject;
  /** device_add arguments; absent when only the medium is built (a CD-ROM change). */
  device?: JsonObject;
  /** QMP commands to run after device_add: the disk's block_set_io_throttle for its <iotune>. */
  qmp: Array<{ execute: string; arguments: JsonObject }>;
  /** The tap to make before netdev_add, for a NIC on a host bridge (as a start makes it). */
  taps: TapPlan[];
  /** The diagnostics at or inside the device's element; an error means nothing can be added. */
  diagnostics: QemuDiagnostic[];
}

export function buildHotplugArgs(domain: Domain, caps: HostCapabilities | undefined, device: HotplugDevice, options: HotplugOptions = {}): HotplugArgs {
  const ctx = buildContext(domain, caps, undefined, options);
  const bootindex = planBootOrder(ctx).bootindex;
  const element = device.kind === 'disk' ? device.disk : device.iface;
  let list: QemuOption[];
  if (device.kind === 'disk') {
    const count = blockNodeCount(device.disk);
    const first = options.firstNode ?? 1;
    const numbers = count === 0 ? undefined : Array.from({ length: count }, (_, i) => first + i);
    list = diskOptions(ctx, device.disk, numbers, bootindex.get(device.disk));
  } else {
    ctx.layout.alias.set(device.iface, device.id);
    list = interfaceOptions(ctx, device.iface, `host${device.id}`, bootindex.get(device.iface));
  }
  const { start, end } = element.node;
  const diagnostics = ctx.diagnostics.list.filter((d) => d.range.start.offset >= start && d.range.end.offset <= end);
  const result: HotplugArgs = { blockdevs: [], qmp: [], taps: ctx.launch.taps, diagnostics };
  for (const option of list) {
    if (option.flag !== '-blockdev' && option.flag !== '-netdev' && option.flag !== '-device') {
      diagnostics.push(notHotpluggable(element.node.range, option.flag));
      continue;
    }
    // The builders serialize in one place (options.ts), as JSON for these three; QMP takes the same objects.
    const value = JSON.parse(option.value ?? '{}') as JsonObject;
    if (option.flag === '-blockdev') result.blockdevs.push(value);
    else if (option.flag === '-netdev') result.netdev = value;
    else result.device = value;
  }
  if (diagnostics.some((d) => d.severity === 'error')) return { blockdevs: [], qmp: [], taps: [], diagnostics };
  // <iotune> throttles the device's block backend, which exists once device_add made it.
  const { id, driver } = result.device ?? {};
  const throttle = device.kind === 'disk' && typeof id === 'string' && typeof driver === 'string' ? diskThrottleCommand(device.disk, id, driver) : undefined;
  if (throttle) result.qmp.push(throttle);
  return result;
}

function notHotpluggable(range: QemuDiagnostic['range'], flag: string): QemuDiagnostic {
  return { severity: 'error', scope: 'host', code: 'not-supported-yet', message: `This device needs a ${flag} option, which cannot be added to a running guest.`, range };
}

/** A PCI bus a device can be hot-plugged onto, as the definition lays it out. */
export interface HotplugBus {
  /** libvirt's bus number: the index of the controller that provides it. */
  bus: number;
  /** QEMU's name of the bus (pci.0, pci.3). */
  name: string;
  /** The slots a device may take on it. */
  slots: number[];
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * The buses that accept hot-plugged PCI devices, in the order libvirt fills them: an i440fx
 * root bus and PCI bridges (slots 1–31), PCIe root and downstream ports (one device, slot 0).
 * A q35 root bus (pcie.0) takes none: a q35 guest needs free pcie-root-ports.
 */
export function hotplugBuses(domain: Domain, caps: HostCapabilities | undefined): HotplugBus[] {
  const { layout } = buildContext(domain, caps);
  const buses: HotplugBus[] = [];
  for (const controller of layout.controllers) {
    if (controller.type !== 'pci') continue;
    const index = layout.controllerIndex.get(controller) ?? 0;
    const model = layout.controllerModel.get(controller);
    const name = layout.pciBusName(index);
    if (model === 'pci-root' || model === 'pci-bridge') buses.push({ bus: index, name, slots: range(1, 31) });
    else if (model === 'pcie-root-port' || model === 'pcie-switch-downstream-port') buses.push({ bus: index, name, slots: [0] });
  }
  return buses;
}

/** The id a definition's layout gives a device (QEMU's id for it, as started). */
export function deviceAlias(domain: Domain, caps: HostCapabilities | undefined, device: object): string | undefined {
  return buildContext(domain, caps).layout.alias.get(device);
}
