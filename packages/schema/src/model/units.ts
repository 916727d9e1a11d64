import { attributeValue, type XmlElement } from '../xml/tree.js';
import { elementText } from './values.js';

/**
 * Size units as libvirt reads them (virScaleInteger): `b`/`bytes`; `KB`, `MB`, … powers of
 * 1000; `k`, `KiB`, `M`, `MiB`, … powers of 1024; no unit means KiB for memory sizes.
 */
export const SIZE_UNITS = {
  b: 'bytes',
  bytes: 'bytes',
  KB: 'kilobytes (1,000 bytes)',
  k: 'kibibytes (1,024 bytes)',
  KiB: 'kibibytes (1,024 bytes)',
  MB: 'megabytes (1,000² bytes)',
  M: 'mebibytes (1,024² bytes)',
  MiB: 'mebibytes (1,024² bytes)',
  GB: 'gigabytes (1,000³ bytes)',
  G: 'gibibytes (1,024³ bytes)',
  GiB: 'gibibytes (1,024³ bytes)',
  TB: 'terabytes (1,000⁴ bytes)',
  T: 'tebibytes (1,024⁴ bytes)',
  TiB: 'tebibytes (1,024⁴ bytes)',
  PB: 'petabytes (1,000⁵ bytes)',
  P: 'pebibytes (1,024⁵ bytes)',
  PiB: 'pebibytes (1,024⁵ bytes)',
  EB: 'exabytes (1,000⁶ bytes)',
  E: 'exbibytes (1,024⁶ bytes)',
  EiB: 'exbibytes (1,024⁶ bytes)',
} as const;
export type SizeUnit = keyof typeof SIZE_UNITS;

const UNIT_PATTERN = /^(?:([bB](?:[yY][tT][eE][sS]?)?)|([kKmMgGtTpPeE])([iI]?[bB])?)$/;
const PREFIX_POWER: Readonly<Record<string, number>> = { K: 1, M: 2, G: 3, T: 4, P: 5, E: 6 };

/** Bytes per unit, or undefined for a unit libvirt does not know. */
export function unitMultiplier(unit: string): number | undefined {
  const match = UNIT_PATTERN.exec(unit);
  if (match === null) return undefined;
  if (match[1] !== undefined) return 1;
  const power = PREFIX_POWER[(match[2] as string).toUpperCase()] as number;
  const base = match[3] === 'B' || match[3] === 'b' ? 1000 : 1024;
  return base ** power;
}

/** A size in KiB, rounded up as libvirt does; undefined if the number or unit is not valid. */
export function toKiB(value: string | undefined, unit: string | undefined, defaultUnit: SizeUnit = 'KiB'): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (!/^[0-9]+$/.test(v)) return undefined;
  const multiplier = unitMultiplier(unit ?? defaultUnit);
  if (multiplier === undefined) return undefined;
  return Math.ceil((Number(v) * multiplier) / 1024);
}

/** `<memory unit='MiB'>256</memory>` → 262144. */
export function elementKiB(el: XmlElement, defaultUnit: SizeUnit = 'KiB'): number | undefined {
  return toKiB(elementText(el), attributeValue(el, 'unit'), defaultUnit);
}

/** `<page size='2048' unit='KiB'/>`: a size held in an attribute, its unit in `unit`. */
export function attributeKiB(el: XmlElement, name: string, defaultUnit: SizeUnit = 'KiB'): number | undefined {
  return toKiB(attributeValue(el, name), attributeValue(el, 'unit'), defaultUnit);
}
