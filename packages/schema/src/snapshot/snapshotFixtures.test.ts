import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { firstChild, parseSnapshot, textContent, snapshotXml, validateSnapshot } from '../index.js';
import { describeGoldenFixtures } from '../testing/goldenFixtures.js';

/** Golden snapshot definitions: fixtures/snapshots/. */
const DIR = new URL('../../fixtures/snapshots/', import.meta.url);

describeGoldenFixtures('snapshot fixtures', DIR, { validate: validateSnapshot, parse: (text) => parseSnapshot(text).document });

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
