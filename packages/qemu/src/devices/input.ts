/** Input devices. PS/2 mouse and keyboard are built into pc machines and need no option. */
import type { Input, InputType } from '@virtdeck/schema';
import { hasDevice, pciBusProps, type BuildContext } from '../build/context.js';
import { inputBus } from '../build/layout/deviceDefaults.js';
import { jsonOption, type JsonObject, type QemuOption } from '../options.js';
import { usbBusProps } from './usb.js';

const USB_DRIVERS: Record<string, string | undefined> = { mouse: 'usb-mouse', tablet: 'usb-tablet', keyboard: 'usb-kbd', passthrough: undefined, evdev: undefined } satisfies Record<InputType, string | undefined>;
const VIRTIO_DRIVERS: Record<string, string | undefined> = { mouse: 'virtio-mouse', tablet: 'virtio-tablet', keyboard: 'virtio-keyboard', passthrough: undefined, evdev: undefined } satisfies Record<InputType, string | undefined>;

function inputOption(ctx: BuildContext, input: Input): QemuOption | undefined {
  const id = ctx.layout.alias.get(input);
  const bus = inputBus(input);
  if (input.type === 'evdev') {
    const src = input.source;
    const props: JsonObject = { 'qom-type': 'input-linux', id, evdev: src?.dev ?? src?.evdev, repeat: src?.repeat };
    if (src?.grab === 'all') props.grab_all = true;
    if (src?.grabToggle) props['grab-toggle'] = src.grabToggle;
    return { flag: '-object', value: jsonOption(props) };
  }
  let props: JsonObject | undefined;
  if (input.type === 'passthrough') {
    props = { driver: 'virtio-input-host-pci', id, evdev: input.source?.evdev ?? input.source?.dev, ...pciBusProps(ctx, ctx.layout.pci.get(input)) };
  } else if (bus === 'ps2') {
    if (ctx.machine.chipset === 'i440fx' || ctx.machine.chipset === 'q35' || ctx.machine.chipset === 'isapc') return undefined;
    ctx.diagnostics.unsupported(input.node, `A PS/2 ${input.type} on machine '${ctx.machine.name}'`, true);
    return undefined;
  } else if (bus === 'usb') {
    const driver = USB_DRIVERS[input.type];
    if (driver) props = { driver, id, ...usbBusProps(ctx, input) };
  } else if (bus === 'virtio') {
    const base = VIRTIO_DRIVERS[input.type];
    if (base) {
      const suffix = input.model === 'virtio-transitional' ? '-pci-transitional' : input.model === 'virtio-non-transitional' ? '-pci-non-transitional' : '-pci';
      props = { driver: `${base}${suffix}`, id, ...pciBusProps(ctx, ctx.layout.pci.get(input)) };
    }
  }
  if (!props) {
    ctx.diagnostics.unsupported(input.node, `A ${input.type} on the ${bus} bus`, true);
    return undefined;
  }
  const driver = String(props.driver);
  if (!hasDevice(ctx, driver)) ctx.diagnostics.error('device-model-unknown', input.node, `This QEMU has no '${driver}' input device.`);
  return { flag: '-device', value: jsonOption(props) };
}

export function buildInputArgs(ctx: BuildContext): QemuOption[] {
  return ctx.layout.inputs.map((input) => inputOption(ctx, input)).filter((o): o is QemuOption => o !== undefined);
}
