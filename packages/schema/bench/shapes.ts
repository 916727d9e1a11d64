/**
 * Documents of one shape grown to a given size, for the scaling figures of bench.ts: the
 * cost of parse + validate must grow linearly with the input, whatever it is made of.
 * Each is a small valid domain with the bulk in one place.
 */
export const SHAPES = ['many attributes', 'many elements', 'deep nesting', 'many diagnostics'] as const;
export type Shape = (typeof SHAPES)[number];

const HEAD = "<domain type='qemu'>\n  <name>shape</name>\n  <memory unit='MiB'>64</memory>\n  <os>\n    <type arch='x86_64' machine='pc'>hvm</type>\n  </os>\n";

/** The parts of a document of `shape`: what comes before the repeated unit, the unit, what closes. */
function parts(shape: Shape, index: number): { open: string; unit: string; close: string } {
  switch (shape) {
    case 'many attributes':
      // One element of <metadata> (any XML in its own namespace) with ever more attributes.
      return { open: `${HEAD}  <metadata>\n    <x:bulk xmlns:x='urn:bench'`, unit: ` a${index}='value ${index}'`, close: '/>\n  </metadata>\n</domain>\n' };
    case 'many elements':
      return { open: `${HEAD}  <devices>\n`, unit: `    <interface type='user'><model type='virtio'/></interface>\n`, close: '  </devices>\n</domain>\n' };
    case 'deep nesting':
      return { open: `${HEAD}  <metadata>\n    <x:n xmlns:x='urn:bench'>`, unit: '<x:n>', close: '' };
    case 'many diagnostics':
      // An element libvirt does not know, once per unit: one diagnostic each.
      return { open: `${HEAD}  <devices>\n`, unit: `    <gadget id='${index}'/>\n`, close: '  </devices>\n</domain>\n' };
  }
}

/** A document of `shape` of about `bytes` bytes. */
export function documentOf(shape: Shape, bytes: number): string {
  const first = parts(shape, 0);
  const units: string[] = [];
  let size = first.open.length + first.close.length;
  let depth = 0;
  for (let i = 0; size < bytes; i++) {
    const unit = parts(shape, i).unit;
    units.push(unit);
    // Each level of nesting is closed again at the end.
    size += unit.length + (shape === 'deep nesting' ? unit.length + 1 : 0);
    depth++;
  }
  const close = shape === 'deep nesting' ? `${'</x:n>'.repeat(depth)}</x:n>\n  </metadata>\n</domain>\n` : first.close;
  return first.open + units.join('') + close;
}
