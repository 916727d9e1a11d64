import { describe, expect, it } from 'vitest';
import { MAX_DIAGNOSTICS, validateDomain } from '../index.js';

describe('a text with more problems than a call can take arguments', () => {
  it('is answered with the capped list, not a stack overflow', () => {
    const text = `<domain type='qemu'><name>a</name><memory>1</memory><os><type>hvm</type></os><devices>${"<x a='1'/>".repeat(200_000)}</devices></domain>`;
    const result = validateDomain(text);
    expect(result.valid).toBe(false);
    expect(result.diagnostics).toHaveLength(MAX_DIAGNOSTICS + 1);
    expect(result.diagnostics.at(-1)?.code).toBe('too-many-diagnostics');
    // A 2 MB text with 200,000 elements takes about a second on a quiet machine, and several
    // under load: the default 5 s budget is for small inputs.
  }, 60_000);
});
