import { childElements, type XmlElement } from '../xml/tree.js';
import { elementText, read } from './values.js';

export const SYSINFO_TYPES = {
  smbios: 'SMBIOS tables (x86, ARM): BIOS, system, board, chassis, OEM strings',
  fwcfg: 'firmware configuration entries passed through fw_cfg',
} as const;
export type SysinfoType = keyof typeof SYSINFO_TYPES;

export const SMBIOS_BIOS_ENTRIES = {
  vendor: 'BIOS vendor',
  version: 'BIOS version',
  date: 'BIOS release date (mm/dd/yy or mm/dd/yyyy)',
  release: 'system BIOS major and minor release (major.minor)',
} as const;

export const SMBIOS_SYSTEM_ENTRIES = {
  manufacturer: 'system manufacturer',
  product: 'product name',
  version: 'product version',
  serial: 'serial number',
  uuid: 'system UUID (must equal the domain UUID)',
  sku: 'SKU number',
  family: 'product family',
} as const;

export const SMBIOS_BASEBOARD_ENTRIES = {
  manufacturer: 'board manufacturer',
  product: 'board product name',
  version: 'board version',
  serial: 'board serial number',
  asset: 'asset tag',
  location: 'location in the chassis',
} as const;

export const SMBIOS_CHASSIS_ENTRIES = {
  manufacturer: 'chassis manufacturer',
  version: 'chassis version',
  serial: 'chassis serial number',
  asset: 'asset tag',
  sku: 'SKU number',
} as const;

export interface SysinfoEntry {
  name?: string;
  value: string;
  node: XmlElement;
}

export interface Sysinfo {
  type?: SysinfoType;
  bios: SysinfoEntry[];
  system: SysinfoEntry[];
  baseBoard: SysinfoEntry[][];
  chassis: SysinfoEntry[];
  oemStrings: SysinfoEntry[];
  /** fwcfg `<entry name='opt/…'>` */
  entries: (SysinfoEntry & { file?: string })[];
  node: XmlElement;
}

function entries(parent: XmlElement | undefined): SysinfoEntry[] {
  if (parent === undefined) return [];
  return childElements(parent, 'entry').map((entry) => ({ name: read.string(entry, 'name'), value: elementText(entry), node: entry }));
}

export function parseSysinfo(node: XmlElement): Sysinfo {
  const sysinfo: Sysinfo = {
    node,
    bios: entries(childElements(node, 'bios')[0]),
    system: entries(childElements(node, 'system')[0]),
    baseBoard: childElements(node, 'baseBoard').map(entries),
    chassis: entries(childElements(node, 'chassis')[0]),
    oemStrings: entries(childElements(node, 'oemStrings')[0]),
    entries: childElements(node, 'entry').map((entry) => ({ name: read.string(entry, 'name'), file: read.string(entry, 'file'), value: elementText(entry), node: entry })),
  };
  const type = read.enum(node, 'type', SYSINFO_TYPES);
  if (type !== undefined) sysinfo.type = type;
  return sysinfo;
}
