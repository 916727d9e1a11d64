import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyEdits, formatXml, parseDomain, validateDomain, type Diagnostic } from './index.js';

/**
 * The project's own golden files: fixtures/valid/NAME.xml must validate (with exactly the
 * warnings of NAME.err when there is one), fixtures/invalid/NAME.xml must fail with exactly the
 * diagnostics of NAME.err (`severity code line:column`, one a line). Every fixture runs here;
 * a file that is neither a fixture nor its .err fails the suite.
 */
const FIXTURES = new URL('../fixtures/', import.meta.url);

interface Fixture {
  kind: 'valid' | 'invalid';
  name: string;
  text: string;
  expected: string[];
}

function load(kind: Fixture['kind']): { fixtures: Fixture[]; strays: string[] } {
  const dir = new URL(`${kind}/`, FIXTURES);
  const files = readdirSync(dir);
  const strays = files.filter((f) => !(f.endsWith('.xml') || (f.endsWith('.err') && files.includes(f.replace(/\.err$/, '.xml')))));
  const fixtures = files
    .filter((f) => f.endsWith('.xml'))
    .sort()
    .map((file) => {
      const err = new URL(file.replace(/\.xml$/, '.err'), dir);
      return {
        kind,
        name: file,
        text: readFileSync(new URL(file, dir), 'utf8'),
        expected: existsSync(err) ? readFileSync(err, 'utf8').split('\n').filter((l) => l.trim() !== '') : [],
      };
    });
  return { fixtures, strays };
}

const valid = load('valid');
const invalid = load('invalid');
const describeDiagnostic = (d: Diagnostic) => `${d.severity} ${d.code} ${d.range.start.line}:${d.range.start.column}`;

describe('fixtures', () => {
  it('holds only fixtures and their expected diagnostics', () => {
    expect([...valid.strays, ...invalid.strays]).toEqual([]);
    expect(valid.fixtures.length).toBeGreaterThan(10);
    expect(invalid.fixtures.length).toBeGreaterThan(30);
    for (const fixture of invalid.fixtures) expect(fixture.expected, `${fixture.name} needs a .err`).not.toEqual([]);
  });

  it.each(valid.fixtures.map((f) => [f.name, f] as const))('valid/%s validates', (_name, fixture) => {
    const result = validateDomain(fixture.text);
    expect(result.diagnostics.map(describeDiagnostic)).toEqual(fixture.expected);
    expect(result.valid).toBe(true);
    expect(fixture.expected.every((line) => !line.startsWith('error'))).toBe(true);
  });

  it.each(invalid.fixtures.map((f) => [f.name, f] as const))('invalid/%s is rejected with the expected diagnostics', (_name, fixture) => {
    const result = validateDomain(fixture.text);
    expect(result.diagnostics.map(describeDiagnostic)).toEqual(fixture.expected);
    expect(result.valid).toBe(false);
  });

  it.each([...valid.fixtures, ...invalid.fixtures].map((f) => [`${f.kind}/${f.name}`, f] as const))('%s round-trips, and its quick fixes apply', (_name, fixture) => {
    const { document } = parseDomain(fixture.text);
    const formatted = formatXml(document);
    expect(formatted).toBe(fixture.text);
    expect(formatXml(parseDomain(formatted).document)).toBe(formatted);
    for (const diagnostic of validateDomain(fixture.text).diagnostics) {
      for (const fix of diagnostic.fixes ?? []) expect(() => parseDomain(applyEdits(fixture.text, fix.edits))).not.toThrow();
    }
  });
});
