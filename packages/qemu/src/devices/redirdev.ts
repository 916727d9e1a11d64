/** USB redirection: a chardev (spicevmc or TCP) feeding a usb-redir device. */
import { hasDevice, type BuildContext } from '../build/context.js';
import { jsonOption, type QemuOption } from '../options.js';
import { chardevValue } from './chardev.js';
import { usbBusProps } from './usb.js';

export function buildRedirdevArgs(ctx: BuildContext, bootindex: ReadonlyMap<object, number>): QemuOption[] {
  const options: QemuOption[] = [];
  ctx.domain.devices.redirdevs.forEach((redir, i) => {
    const chardevId = `charredir${i}`;
    const value = chardevValue(ctx, redir, chardevId, 'other');
    if (!value) return;
    if (!hasDevice(ctx, 'usb-redir')) ctx.diagnostics.error('device-model-unknown', redir.node, "This QEMU has no 'usb-redir' device.");
    options.push({ flag: '-chardev', value });
    const props = { driver: 'usb-redir', chardev: chardevId, id: ctx.layout.alias.get(redir), bootindex: bootindex.get(redir), ...usbBusProps(ctx, redir) };
    options.push({ flag: '-device', value: jsonOption(props) });
  });
  return options;
}
