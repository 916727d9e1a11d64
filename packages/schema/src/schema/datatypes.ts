import { parseCpuset } from '../model/cpuset.js';
import { unitMultiplier } from '../model/units.js';
import type { ValueSpec } from './types.js';

/**
 * Value types of attributes and text, after libvirt's basictypes.rng: each with a one-line
 * description (used in messages and hover) and a test.
 */
interface DatatypeDef {
  doc: string;
  test: (value: string) => boolean;
}

const pattern = (re: RegExp) => (value: string) => re.test(value);
const decimalIn = (min: number, max: number) => (value: string) => /^[+]?[0-9]+$/.test(value) && inRange(Number(value), min, max);
const signedIn = (min: number, max: number) => (value: string) => /^[+-]?[0-9]+$/.test(value) && inRange(Number(value), min, max);
const hexOrDecimal = (hexDigits: number, max: number, hexNeedsPrefix: boolean) => (value: string) => {
  const hex = new RegExp(`^${hexNeedsPrefix ? '0[xX]' : '(?:0[xX])?'}[0-9a-fA-F]{1,${hexDigits}}$`);
  return hex.test(value) || decimalIn(0, max)(value);
};
function inRange(n: number, min: number, max: number): boolean {
  return Number.isSafeInteger(n) ? n >= min && n <= max : n >= min && max === Number.MAX_VALUE;
}

const IPV4 = /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$/;
function isIpv6(value: string): boolean {
  if (!/^[0-9A-Fa-f:.]+$/.test(value) || value.split('::').length > 2) return false;
  const parts = value.split(':');
  const last = parts.at(-1) ?? '';
  const hasV4 = last.includes('.');
  if (hasV4 && !IPV4.test(last)) return false;
  const groups = parts.filter((p, i) => p !== '' && !(hasV4 && i === parts.length - 1));
  if (groups.some((g) => !/^[0-9A-Fa-f]{1,4}$/.test(g))) return false;
  const total = groups.length + (hasV4 ? 2 : 0);
  return value.includes('::') ? total <= 7 : total === 8;
}
const isIp = (value: string) => IPV4.test(value) || isIpv6(value);

export const DATATYPES = {
  string: { doc: 'text', test: () => true },
  nonEmpty: { doc: 'a non-empty text on one line', test: pattern(/^[^\n]+$/) },
  objectName: { doc: 'a name without "/" on one line', test: pattern(/^[^/\n]+$/) },
  uint: { doc: 'a non-negative integer', test: decimalIn(0, 4294967295) },
  ulong: { doc: 'a non-negative integer', test: pattern(/^[0-9]+$/) },
  positive: { doc: 'a positive integer', test: (v) => /^[0-9]+$/.test(v) && /[1-9]/.test(v) },
  int: { doc: 'an integer', test: pattern(/^[+-]?[0-9]+$/) },
  ushort: { doc: 'an integer from 0 to 65535', test: decimalIn(0, 65535) },
  countCPU: { doc: 'a vCPU count from 1 to 65535', test: decimalIn(1, 65535) },
  uint8: { doc: 'a number from 0 to 255 (decimal, or hex with 0x)', test: hexOrDecimal(2, 255, true) },
  uint16: { doc: 'a number from 0 to 0xffff', test: hexOrDecimal(4, 65535, false) },
  uint24: { doc: 'a number from 0 to 0xffffff', test: hexOrDecimal(6, 16777215, true) },
  uint32: { doc: 'a number from 0 to 0xffffffff', test: hexOrDecimal(8, 4294967295, false) },
  hexuint: { doc: 'a hexadecimal number', test: pattern(/^(?:0x)?[0-9a-f]+$/) },
  pciDomain: { doc: 'a PCI domain, 0x0000–0xffff', test: hexOrDecimal(8, 4294967295, false) },
  pciBus: { doc: 'a PCI bus, 0x00–0xff', test: hexOrDecimal(2, 255, true) },
  pciSlot: { doc: 'a PCI slot, 0x00–0x1f', test: (v) => /^(?:0x)?[0-1]?[0-9a-fA-F]$/.test(v) || decimalIn(0, 31)(v) },
  pciFunction: { doc: 'a PCI function, 0x0–0x7', test: (v) => /^(?:0x)?[0-7]$/.test(v) || decimalIn(0, 7)(v) },
  uuid: {
    doc: 'a UUID such as 4d0f1c8e-7a53-4c1b-9b7e-0f3a2d6c5e11',
    test: pattern(/^(?:[a-fA-F0-9]{32}|[a-fA-F0-9]{8}-(?:[a-fA-F0-9]{4}-){3}[a-fA-F0-9]{12})$/),
  },
  mac: { doc: 'a MAC address such as 52:54:00:12:34:56', test: pattern(/^[a-fA-F0-9]{2}(?::[a-fA-F0-9]{2}){5}$/) },
  unicastMac: {
    doc: 'a unicast MAC address (even first byte) such as 52:54:00:12:34:56',
    test: pattern(/^[a-fA-F0-9][02468aAcCeE](?::[a-fA-F0-9]{2}){5}$/),
  },
  cpuset: { doc: "a CPU or node set such as '0-3,8,^2'", test: (v) => parseCpuset(v, Number.MAX_SAFE_INTEGER) !== undefined && /^[0-9^]/.test(v) && !/\s/.test(v) },
  unit: { doc: 'a size unit: b, KiB, MiB, GiB, TiB (powers of 1024) or KB, MB, GB (powers of 1000)', test: (v) => unitMultiplier(v) !== undefined },
  absPath: { doc: 'an absolute path', test: pattern(/^(?:\/|[a-zA-Z]:\\).+$/s) },
  absDirPath: { doc: 'an absolute directory path', test: pattern(/^\/.*$/s) },
  filePath: { doc: 'a file path', test: pattern(/^.+$/s) },
  deviceName: { doc: 'a device name or path', test: pattern(/^[a-zA-Z0-9_.\-\\:/]+$/) },
  genericName: { doc: 'a name of letters, digits, _ + -', test: pattern(/^[a-zA-Z0-9_+-]+$/) },
  dnsName: { doc: 'a host name', test: pattern(/^[a-zA-Z0-9.-]+$/) },
  ipv4: { doc: 'an IPv4 address', test: pattern(IPV4) },
  ip: { doc: 'an IPv4 or IPv6 address', test: isIp },
  ipOrName: { doc: 'an IP address or a host name', test: (v) => isIp(v) || /^[a-zA-Z0-9.-]+$/.test(v) },
  ipPrefix: { doc: 'a network prefix length, 0–128', test: decimalIn(0, 128) },
  portNumber: { doc: 'a port number, 0–65535 (-1: chosen automatically)', test: signedIn(-1, 65535) },
  usbAddr: { doc: 'a USB bus or device number', test: pattern(/^(?:0x)?[0-9a-fA-F]{1,3}$/) },
  usbPort: { doc: 'a USB port path such as 1 or 1.2 (at most four levels)', test: pattern(/^(?:(?:0x)?[0-9a-fA-F]{1,3}\.){0,3}(?:0x)?[0-9a-fA-F]{1,3}$/) },
  usbId: { doc: 'a USB vendor or product id such as 0x1234', test: pattern(/^(?:0x)?[0-9a-fA-F]{1,4}$/) },
  twoDigits: { doc: 'a number from 0 to 99', test: pattern(/^[0-9]{1,2}$/) },
  driveUnit: { doc: 'a unit number', test: pattern(/^[0-9]{1,5}$/) },
  scsiTarget: { doc: 'a SCSI target number', test: pattern(/^[0-9]{1,10}$/) },
  scsiUnit: { doc: 'a SCSI unit (LUN) number', test: pattern(/^[0-9]{1,20}$/) },
  diskTargetDev: { doc: 'a guest disk name such as vda, sda, hdc, fda', test: pattern(/^(?:ioemu:)?(?:fd|hd|sd|vd|xvd|ubd)[a-zA-Z0-9_]+$/) },
  spaprVioReg: { doc: 'a 32-bit VIO register, up to 0xffffffff', test: pattern(/^(?:0x)?[0-9a-fA-F]{1,8}$/) },
  ccwCssid: { doc: 'a channel subsystem id, 0x00–0xfe', test: (v) => /^0x(?:[0-9a-eA-E][0-9a-fA-F]?|[fF][0-9a-eA-E]?)$/.test(v) || decimalIn(0, 254)(v) },
  ccwSsid: { doc: 'a subchannel set id, 0–3', test: pattern(/^(?:0x)?[0-3]$/) },
  ccwDevno: { doc: 'a device number, 0x0000–0xffff', test: hexOrDecimal(4, 65535, true) },
  isaIobase: { doc: 'an ISA I/O port such as 0x505', test: pattern(/^0x[a-fA-F0-9]{1,4}$/) },
  isaIrq: { doc: 'an ISA IRQ such as 0x5', test: pattern(/^0x[a-fA-F0-9]$/) },
  diskSerial: { doc: 'a disk serial of letters, digits, spaces and _ . + -', test: pattern(/^[A-Za-z0-9_.+\- ]+$/) },
  aliasName: { doc: 'an alias of letters, digits and _ - . (user aliases start with ua-)', test: pattern(/^[a-zA-Z0-9_\-.]+$/) },
  timeDelta: { doc: 'a number of seconds, optionally signed', test: pattern(/^[-+]?[0-9]+$/) },
  timeZone: { doc: 'a time zone name such as Europe/Paris', test: pattern(/^[a-zA-Z0-9_.+\-/]+$/) },
  machine: { doc: 'a machine type such as q35 or pc-i440fx-7.2', test: pattern(/^[a-zA-Z0-9_.-]+$/) },
  loadparm: { doc: 'up to 8 letters, digits, dots or spaces', test: pattern(/^[a-zA-Z0-9.\s]{1,8}$/) },
  wwn: { doc: 'a 16-digit hexadecimal World Wide Name', test: pattern(/^(?:0x)?[0-9a-fA-F]{16}$/) },
  wwpnNaa: { doc: 'a vhost-scsi WWPN such as naa.5123456789abcde0', test: pattern(/^naa\.[0-9a-fA-F]{16}$/) },
  cpuPeriod: { doc: 'microseconds, 1000–1000000', test: decimalIn(1000, 1000000) },
  cpuQuota: { doc: 'microseconds, -1 (unlimited) to 17592186044415', test: signedIn(-1, 17592186044415) },
  weight: { doc: 'a weight from 100 to 1000', test: decimalIn(100, 1000) },
  cpuVendorId: { doc: 'a 12-character vendor id', test: pattern(/^[^,]{12}$/) },
  hypervVendorId: { doc: 'up to 12 characters, no comma', test: pattern(/^[^,]{0,12}$/) },
  featureName: { doc: 'a CPU feature name such as vmx or avx2', test: pattern(/^[a-zA-Z0-9\-_.]+$/) },
  numaDistance: { doc: 'a NUMA distance, 10–255', test: decimalIn(10, 255) },
  rebootTimeout: { doc: 'milliseconds, -1 (never) to 32767', test: signedIn(-1, 32767) },
  bridgeName: { doc: 'a host bridge name', test: pattern(/^[a-zA-Z0-9_.\-\\:/ ]*$/) },
  nicModel: { doc: 'a NIC model name of letters, digits, - and _', test: pattern(/^[a-zA-Z0-9\-_]+$/) },
  printable8: { doc: 'up to 8 printable ASCII characters', test: pattern(/^[ -~]{0,8}$/) },
  printable16: { doc: 'up to 16 printable ASCII characters', test: pattern(/^[ -~]{0,16}$/) },
  createMode: { doc: 'an octal permission mode such as 0644', test: pattern(/^(?:0[0-7]{3}|[0-7]{1,3})$/) },
  volName: { doc: 'a volume name without "/", not . or ..', test: (v) => /^[^/]+$/.test(v) && v !== '.' && v !== '..' },
  timestamp: { doc: 'seconds since 1970, with up to 9 decimals', test: pattern(/^[0-9]+(?:\.[0-9]{0,9})?$/) },
  usbVersion: { doc: 'a USB version such as 2.0', test: pattern(/^[0-9]{1,2}.[0-9]{1,2}$/) },
  compat: { doc: 'a qcow2 compat level such as 1.1', test: pattern(/^[0-9]+\.[0-9]+$/) },
  envName: { doc: 'an environment variable name', test: pattern(/^[a-zA-Z_][a-zA-Z0-9_]*$/) },
} as const satisfies Record<string, DatatypeDef>;

export type Datatype = keyof typeof DATATYPES;

/** Whether `value` is of the type (numbers are compared after trimming). */
export function testDatatype(type: Datatype, value: string): boolean {
  return DATATYPES[type].test(value);
}

/** Whether a value spec takes this value: an enum's values (or its accepted historical ones), or a datatype's test. */
export function acceptsValue(spec: ValueSpec, value: string): boolean {
  if (spec.kind !== 'enum') return testDatatype(spec.type, value);
  return Object.prototype.hasOwnProperty.call(spec.values, value) || (spec.accepted !== undefined && Object.prototype.hasOwnProperty.call(spec.accepted, value));
}
