/** Watchdogs, and the -watchdog-action they share. q35 always has the ICH9 iTCO watchdog. */
import type { WATCHDOG_ACTIONS } from '@virtdeck/schema';
import { hasDevice, pciBusProps, type BuildContext } from '../build/context.js';
import { jsonOption, type QemuOption } from '../options.js';

/** QEMU's -watchdog-action for libvirt's actions; a dump is QEMU pausing for the host to dump. */
const ACTIONS: Record<string, string> = {
  reset: 'reset',
  shutdown: 'shutdown',
  poweroff: 'poweroff',
  pause: 'pause',
  none: 'none',
  dump: 'pause',
  'inject-nmi': 'inject-nmi',
} satisfies Record<keyof typeof WATCHDOG_ACTIONS, string>;

export function buildWatchdogArgs(ctx: BuildContext): QemuOption[] {
  const options: QemuOption[] = [];
  const watchdogs = ctx.domain.devices.watchdogs;
  const q35 = ctx.machine.chipset === 'q35';
  let action: string | undefined;
  for (const w of watchdogs) {
    const id = ctx.layout.alias.get(w);
    action ??= ACTIONS[w.action ?? 'reset'];
    switch (w.model) {
      case 'i6300esb':
      case 'ib700': {
        if (!hasDevice(ctx, w.model)) ctx.diagnostics.error('device-model-unknown', w.node, `This QEMU has no '${w.model}' watchdog.`);
        const pci = w.model === 'i6300esb' ? pciBusProps(ctx, ctx.layout.pci.get(w)) : {};
        options.push({ flag: '-device', value: jsonOption({ driver: w.model, id, ...pci }) });
        break;
      }
      case 'itco':
        if (!q35) ctx.diagnostics.error('invalid-combination', w.node, "The iTCO watchdog is part of the q35 chipset; on other machines use model='i6300esb'.");
        break;
      default:
        ctx.diagnostics.unsupported(w.node, `Watchdog model '${w.model ?? '?'}'`, true);
    }
  }
  if (q35) {
    // The ICH9 watchdog is always there; with noreboot=off it really resets the guest.
    options.push({ flag: '-global', value: 'ICH9-LPC.noreboot=off' });
    action ??= 'reset';
  }
  if (action) options.push({ flag: '-watchdog-action', value: action });
  return options;
}
