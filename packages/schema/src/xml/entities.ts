const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export interface UndefinedEntity {
  /** offset of `&` relative to the decoded source slice */
  start: number;
  end: number;
  name: string;
}

/**
 * Decodes the five predefined entities and character references. Anything else is left as
 * written and reported: DTD entities are never expanded (no billion laughs).
 */
export function decodeEntities(raw: string, undefinedEntities?: UndefinedEntity[]): string {
  let amp = raw.indexOf('&');
  if (amp === -1) return raw;
  let out = '';
  let last = 0;
  while (amp !== -1) {
    const semi = raw.indexOf(';', amp + 1);
    const name = semi === -1 ? '' : raw.slice(amp + 1, semi);
    const decoded = semi === -1 || name.length > 32 ? undefined : decodeReference(name);
    if (decoded === undefined) {
      undefinedEntities?.push({ start: amp, end: semi === -1 || name.length > 32 ? amp + 1 : semi + 1, name });
      amp = raw.indexOf('&', amp + 1);
      continue;
    }
    out += raw.slice(last, amp) + decoded;
    last = semi + 1;
    amp = raw.indexOf('&', last);
  }
  return out + raw.slice(last);
}

function decodeReference(name: string): string | undefined {
  if (name.startsWith('#')) {
    const hex = name[1] === 'x';
    const digits = name.slice(hex ? 2 : 1);
    if (digits === '' || !(hex ? /^[0-9a-fA-F]+$/ : /^[0-9]+$/).test(digits)) return undefined;
    const code = Number.parseInt(digits, hex ? 16 : 10);
    return code > 0x10ffff || code === 0 ? undefined : String.fromCodePoint(code);
  }
  return PREDEFINED[name];
}

/** Escapes text for an attribute value delimited by `quote`. */
export function escapeAttribute(value: string, quote: '"' | "'"): string {
  let out = value.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  out = quote === '"' ? out.replace(/"/g, '&quot;') : out.replace(/'/g, '&apos;');
  return out;
}

/** Escapes text for element content. */
export function escapeText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes text for element content or an attribute value in either quote: the one escape for XML written from strings. */
export function escapeXml(value: string): string {
  return escapeText(value).replace(/'/g, '&apos;').replace(/"/g, '&quot;');
}
