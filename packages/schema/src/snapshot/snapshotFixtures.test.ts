import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyEdits, firstChild, formatXml, parseSnapshot, textContent, snapshotXml, validateSnapshot, type Diagnostic } from '../index.js';

/**
 * Golden snapshot definitions: fixtures/snapshots/valid/NAME.xml validates, and each
 * invalid/NAME.xml fails with exactly the diagnostics of NAME.err (`severity code line:column`).
 * A file that is neither a fixture nor its .err fails the suite.
 */
const DIR = new URL('../../fixtures/snapshots/', import.meta.url);

function load(kind: 'valid' | 'invalid') {
  const dir = new URL(`${kind}/`, DIR);
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
const valid = load('valid');
const invalid = load('invalid');

describe('snapshot fixtures', () => {
  it('holds only fixtures and their expected diagnostics', () => {
    expect([...valid.strays, ...invalid.strays]).toEqual([]);
    expect(valid.fixtures.length).toBeGreaterThan(0);
    for (const fixture of invalid.fixtures) expect(fixture.expected, `${fixture.name} needs a .err`).not.toEqual([]);
  });

  it.each(valid.fixtures.map((f) => [f.name, f] as const))('valid/%s validates', (_name, fixture) => {
    const result = validateSnapshot(fixture.text);
    expect(result.diagnostics.map(describeDiagnostic)).toEqual(fixture.expected);
    expect(result.valid).toBe(true);
  });

  it.each(invalid.fixtures.map((f) => [f.name, f] as const))('invalid/%s is rejected with the expected diagnostics', (_name, fixture) => {
    const result = validateSnapshot(fixture.text);
    expect(result.diagnostics.map(describeDiagnostic)).toEqual(fixture.expected);
    expect(result.valid).toBe(false);
  });

  it.each([...valid.fixtures, ...invalid.fixtures].map((f) => [`${f.kind}/${f.name}`, f] as const))('%s round-trips, and its quick fixes apply', (_name, fixture) => {
    expect(formatXml(parseSnapshot(fixture.text).document)).toBe(fixture.text);
    for (const diagnostic of validateSnapshot(fixture.text).diagnostics) {
      for (const fix of diagnostic.fixes ?? []) expect(() => parseSnapshot(applyEdits(fixture.text, fix.edits))).not.toThrow();
    }
  });
});

describe('snapshot model', () => {
  it('reads name, parent, state, time, memory, disks and the embedded definition', () => {
    const { snapshot } = validateSnapshot(readFileSync(new URL('valid/running-internal.xml', DIR), 'utf8'));
    expect(snapshot).toMatchObject({ name: 'before-upgrade', parent: 'fresh', state: 'running', creationTime: 1764716400, memory: { snapshot: 'internal' } });
    expect(snapshot?.disks.map((d) => [d.name, d.snapshot])).toEqual([['vda', 'internal'], ['sda', 'no']]);
    expect(snapshot?.domain?.name).toBe('domain');
  });
});

describe('snapshotXml', () => {
  const domainXml = readFileSync(new URL('../valid/demo-guest.xml', DIR), 'utf8');

  it('writes a snapshot that validates and reads back as given, with the definition at that time', () => {
    const text = snapshotXml({
      name: "it's <mine> & yours",
      description: 'before "rm -rf"',
      state: 'running',
      creationTime: 1764716400.7,
      parent: 'fresh',
      memory: 'internal',
      disks: [{ name: 'vda', snapshot: 'internal' }],
      domainXml: `<?xml version="1.0"?>\n${domainXml}`,
    });
    const result = validateSnapshot(text);
    expect(result.diagnostics).toEqual([]);
    expect(result.snapshot).toMatchObject({ name: "it's <mine> & yours", description: 'before "rm -rf"', parent: 'fresh', creationTime: 1764716400, state: 'running' });
    expect(result.snapshot?.disks.map((d) => d.name)).toEqual(['vda']);
    const domain = result.snapshot?.domain;
    const name = domain && firstChild(domain, 'name');
    expect(name && textContent(name)).toBe('demo');
  });

  it('leaves out the parent of a first snapshot and an empty description', () => {
    const text = snapshotXml({ name: 'first', description: '', state: 'shutoff', creationTime: 1, memory: 'no', disks: [], domainXml });
    const { snapshot, valid } = validateSnapshot(text);
    expect(valid).toBe(true);
    expect(snapshot?.parent).toBeUndefined();
    expect(snapshot?.description).toBeUndefined();
  });
});
