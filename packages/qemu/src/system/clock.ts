/** -rtc from <clock>, the PIT tick policy, and power-management globals from <pm>. */
import type { Clock } from '@virtdeck/schema';
import type { BuildContext } from '../build/context.js';
import { keyValue, type QemuOption } from '../options.js';

/** QEMU's -rtc base date syntax: 2009-02-15T09:49:06 */
function rtcDate(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 19);
}

/** The -rtc base for the clock offset. */
function rtcBase(ctx: BuildContext, clock: Clock): string {
  switch (clock.offset) {
    case undefined:
    case 'utc':
      return 'utc';
    case 'localtime':
      return 'localtime';
    case 'timezone':
      // QEMU follows the process time zone for base=localtime.
      if (clock.timezone) ctx.env.TZ = clock.timezone;
      return 'localtime';
    case 'absolute':
      if (clock.start !== undefined) return rtcDate(clock.start * 1000);
      ctx.diagnostics.error('missing-attribute', clock.node, "offset='absolute' needs start= (seconds since 1970).");
      return 'utc';
    case 'variable': {
      const now = ctx.options.now;
      if (now === undefined) {
        ctx.diagnostics.warning('clock-needs-time', clock.node, 'The guest clock offset needs the start time, which was not given: the preview uses base=utc.');
        return 'utc';
      }
      const adjustment = clock.adjustment === undefined || clock.adjustment === 'reset' ? 0 : Number(clock.adjustment);
      if (!Number.isFinite(adjustment)) {
        ctx.diagnostics.error('invalid-value', clock.node, `Clock adjustment '${clock.adjustment}' is not a number of seconds.`);
        return 'utc';
      }
      if (clock.basis === 'localtime') {
        ctx.diagnostics.warning('not-supported-yet', clock.node, "basis='localtime' is not supported by virtdeck yet: the adjustment is applied to UTC.");
      }
      return rtcDate(now + adjustment * 1000);
    }
    default: {
      const unknown: never = clock.offset;
      ctx.diagnostics.error('invalid-value', clock.node, `Clock offset '${String(unknown)}' is unknown.`);
      return 'utc';
    }
  }
}

export function buildClockArgs(ctx: BuildContext): QemuOption[] {
  const clock = ctx.domain.clock;
  const options: QemuOption[] = [];
  const base = clock ? rtcBase(ctx, clock) : 'utc';
  const rtc = clock?.timers.find((t) => t.name === 'rtc');
  const trackClock = rtc?.track === 'guest' ? 'vm' : rtc?.track === 'wall' ? 'host' : rtc?.track === 'realtime' ? 'rt' : undefined;
  const pairs: Array<[string, string | undefined]> = [
    ['base', base],
    ['clock', trackClock],
    ['driftfix', rtc?.tickpolicy === 'catchup' ? 'slew' : undefined],
  ];
  options.push({ flag: '-rtc', value: keyValue(pairs) });
  const pit = clock?.timers.find((t) => t.name === 'pit');
  if (pit?.tickpolicy === 'delay' || pit?.tickpolicy === 'discard') {
    options.push({ flag: '-global', value: `kvm-pit.lost_tick_policy=${pit.tickpolicy}` });
  }
  for (const timer of clock?.timers ?? []) {
    if (timer.name === 'platform' || timer.name === 'armvtimer') {
      ctx.diagnostics.unsupported(timer.node, `The ${timer.name} timer setting`, false);
    }
  }
  return options;
}

/** -global for <pm>: ACPI S3/S4 on the chipset's power-management device. */
export function buildPmArgs(ctx: BuildContext): QemuOption[] {
  const pm = ctx.domain.pm;
  if (!pm) return [];
  const device = ctx.machine.chipset === 'q35' ? 'ICH9-LPC' : ctx.machine.chipset === 'i440fx' ? 'PIIX4_PM' : undefined;
  if (!device) {
    ctx.diagnostics.unsupported(pm.node, `Power management settings on machine '${ctx.machine.name}'`, false);
    return [];
  }
  const options: QemuOption[] = [];
  if (pm.suspendToMem !== undefined) options.push({ flag: '-global', value: `${device}.disable_s3=${pm.suspendToMem ? 0 : 1}` });
  if (pm.suspendToDisk !== undefined) options.push({ flag: '-global', value: `${device}.disable_s4=${pm.suspendToDisk ? 0 : 1}` });
  return options;
}
