/** The units a size is typed in on the storage page. */
export const SIZE_UNITS = ['MiB', 'GiB', 'TiB'] as const;
export type SizeUnit = (typeof SIZE_UNITS)[number];

const FACTOR: Record<SizeUnit, number> = { MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 };

/** A typed size in bytes, or what is wrong with it (a whole number of bytes, above zero). */
export function parseSize(amount: string, unit: SizeUnit): number | string {
  const text = amount.trim();
  if (!/^\d+(\.\d+)?$/.test(text)) return `'${amount}' is not a size: give a number such as 10 or 2.5`;
  const bytes = Math.round(Number(text) * FACTOR[unit]);
  if (bytes <= 0) return 'The size must be above zero';
  if (!Number.isSafeInteger(bytes)) return `${amount} ${unit} is too large`;
  return bytes;
}
