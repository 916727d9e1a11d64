/** Panic notifiers: the ISA pvpanic port (x86 default) or pvpanic-pci; Hyper-V's is a CPU flag. */
import { hasDevice, pciBusProps, type BuildContext } from '../build/context.js';
import { jsonOption, type QemuOption } from '../options.js';

export function buildPanicArgs(ctx: BuildContext): QemuOption[] {
  const options: QemuOption[] = [];
  for (const panic of ctx.domain.devices.panics) {
    const model = panic.model ?? 'isa';
    if (model === 'isa') {
      const iobase = panic.address?.type === 'isa' ? (panic.address as { iobase?: number }).iobase : undefined;
      if (!hasDevice(ctx, 'pvpanic')) ctx.diagnostics.error('device-model-unknown', panic.node, "This QEMU has no 'pvpanic' device.");
      options.push({ flag: '-device', value: jsonOption({ driver: 'pvpanic', ioport: iobase }) });
    } else if (model === 'pvpanic') {
      options.push({ flag: '-device', value: jsonOption({ driver: 'pvpanic-pci', ...pciBusProps(ctx, ctx.layout.pci.get(panic)) }) });
    } else if (model === 'hyperv') {
      if (!ctx.domain.features?.hyperv?.enabled) {
        ctx.diagnostics.warning('invalid-combination', panic.node, "A Hyper-V panic notifier needs <features><hyperv>: it is left out.");
      }
    } else {
      ctx.diagnostics.unsupported(panic.node, `Panic model '${model}'`, true);
    }
  }
  return options;
}
