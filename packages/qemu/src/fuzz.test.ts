/**
 * Random XML-ish text and random names thrown at parse, validate and buildArgv: each must answer
 * with diagnostics, never throw, and stay within a time per KiB relative to a realistic
 * definition measured in the same run (a slow path shows as a large ratio, whatever the machine).
 */
import fc from 'fast-check';
import { formatXml, parseXml, validateDomain } from '@virtdeck/schema';
import { describe, expect, it } from 'vitest';
import { buildArgv } from './index.js';
import { hostCapabilitiesFixture } from './testing/conformance.js';

const caps = hostCapabilitiesFixture();
const NAMES = ['domain', 'name', 'memory', 'os', 'type', 'devices', 'disk', 'source', 'target', 'interface', 'controller', 'serial', 'console', 'qemu:commandline', 'x:y', 'a'];
const ATTRIBUTES = ['type', 'dev', 'bus', 'file', 'unit', 'index', 'model', 'machine', 'arch', 'xmlns:qemu', 'slot', 'port'];

const name = fc.oneof(fc.constantFrom(...NAMES), fc.string({ minLength: 0, maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 8 }));
const value = fc.oneof(fc.constantFrom('qemu', 'kvm', 'hvm', 'virtio', 'vda', '0x1f', '-1', '', 'GiB', '&amp;', '&lt;', '&bogus;', '<', '"', "'"), fc.string({ maxLength: 16 }));
const attribute = fc.tuple(fc.oneof(fc.constantFrom(...ATTRIBUTES), name), value, fc.constantFrom("'", '"', '')).map(([n, v, q]) => ` ${n}=${q}${v}${q}`);
const junk = fc.constantFrom('<!--', '-->', '<![CDATA[', ']]>', '<?xml version="1.0"?>', '<!DOCTYPE domain [<!ENTITY x "y">]>', '&', '</', '/>', '>', '<', '\u0000', '\uFFFD', '\n', '\t');

/** A tree of random elements with random attributes, text and broken bits, serialized (and maybe cut). */
const xmlish: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(value, junk),
    fc.tuple(name, fc.array(attribute, { maxLength: 4 }), fc.array(tie('node'), { maxLength: 5 }), fc.boolean()).map(([n, attrs, children, close]) =>
      children.length === 0 && close ? `<${n}${attrs.join('')}/>` : `<${n}${attrs.join('')}>${children.join('')}${close ? `</${n}>` : ''}`,
    ),
  ),
})).node;
const document = fc.tuple(fc.constantFrom("<domain type='qemu'>", '<domain>', "<domain type='kvm'><name>f</name><memory>1</memory><os><type>hvm</type></os><devices>", ''), fc.array(xmlish, { maxLength: 8 }), fc.nat(400))
  .map(([head, body, cut]) => {
    const text = `${head}${body.join('')}${head === '' ? '' : '</devices></domain>'}`;
    return cut > 300 ? text.slice(0, cut % (text.length + 1)) : text;
  });

const realistic = `<domain type='qemu'><name>fuzz</name><memory unit='MiB'>256</memory><os><type arch='x86_64' machine='q35'>hvm</type></os><devices><disk type='file' device='disk'><source file='/d.img'/><target dev='vda' bus='virtio'/></disk><interface type='user'><model type='virtio'/></interface><serial type='pty'/><console type='pty'/></devices></domain>`;

/** The whole pipeline on one text: what a define and an argv preview do. */
function pipeline(text: string): number {
  const parsed = parseXml(text);
  expect(formatXml(parsed.document)).toBe(text);
  const result = validateDomain(text);
  expect(Array.isArray(result.diagnostics)).toBe(true);
  if (result.domain) buildArgv(result.domain, caps, undefined, { now: 0 });
  return result.diagnostics.length;
}

function msPerChar(text: string, runs: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    pipeline(text);
    best = Math.min(best, performance.now() - start);
  }
  return best / Math.max(text.length, 256);
}

describe('fuzzing parse, validate and buildArgv', { timeout: 60_000 }, () => {
  it('every random text gets diagnostics or a result, never an exception', () => {
    fc.assert(
      fc.property(document, (text) => {
        pipeline(text);
      }),
      { numRuns: 400, seed: 20261201 },
    );
  });

  it('random names and values in every place a name goes', () => {
    fc.assert(
      fc.property(name, value, (n, v) => {
        pipeline(`<domain type='qemu'><name>${n}</name><memory>1</memory><os><type>hvm</type></os><devices><${n} ${n}='${v}'/><disk type='${v}'><target dev='${n}'/></disk></devices></domain>`);
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('no random text costs per KiB more than 20 times what a realistic definition does', () => {
    const reference = (msPerChar(realistic, 20), msPerChar(realistic, 50));
    const slowest = { ratio: 0, text: '' };
    fc.assert(
      fc.property(document, (text) => {
        const ratio = msPerChar(text.repeat(4), 3) / reference;
        if (ratio > slowest.ratio) Object.assign(slowest, { ratio, text });
      }),
      { numRuns: 100, seed: 99 },
    );
    expect(slowest.ratio, `slowest: ${JSON.stringify(slowest.text.slice(0, 200))}`).toBeLessThan(20);
  });
});
