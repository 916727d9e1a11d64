import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyEdits, formatXml, parseNetwork, validateNetwork, type Diagnostic } from '../index.js';

/**
 * Golden network definitions: fixtures/networks/valid/NAME.xml validates, and each
 * fixtures/networks/invalid/NAME.xml fails with exactly the diagnostics of NAME.err
 * (`severity code line:column`), one file per rule of the network parser. A file that is
 * neither a fixture nor its .err fails the suite.
 */
const FIXTURES = new URL('../../fixtures/networks/', import.meta.url);

function load(kind: 'valid' | 'invalid') {
  const dir = new URL(`${kind}/`, FIXTURES);
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

const valid = load('valid');
const invalid = load('invalid');
const describeDiagnostic = (d: Diagnostic) => `${d.severity} ${d.code} ${d.range.start.line}:${d.range.start.column}`;

describe('network fixtures', () => {
  it('holds only fixtures and their expected diagnostics', () => {
    expect([...valid.strays, ...invalid.strays]).toEqual([]);
    for (const fixture of invalid.fixtures) expect(fixture.expected, `${fixture.name} needs a .err`).not.toEqual([]);
  });

  it.each(valid.fixtures.map((f) => [f.name, f] as const))('valid/%s validates', (_name, fixture) => {
    const result = validateNetwork(fixture.text);
    expect(result.diagnostics.map(describeDiagnostic)).toEqual(fixture.expected);
    expect(result.valid).toBe(true);
  });

  it.each(invalid.fixtures.map((f) => [f.name, f] as const))('invalid/%s is rejected with the expected diagnostics', (_name, fixture) => {
    const result = validateNetwork(fixture.text);
    expect(result.diagnostics.map(describeDiagnostic)).toEqual(fixture.expected);
    expect(result.valid).toBe(false);
  });

  it.each([...valid.fixtures, ...invalid.fixtures].map((f) => [`${f.kind}/${f.name}`, f] as const))('%s round-trips, and its quick fixes apply', (_name, fixture) => {
    const { document } = parseNetwork(fixture.text);
    expect(formatXml(document)).toBe(fixture.text);
    for (const diagnostic of validateNetwork(fixture.text).diagnostics) {
      for (const fix of diagnostic.fixes ?? []) expect(() => parseNetwork(applyEdits(fixture.text, fix.edits))).not.toThrow();
    }
  });
});
