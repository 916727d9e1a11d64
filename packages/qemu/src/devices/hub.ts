/** USB hubs (usb-hub), added by the definition or because the controllers ran out of ports. */
import { hasDevice, type BuildContext } from '../build/context.js';
import { jsonOption, type QemuOption } from '../options.js';
import { usbBusProps } from './usb.js';

export function buildHubArgs(ctx: BuildContext): QemuOption[] {
  if (ctx.layout.hubs.length > 0 && !hasDevice(ctx, 'usb-hub')) {
    ctx.diagnostics.error('device-model-unknown', ctx.layout.hubs[0]?.node, "This QEMU has no 'usb-hub' device.");
  }
  return ctx.layout.hubs.map((hub) => ({
    flag: '-device',
    value: jsonOption({ driver: 'usb-hub', id: ctx.layout.alias.get(hub), ...usbBusProps(ctx, hub) }),
  }));
}
