/** Placement of USB devices: the controller's bus and the port path. */
import type { BuildContext } from '../build/context.js';
import { formatUsbPort } from '../address/usb.js';

export function usbBusProps(ctx: BuildContext, owner: object): { bus?: string; port?: string } {
  const slot = ctx.layout.usb.get(owner);
  if (!slot) return {};
  const controller = ctx.layout.controllerAlias('usb', slot.bus) ?? `usb${slot.bus}`;
  return { bus: `${controller}.0`, port: formatUsbPort(slot.port) };
}
