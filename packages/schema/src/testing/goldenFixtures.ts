import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyEdits, formatXml, type Diagnostic, type XmlDocument } from '../index.js';

/** One document kind's parser and validator, as the golden fixtures exercise them. */
export interface FixtureKind {
  validate(text: string): { valid: boolean; diagnostics: Diagnostic[] };
  parse(text: string): XmlDocument;
}

interface Fixture {
  kind: 'valid' | 'invalid';
  name: string;
  text: string;
  expected: string[];
}

const describeDiagnostic = (d: Diagnostic) => `${d.severity} ${d.code} ${d.range.start.line}:${d.range.start.column}`;

function load(folder: URL, kind: Fixture['kind']): { fixtures: Fixture[]; strays: string[] } {
  const dir = new URL(`${kind}/`, folder);
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

/**
 * The golden fixtures of one document kind: `folder`/valid/NAME.xml validates, each
 * invalid/NAME.xml fails with exactly the diagnostics of NAME.err (`severity code
 * line:column`), every one round-trips byte for byte and its quick fixes leave a document
 * that parses. A file that is neither a fixture nor its .err fails the suite.
 */
export function describeGoldenFixtures(title: string, folder: URL, { validate, parse }: FixtureKind): void {
  describe(title, () => {
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
}
