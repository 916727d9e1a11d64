import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyEdits, formatXml, parsePool, parseVolume, validatePool, validateVolume, type Diagnostic } from '../index.js';

/**
 * Golden pool and volume definitions: fixtures/{pools,volumes}/valid/NAME.xml validates, and
 * each invalid/NAME.xml fails with exactly the diagnostics of NAME.err (`severity code
 * line:column`). A file that is neither a fixture nor its .err fails the suite.
 */
const FIXTURES = new URL('../../fixtures/', import.meta.url);

function load(folder: string, kind: 'valid' | 'invalid') {
  const dir = new URL(`${folder}/${kind}/`, FIXTURES);
  const files = readdirSync(dir);
  const strays = files.filter((f) => !(f.endsWith('.xml') || (f.endsWith('.err') && files.includes(f.replace(/\.err$/, '.xml')))));
  const fixtures = files
    .filter((f) => f.endsWith('.xml'))
    .sort()
    .map((file) => {
      const err = new URL(file.replace(/\.xml$/, '.err'), dir);
      const expected = existsSync(err) ? readFileSync(err, 'utf8').split('\n').filter((l) => l.trim() !== '') : [];
      return { kind, name: file, text: readFileSync(new URL(file, dir), 'utf8'), expected };
    });
  return { fixtures, strays };
}

const describeDiagnostic = (d: Diagnostic) => `${d.severity} ${d.code} ${d.range.start.line}:${d.range.start.column}`;

const kinds = [
  { folder: 'pools', validate: validatePool, parse: (text: string) => parsePool(text).document },
  { folder: 'volumes', validate: validateVolume, parse: (text: string) => parseVolume(text).document },
] as const;

describe.each(kinds)('$folder fixtures', ({ folder, validate, parse }) => {
  const valid = load(folder, 'valid');
  const invalid = load(folder, 'invalid');

  it('holds only fixtures and their expected diagnostics', () => {
    expect([...valid.strays, ...invalid.strays]).toEqual([]);
    expect(valid.fixtures.length).toBeGreaterThan(0);
    for (const fixture of invalid.fixtures) expect(fixture.expected, `${fixture.name} needs a .err`).not.toEqual([]);
  });

  it.each(valid.fixtures.map((f) => [f.name, f] as const))('valid/%s validates', (_name, fixture) => {
    const result = validate(fixture.text);
    expect(result.diagnostics.map(describeDiagnostic)).toEqual(fixture.expected);
    expect(result.valid).toBe(true);
  });

  it.each(invalid.fixtures.map((f) => [f.name, f] as const))('invalid/%s is rejected with the expected diagnostics', (_name, fixture) => {
    const result = validate(fixture.text);
    expect(result.diagnostics.map(describeDiagnostic)).toEqual(fixture.expected);
    expect(result.valid).toBe(false);
  });

  it.each([...valid.fixtures, ...invalid.fixtures].map((f) => [`${f.kind}/${f.name}`, f] as const))('%s round-trips, and its quick fixes apply', (_name, fixture) => {
    expect(formatXml(parse(fixture.text))).toBe(fixture.text);
    for (const diagnostic of validate(fixture.text).diagnostics) {
      for (const fix of diagnostic.fixes ?? []) expect(() => parse(applyEdits(fixture.text, fix.edits))).not.toThrow();
    }
  });
});

describe('storage models', () => {
  it('reads sizes in bytes whatever the unit, and a volume backing store', () => {
    const { volume } = validateVolume(readFileSync(new URL('volumes/valid/overlay-dumpxml.xml', FIXTURES), 'utf8'));
    expect(volume?.capacity?.bytes).toBe(10737418240n);
    expect(volume?.target?.format).toBe('qcow2');
    expect(volume?.backingStore?.path).toBe('/var/lib/libvirt/images/base.qcow2');
    expect(validateVolume("<volume><name>a</name><capacity unit='MiB'>3</capacity><target/></volume>").volume?.capacity?.bytes).toBe(3n * 1048576n);
    expect(validatePool(readFileSync(new URL('pools/valid/default.xml', FIXTURES), 'utf8')).pool?.targetPath).toBe('/var/lib/virtdeck/images');
  });
});
