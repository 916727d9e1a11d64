import { VirtdeckError } from '../errors.js';

/**
 * The one byte range a `Range: bytes=…` header asks for (RFC 9110 14.1.2), inclusive, or
 * undefined for the whole file: no header, another unit, or several ranges (which a server
 * may answer with the whole file). A range past the end is a 416.
 */
export function byteRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  const match = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (match === null) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  const unsatisfiable = () => new VirtdeckError('range-not-satisfiable', `The range '${header}' is outside the ${size} bytes of the file`);
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) throw unsatisfiable();
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size || (last !== '' && Number(last) < start)) throw unsatisfiable();
  return { start, end };
}
