/** -smbios from <sysinfo type='smbios'> when <os><smbios mode='sysinfo'/>, and fw_cfg entries. */
import type { SysinfoEntry } from '@virtdeck/schema';
import type { BuildContext } from '../build/context.js';
import { keyValue, type QemuOption } from '../options.js';

/** The keys QEMU takes for each SMBIOS table, in the order libvirt writes them. */
const TABLE_KEYS = {
  0: ['vendor', 'version', 'date', 'release'],
  1: ['manufacturer', 'product', 'version', 'serial', 'uuid', 'sku', 'family'],
  2: ['manufacturer', 'product', 'version', 'serial', 'asset', 'location'],
  3: ['manufacturer', 'version', 'serial', 'asset', 'sku'],
} as const;

function table(type: keyof typeof TABLE_KEYS, entries: readonly SysinfoEntry[]): QemuOption | undefined {
  const pairs: Array<[string, string | number]> = [];
  for (const key of TABLE_KEYS[type]) {
    const entry = entries.find((e) => e.name === key);
    if (entry) pairs.push([key, entry.value]);
  }
  if (pairs.length === 0) return undefined;
  return { flag: '-smbios', value: keyValue([['type', type], ...pairs]) };
}

export function buildSmbiosArgs(ctx: BuildContext): QemuOption[] {
  const { domain } = ctx;
  const options: QemuOption[] = [];
  const mode = domain.os.smbios?.mode;
  if (mode === 'host') ctx.diagnostics.unsupported(domain.os.smbios?.node, "Copying the host's SMBIOS tables (<smbios mode='host'>)", false);
  for (const sysinfo of domain.sysinfo) {
    if (sysinfo.type === 'fwcfg') {
      for (const entry of sysinfo.entries) {
        if (!entry.name) continue;
        options.push({ flag: '-fw_cfg', value: keyValue([['name', entry.name], entry.file !== undefined ? ['file', entry.file] : ['string', entry.value]]) });
      }
      continue;
    }
    if (mode !== 'sysinfo') continue;
    const parts = [table(0, sysinfo.bios), table(1, sysinfo.system), ...sysinfo.baseBoard.map((board) => table(2, board)), table(3, sysinfo.chassis)];
    for (const part of parts) if (part) options.push(part);
    if (sysinfo.oemStrings.length > 0) {
      options.push({ flag: '-smbios', value: keyValue([['type', 11], ...sysinfo.oemStrings.map((e): [string, string] => ['value', e.value])]) });
    }
  }
  return options;
}
