import { attributeValue, firstChild, textContent, type XmlElement } from '../xml/tree.js';

/** An `as const` table of XML enum values, each with a one-line description. */
export type EnumTable = Readonly<Record<string, string>>;

export function isEnumValue<T extends EnumTable>(table: T, value: string | undefined): value is keyof T & string {
  return value !== undefined && Object.prototype.hasOwnProperty.call(table, value);
}

export function enumValue<T extends EnumTable>(table: T, value: string | undefined): (keyof T & string) | undefined {
  return isEnumValue(table, value) ? value : undefined;
}

const DECIMAL = /^[+]?[0-9]+$/;
const SIGNED_DECIMAL = /^[+-]?[0-9]+$/;
const HEX = /^0[xX][0-9a-fA-F]+$/;
const OCTAL = /^0[0-7]+$/;

/** A non-negative integer written in decimal. */
export function parseUnsigned(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  return DECIMAL.test(v) ? Number(v) : undefined;
}

export function parseSigned(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  return SIGNED_DECIMAL.test(v) ? Number(v) : undefined;
}

/**
 * An integer the way libvirt reads addresses (strtol base 0): `0x1f` hex, `017` octal,
 * otherwise decimal.
 */
export function parseAddressNumber(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (HEX.test(v)) return Number.parseInt(v.slice(2), 16);
  if (OCTAL.test(v)) return Number.parseInt(v.slice(1), 8);
  return DECIMAL.test(v) ? Number(v) : undefined;
}

export const BOOLEAN_WORDS = { yes: true, no: false, on: true, off: false } as const;

/** `yes`/`no` and `on`/`off`. */
export function parseBoolean(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  return Object.prototype.hasOwnProperty.call(BOOLEAN_WORDS, value)
    ? BOOLEAN_WORDS[value as keyof typeof BOOLEAN_WORDS]
    : undefined;
}

/** Shorthands for reading one element's attributes into model fields. */
export const read = {
  string: (el: XmlElement, name: string): string | undefined => attributeValue(el, name),
  unsigned: (el: XmlElement, name: string): number | undefined => parseUnsigned(attributeValue(el, name)),
  signed: (el: XmlElement, name: string): number | undefined => parseSigned(attributeValue(el, name)),
  number: (el: XmlElement, name: string): number | undefined => parseAddressNumber(attributeValue(el, name)),
  boolean: (el: XmlElement, name: string): boolean | undefined => parseBoolean(attributeValue(el, name)),
  enum: <T extends EnumTable>(el: XmlElement, name: string, table: T): (keyof T & string) | undefined =>
    enumValue(table, attributeValue(el, name)),
};

/** Trimmed text of a child element, or undefined when the child is absent. */
export function childText(el: XmlElement, name: string): string | undefined {
  const child = firstChild(el, name);
  return child === undefined ? undefined : textContent(child).trim();
}

export function elementText(el: XmlElement): string {
  return textContent(el).trim();
}

/** A present `<flag/>` child (`<readonly/>`, `<shareable/>`). */
export function hasChild(el: XmlElement, name: string): boolean {
  return firstChild(el, name) !== undefined;
}
