import { describe, expect, it } from 'vitest';
import { LineFramer } from './LineFramer.js';

const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('LineFramer', () => {
  it('returns every complete line of a chunk, without the CRLF', () => {
    const framer = new LineFramer(1024);
    expect(framer.push(bytes('{"a": 1}\r\n{"b": 2}\r\n'))).toEqual([
      { kind: 'line', text: '{"a": 1}' },
      { kind: 'line', text: '{"b": 2}' },
    ]);
    expect(framer.bufferedBytes).toBe(0);
  });

  it('holds a partial line until its newline arrives', () => {
    const framer = new LineFramer(1024);
    expect(framer.push(bytes('{"retu'))).toEqual([]);
    expect(framer.bufferedBytes).toBe(6);
    expect(framer.push(bytes('rn": {}}\r'))).toEqual([]);
    expect(framer.push(bytes('\n{"x"'))).toEqual([{ kind: 'line', text: '{"return": {}}' }]);
    expect(framer.push(bytes(': 1}\n'))).toEqual([{ kind: 'line', text: '{"x": 1}' }]);
  });

  it('keeps a multi-byte character that is split between chunks', () => {
    const framer = new LineFramer(1024);
    const line = bytes('"Grüße 🚀"\n');
    const lines = [...line].flatMap((byte) => framer.push(Buffer.from([byte])));
    expect(lines).toEqual([{ kind: 'line', text: '"Grüße 🚀"' }]);
  });

  it('skips blank lines', () => {
    const framer = new LineFramer(1024);
    expect(framer.push(bytes('\r\n\n  \n{}\n'))).toEqual([{ kind: 'line', text: '{}' }]);
  });

  it('drops a line over the cap, keeps its edges, and goes on with the next line', () => {
    const framer = new LineFramer(100);
    const big = `{"id": 7, "return": "${'x'.repeat(300)}", "end": 1}`;
    expect(framer.push(bytes(big.slice(0, 150)))).toEqual([]);
    // Nothing of the oversized line is buffered while it is being dropped.
    expect(framer.bufferedBytes).toBe(0);
    const out = framer.push(bytes(`${big.slice(150)}\r\n{"ok": true}\n`));
    expect(out).toHaveLength(2);
    const [dropped, next] = out;
    expect(dropped).toMatchObject({ kind: 'oversized', bytes: Buffer.byteLength(big) + 1 });
    expect(dropped?.kind === 'oversized' && dropped.head.startsWith('{"id": 7, ')).toBe(true);
    expect(dropped?.kind === 'oversized' && dropped.tail.endsWith('"end": 1}\r')).toBe(true);
    expect(next).toEqual({ kind: 'line', text: '{"ok": true}' });
  });

  it('accepts a line of exactly the cap', () => {
    const framer = new LineFramer(10);
    expect(framer.push(bytes('0123456789\n'))).toEqual([{ kind: 'line', text: '0123456789' }]);
    expect(framer.push(bytes('0123456789A\n'))).toMatchObject([{ kind: 'oversized', bytes: 11 }]);
  });
});
