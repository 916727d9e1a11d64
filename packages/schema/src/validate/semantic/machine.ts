import type { Domain } from '../../model/domain.js';

export type MachineFamily = 'i440fx' | 'q35' | 'isapc' | 'microvm' | 'other';

/** The x86 chipset behind a machine type name (`pc`, `pc-i440fx-7.2`, `pc-0.12`, `q35`, `pc-q35-4.2`…). */
export function machineFamily(domain: Domain): MachineFamily {
  const arch = domain.os.arch ?? 'x86_64';
  if (arch !== 'x86_64' && arch !== 'i686') return 'other';
  const machine = domain.os.machine ?? 'pc';
  if (machine === 'q35' || machine.startsWith('pc-q35')) return 'q35';
  if (machine === 'pc' || machine.startsWith('pc-i440fx') || /^pc-[0-9]/.test(machine)) return 'i440fx';
  if (machine === 'isapc') return 'isapc';
  if (machine === 'microvm') return 'microvm';
  return 'other';
}

export function isX86(domain: Domain): boolean {
  const arch = domain.os.arch ?? 'x86_64';
  return arch === 'x86_64' || arch === 'i686';
}
