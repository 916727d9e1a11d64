import { describe, expect, it } from 'vitest';
import { capDiagnostics, hasErrors, MAX_DIAGNOSTICS, validateDomain, type Diagnostic } from '../index.js';
import { manyAttributes, SHAPE_GENERATORS, DOCUMENT_SHAPES } from '../testing/shapes.js';

/**
 * Cost must grow linearly with the input. Absolute times depend on the machine and its load,
 * so each case compares the time per KiB of a large document with that of a small one of the
 * same shape, measured in the same run: a quadratic step makes the ratio grow with the size
 * (it was about 80× for 80,000 attributes against 1,000), a linear one keeps it near 1. The best
 * of several runs of each counts, the one least disturbed by other work on a shared machine.
 * The large documents are 32 to 98 times the small ones, so a quadratic step gives a ratio of
 * 32 or more; a linear one stays under 3 on a quiet machine and was seen at 7 on one loaded
 * about 20 deep (garbage collection and caches weigh more on the large document).
 */
const MAX_RATIO = 12;

/** Best of `runs` wall times of `fn`, in ms: the run least disturbed by other work. */
function bestTime(fn: () => unknown, runs: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

/** Time per character of `large` divided by that of `small`. */
function perKiBRatio(small: string, large: string): number {
  bestTime(() => validateDomain(small), 10);
  const smallMs = bestTime(() => validateDomain(small), 30);
  const largeMs = bestTime(() => validateDomain(large), 5);
  return largeMs / large.length / (smallMs / small.length);
}

describe('validation time is linear in the input', { timeout: 60_000 }, () => {
  it('80,000 attributes on one element cost per KiB what 1,000 do', () => {
    const small = manyAttributes(9 * 1024);
    const large = manyAttributes(880 * 1024);
    expect(large.match(/ a\d+=/g)?.length).toBeGreaterThan(80_000);
    expect(perKiBRatio(small, large)).toBeLessThan(MAX_RATIO);
  });

  it.each(DOCUMENT_SHAPES)('shape %s: 256 KiB against 8 KiB', (shape) => {
    const generate = SHAPE_GENERATORS[shape];
    expect(perKiBRatio(generate(8 * 1024), generate(256 * 1024))).toBeLessThan(MAX_RATIO);
  });

  it('thousands of DOCTYPEs and comments', () => {
    const doctypes = (n: number) => `${"<!DOCTYPE domain><!-- a comment -->\n".repeat(n)}<domain type='qemu'/>`;
    expect(perKiBRatio(doctypes(200), doctypes(6_400))).toBeLessThan(MAX_RATIO);
  });
});

describe('diagnostics are capped per document', () => {
  it('lists the first 1,000 in document order and counts the rest in one more', () => {
    const text = manyAttributes(880 * 1024);
    const result = validateDomain(text);
    expect(result.valid).toBe(false);
    expect(result.diagnostics).toHaveLength(MAX_DIAGNOSTICS + 1);
    const listed = result.diagnostics.slice(0, MAX_DIAGNOSTICS);
    expect(listed.every((d) => d.code === 'unknown-attribute')).toBe(true);
    expect(listed[0]?.message).toContain("'a0'");
    expect(listed.at(-1)?.message).toContain(`'a${MAX_DIAGNOSTICS - 1}'`);
    const rest = result.diagnostics.at(-1);
    const attributes = text.match(/ a\d+=/g)?.length ?? 0;
    expect(rest).toMatchObject({ code: 'too-many-diagnostics', severity: 'error' });
    expect(rest?.message).toContain(`${(attributes - MAX_DIAGNOSTICS).toLocaleString('en-US')} more problems`);
    // it stands where the first one left out would have been
    expect(rest?.range.start.offset).toBe(text.indexOf(` a${MAX_DIAGNOSTICS}=`) + 1);
  });

  it('a document with fewer problems gets no summary', () => {
    const result = validateDomain(manyAttributes(2 * 1024));
    expect(result.diagnostics.length).toBeLessThan(MAX_DIAGNOSTICS);
    expect(result.diagnostics.some((d) => d.code === 'too-many-diagnostics')).toBe(false);
  });

  it('the summary is as severe as the worst left out, so validity does not change', () => {
    const range = validateDomain('<domain/>').diagnostics[0]?.range;
    if (range === undefined) throw new Error('no diagnostic to take a range from');
    const warnings = (n: number): Diagnostic[] => Array.from({ length: n }, () => ({ severity: 'warning', scope: 'document', code: 'invalid-value', message: 'w', range }));
    const onlyWarnings = warnings(MAX_DIAGNOSTICS + 500);
    capDiagnostics(onlyWarnings);
    expect(onlyWarnings.at(-1)).toMatchObject({ code: 'too-many-diagnostics', severity: 'warning' });
    expect(hasErrors(onlyWarnings)).toBe(false);
    const errorLast = [...warnings(MAX_DIAGNOSTICS + 10), { severity: 'error', scope: 'document', code: 'invalid-value', message: 'e', range } satisfies Diagnostic];
    capDiagnostics(errorLast);
    expect(errorLast).toHaveLength(MAX_DIAGNOSTICS + 1);
    expect(errorLast.at(-1)).toMatchObject({ severity: 'error', message: expect.stringContaining('11 more problems') });
    expect(hasErrors(errorLast)).toBe(true);
  });
});
