/**
 * The one place where values become QEMU option strings.
 *
 * QEMU reads an option value in one of two syntaxes:
 * - "key=value,key=value" (QemuOpts / keyval): a comma ends a value unless it is doubled,
 *   so every value is written with its commas doubled. A value may hold '=' (only the
 *   first '=' of a pair separates key from value) and any other character, newlines included.
 * - JSON, for -device, -blockdev, -object, -netdev and -audiodev when the value starts with '{':
 *   `JSON.stringify` escapes quotes, backslashes and control characters.
 * Keys and implied leading values (`pty` in `-chardev pty,id=…`) are always constants chosen
 * by virtdeck, never user text; they are checked so a programming slip fails loudly.
 * Each option value is its own argv element, so a value beginning with '-' cannot become
 * an option: QEMU takes the element after an option as its argument whatever it contains.
 */

/** `bigint` is written as a bare JSON integer (QEMU's 64-bit properties, such as a disk wwn). */
export type JsonValue = string | number | bigint | boolean | null | JsonValue[] | JsonObject;
/** Properties whose value is `undefined` are left out, which keeps builders terse. */
export interface JsonObject {
  [key: string]: JsonValue | undefined;
}

export type OptionScalar = string | number | boolean;
/** Ordered key/value pairs; pairs whose value is `undefined` are left out. */
export type OptionPairs = ReadonlyArray<readonly [key: string, value: OptionScalar | undefined]>;

const SAFE_KEY = /^[A-Za-z0-9_.-]+$/;

/** Doubles every comma, QEMU's escape for a comma inside a key=value option value. */
export function escapeOptionValue(value: string): string {
  return value.replaceAll(',', ',,');
}

function scalarText(value: OptionScalar): string {
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`option value ${value} is not a finite number`);
    return String(value);
  }
  return escapeOptionValue(value);
}

function assertConstant(text: string, what: string): void {
  if (!SAFE_KEY.test(text)) throw new Error(`internal: ${what} ${JSON.stringify(text)} is not a plain QEMU token`);
}

/**
 * Builds a key=value option value, e.g. `keyValue([['id', 'x'], ['path', p]], 'socket')`
 * gives `socket,id=x,path=…` with the path's commas doubled. Booleans are written on/off.
 */
export function keyValue(pairs: OptionPairs, implied?: string): string {
  const parts: string[] = [];
  if (implied !== undefined) {
    assertConstant(implied, 'implied value');
    parts.push(implied);
  }
  for (const [key, value] of pairs) {
    if (value === undefined) continue;
    assertConstant(key, 'option key');
    parts.push(`${key}=${scalarText(value)}`);
  }
  return parts.join(',');
}

/** Serializes a -device/-blockdev/-object/-netdev/-audiodev value; key order is kept. */
export function jsonOption(value: JsonObject): string {
  return serializeJson(value);
}

function serializeJson(value: JsonValue): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new RangeError(`JSON option value ${value} is not a finite number`);
      return String(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      if (Array.isArray(value)) return `[${value.map(serializeJson).join(',')}]`;
      return `{${Object.entries(value)
        .filter((entry): entry is [string, JsonValue] => entry[1] !== undefined)
        .map(([key, item]) => `${JSON.stringify(key)}:${serializeJson(item)}`)
        .join(',')}}`;
  }
}

/** One QEMU option: the flag (`-device`) and, when it takes one, its argument. */
export interface QemuOption {
  readonly flag: string;
  readonly value?: string;
}

/** Flattens options into argv elements, one element per flag and one per value. */
export function optionsToArgv(options: readonly QemuOption[]): string[] {
  const argv: string[] = [];
  for (const option of options) {
    argv.push(option.flag);
    if (option.value !== undefined) argv.push(option.value);
  }
  return argv;
}
