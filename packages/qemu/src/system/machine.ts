/** -machine and -accel. */
import type { BuildContext } from '../build/context.js';
import { keyValue, type OptionPairs, type QemuOption } from '../options.js';
import { hasNuma, ramBackendId } from './memory.js';

const MACHINE_TOKEN = /^[A-Za-z0-9_.-]+$/;

export interface MachineExtras {
  /** pflash0/pflash1 node names when the firmware is a flash image. */
  pflash0?: string;
  pflash1?: string;
  /** SMM turned on for a firmware that needs it, when <features> does not say. */
  smm?: boolean;
  /** The PC speaker's audio backend (<sound model='pcspk'>). */
  pcspkAudiodev?: string;
}

export function buildMachineArgs(ctx: BuildContext, extras: MachineExtras): QemuOption[] {
  const { domain } = ctx;
  const features = domain.features;
  const pairs: Array<[string, string | boolean | undefined]> = [];
  // Machine-type USB stays off: controllers are always added explicitly.
  pairs.push(['usb', false]);
  if (features?.vmport) pairs.push(['vmport', features.vmport.enabled]);
  const smm = features?.smm?.enabled ?? extras.smm;
  if (smm !== undefined) pairs.push(['smm', smm]);
  pairs.push(['dump-guest-core', domain.memory?.dumpCore ?? false]);
  if (domain.memoryBacking?.nosharepages) pairs.push(['mem-merge', false]);
  if (features?.ioapic?.enabled && features.ioapic.driver) {
    pairs.push(['kernel_irqchip', features.ioapic.driver === 'qemu' ? 'split' : true]);
  }
  if (!hasNuma(domain)) {
    const ramId = ramBackendId(ctx);
    if (ramId) pairs.push(['memory-backend', ramId]);
  }
  pairs.push(['pflash0', extras.pflash0], ['pflash1', extras.pflash1]);
  const hpet = domain.clock?.timers.find((t) => t.name === 'hpet');
  if (hpet?.present !== undefined) pairs.push(['hpet', hpet.present]);
  pairs.push(['pcspk-audiodev', extras.pcspkAudiodev]);
  if (ctx.machine.chipset !== 'microvm') pairs.push(['acpi', features?.acpi?.enabled === true]);

  const value = keyValue(pairs as OptionPairs);
  // A plain machine name goes first as QEMU's implied value (as libvirt writes it); any
  // other text is given as type=, where '=' and commas cannot turn into other keys.
  const name = MACHINE_TOKEN.test(ctx.machine.name) ? ctx.machine.name : keyValue([['type', ctx.machine.name]]);
  return [{ flag: '-machine', value: value ? `${name},${value}` : name }];
}

export function buildAccelArgs(ctx: BuildContext): QemuOption[] {
  const pairs: Array<[string, number | undefined]> = [];
  if (ctx.accel === 'kvm') {
    const ring = ctx.domain.features?.kvm?.features['dirty-ring'];
    if (ring?.enabled && ring.size !== undefined) pairs.push(['dirty-ring-size', ring.size]);
  }
  if (ctx.accel === 'tcg') {
    const tb = ctx.domain.features?.tcg?.tbCacheKiB;
    if (tb !== undefined) pairs.push(['tb-size', Math.ceil(tb / 1024)]);
  }
  const rest = keyValue(pairs);
  return [{ flag: '-accel', value: rest ? `${ctx.accel},${rest}` : ctx.accel }];
}
