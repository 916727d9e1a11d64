import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyEdits, formatXml, parseDomain, validateDomain, type Diagnostic } from './index.js';

/**
 * The project's own golden files: fixtures/valid/NAME.xml must validate (with exactly the
 * warnings of NAME.err when there is one), fixtures/invalid/NAME.xml must fail with exactly the
 * diagnostics of NAME.err (`severity code line:column`, one a line), fixtures/live/NAME.xml are
 * `virsh dumpxml` outputs of running guests: valid as they are, with the note of NAME.err whose
 * quick fix leaves an inactive definition that validates clean. Every fixture runs here; a file
 * that is neither a fixture nor its .err fails the suite.
 */
const FIXTURES = new URL('../fixtures/', import.meta.url);

interface Fixture {
  kind: 'valid' | 'invalid' | 'live';
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
const live = load('live');
/** How each thing only a running guest has looks in a dump. */
const RUNNING_GUEST_TEXT = [/<domain[^>]* id=/, /<alias name='(?!ua-)/, /tty=|\/dev\/pts\//, /dev='vnet\d/, /<(image)?label>/, /<source [^>]*index=/, /<target type='virtio'[^>]*state=/, /port='\d+' autoport='yes'/];
const describeDiagnostic = (d: Diagnostic) => `${d.severity} ${d.code} ${d.range.start.line}:${d.range.start.column}`;

describe('fixtures', () => {
  it('holds only fixtures and their expected diagnostics', () => {
    expect([...valid.strays, ...invalid.strays, ...live.strays]).toEqual([]);
    expect(valid.fixtures.length).toBeGreaterThan(10);
    expect(invalid.fixtures.length).toBeGreaterThan(30);
    expect(live.fixtures.length).toBeGreaterThanOrEqual(4);
    for (const fixture of [...invalid.fixtures, ...live.fixtures]) expect(fixture.expected, `${fixture.name} needs a .err`).not.toEqual([]);
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

  it.each(live.fixtures.map((f) => [f.name, f] as const))('live/%s is valid as dumped, and one quick fix makes it an inactive definition', (_name, fixture) => {
    const result = validateDomain(fixture.text);
    expect(result.diagnostics.map(describeDiagnostic)).toEqual(fixture.expected);
    expect(result.valid).toBe(true);
    const notes = result.diagnostics.filter((d) => d.code === 'running-guest-state');
    expect(notes).toHaveLength(1);
    expect(notes[0]?.fixes?.map((f) => f.title)).toEqual(['Remove what only a running guest has']);
    const inactive = applyEdits(fixture.text, notes[0]?.fixes?.[0]?.edits ?? []);
    const again = validateDomain(inactive);
    expect(again.diagnostics.map(describeDiagnostic)).toEqual(fixture.expected.filter((line) => !line.includes('running-guest-state')));
    expect(again.valid).toBe(true);
    for (const live of RUNNING_GUEST_TEXT) expect(inactive).not.toMatch(live);
  });

  it.each([...valid.fixtures, ...invalid.fixtures, ...live.fixtures].map((f) => [`${f.kind}/${f.name}`, f] as const))('%s round-trips, and its quick fixes apply', (_name, fixture) => {
    const { document } = parseDomain(fixture.text);
    const formatted = formatXml(document);
    expect(formatted).toBe(fixture.text);
    expect(formatXml(parseDomain(formatted).document)).toBe(formatted);
    for (const diagnostic of validateDomain(fixture.text).diagnostics) {
      for (const fix of diagnostic.fixes ?? []) expect(() => parseDomain(applyEdits(fixture.text, fix.edits))).not.toThrow();
    }
  });
});
