/**
 * Hostile and oversized documents of a chosen size, one generator per shape that has made
 * parsers slow: many attributes on one element, many elements, deep nesting, many diagnostics.
 * Used by the scaling tests and the benchmark; each returns a text of at most `bytes` characters
 * (ASCII, so characters are bytes), short of it by less than one repeated unit.
 */

export const DOCUMENT_SHAPES = ['attributes', 'elements', 'nesting', 'diagnostics'] as const;
export type DocumentShape = (typeof DOCUMENT_SHAPES)[number];

const HEAD = "<domain type='qemu'>\n  <name>shape</name>\n  <memory unit='MiB'>256</memory>\n  <os>\n    <type arch='x86_64' machine='pc'>hvm</type>\n  </os>\n";

/** `prefix`, as many of `unit(0)`, `unit(1)`, … as fit, and `suffix`, in at most `bytes`. */
function fill(bytes: number, prefix: string, suffix: string, unit: (i: number) => string): string {
  const parts = [prefix];
  let length = prefix.length + suffix.length;
  for (let i = 0; ; i++) {
    const part = unit(i);
    if (length + part.length > bytes) break;
    parts.push(part);
    length += part.length;
  }
  parts.push(suffix);
  return parts.join('');
}

/** One element with as many distinct unknown attributes as fit: the duplicate check and one fix per attribute. */
export function manyAttributes(bytes: number): string {
  return fill(bytes, "<domain type='qemu'", `>\n${HEAD.slice(HEAD.indexOf('\n') + 1)}</domain>\n`, (i) => ` a${i}='1'`);
}

/** A valid domain with as many disks as fit, each with its own target and source. */
export function manyElements(bytes: number): string {
  return fill(bytes, `${HEAD}  <devices>\n`, '  </devices>\n</domain>\n', (i) =>
    `    <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='/images/d${i}.img'/><target dev='sd${diskLetters(i)}' bus='scsi'/></disk>\n`,
  );
}

/** Chains of elements 250 deep (just under the parser's limit) in <metadata>, one after another. */
export function deepNesting(bytes: number): string {
  const depth = 250;
  const chain = `<x:n xmlns:x='urn:shape'>${'<x:n>'.repeat(depth - 1)}deep${'</x:n>'.repeat(depth)}\n`;
  return fill(bytes, `${HEAD}  <metadata>\n`, '  </metadata>\n</domain>\n', () => chain);
}

/** Devices that are each wrong in several ways: unknown names, bad enum values, duplicate targets. */
export function manyDiagnostics(bytes: number): string {
  return fill(bytes, `${HEAD}  <devices>\n`, '  </devices>\n</domain>\n', (i) =>
    `    <disk type='flie' device='dsk' bogus='${i}'><target dev='vda' bus='virtio'/><soruce file='/d${i}'/></disk>\n`,
  );
}

export const SHAPE_GENERATORS: Readonly<Record<DocumentShape, (bytes: number) => string>> = {
  attributes: manyAttributes,
  elements: manyElements,
  nesting: deepNesting,
  diagnostics: manyDiagnostics,
};

/** `a`, `b`, … `z`, `aa`, `ab`, … as libvirt names disks. */
function diskLetters(i: number): string {
  let out = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) out = String.fromCharCode(97 + ((n - 1) % 26)) + out;
  return out;
}
