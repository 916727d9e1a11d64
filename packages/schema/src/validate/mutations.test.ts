import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../diagnostics.js';
import { corpusFiles, HAVE_CONFORMANCE, SKIP_REASON } from '../testing/corpus.js';
import { applyMutation, mutationsOf, type Mutation } from '../testing/mutations.js';
import { validateDomain } from './validateDomain.js';

/**
 * Small edits that keep a definition what it was (testing/mutations.ts) keep the verdict:
 * `valid` stays true and the same diagnostics are given, on the project's fixtures, the dumps
 * of running guests and, where ../shared is there, libvirt's own 150 accepted definitions.
 */
const FIXTURES = new URL('../../fixtures/', import.meta.url);
const fixtures = ['valid', 'live'].flatMap((kind) =>
  readdirSync(new URL(`${kind}/`, FIXTURES))
    .filter((f) => f.endsWith('.xml'))
    .sort()
    .map((f) => ({ name: `${kind}/${f}`, text: readFileSync(new URL(`${kind}/${f}`, FIXTURES), 'utf8') })),
);
const corpus = corpusFiles('argv').map((f) => ({ name: `libvirt argv/${f.name}`, text: f.text }));
// The project's own fixtures are mutated either way; libvirt's definitions only where ../shared is.
if (!HAVE_CONFORMANCE) console.warn(`${SKIP_REASON} (the mutation tests run on the project's fixtures only)`);

const verdict = (diagnostics: Diagnostic[]): string[] => diagnostics.map((d) => `${d.severity} ${d.scope} ${d.code}`).sort();

function expectSameVerdict(original: string, mutated: string, applied: readonly Mutation[]): void {
  const before = validateDomain(original);
  const after = validateDomain(mutated);
  const what = applied.map((m) => `${m.kind} at ${m.at}`).join(', then ');
  expect(after.valid, what).toBe(before.valid);
  expect(verdict(after.diagnostics), what).toEqual(verdict(before.diagnostics));
}

describe('mutations that keep a definition what it was keep its verdict', () => {
  it('finds every kind of mutation in the fixtures', () => {
    const kinds = new Set(fixtures.flatMap((f) => mutationsOf(f.text).map((m) => m.kind)));
    expect([...kinds].sort()).toEqual(['attribute-order', 'character-reference', 'comment', 'device-order', 'memory-in-KiB', 'open-and-close', 'quote', 'whitespace', 'xml-declaration']);
  });

  it.each(fixtures.map((f) => [f.name, f] as const))('%s: each kind of mutation, at its first and its last place', (_name, fixture) => {
    expect(validateDomain(fixture.text).valid).toBe(true);
    const byKind = new Map<string, Mutation[]>();
    for (const m of mutationsOf(fixture.text)) byKind.set(m.kind, [...(byKind.get(m.kind) ?? []), m]);
    for (const list of byKind.values()) {
      for (const m of new Set([list[0] as Mutation, list[list.length - 1] as Mutation])) expectSameVerdict(fixture.text, applyMutation(fixture.text, m), [m]);
    }
  });

  it.each([...fixtures, ...corpus].map((f) => [f.name, f] as const))('%s: up to four random mutations in a row', (_name, fixture) => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), (picks) => {
        let text = fixture.text;
        const applied: Mutation[] = [];
        for (const pick of picks) {
          const offered = mutationsOf(text);
          const m = offered[pick % offered.length] as Mutation;
          text = applyMutation(text, m);
          applied.push(m);
        }
        expectSameVerdict(fixture.text, text, applied);
      }),
      { numRuns: 8 },
    );
  });
});
