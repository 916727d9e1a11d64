import { describe, expect, it } from 'vitest';
import { formatXml, parseDomain } from './index.js';
import { corpusFiles, HAVE_CONFORMANCE, SKIP_REASON } from './testing/corpus.js';

const argv = corpusFiles('argv');

describe.skipIf(!HAVE_CONFORMANCE)('libvirt 11.3 conformance corpus', () => {
  it('has the 150 argv definitions', () => {
    expect(argv).toHaveLength(150);
  });

  it.each(argv.map((f) => [f.name, f] as const))('%s parses into the model and round-trips', (_name, file) => {
    const { document, domain, diagnostics } = parseDomain(file.text);
    expect(diagnostics).toEqual([]);
    expect(domain?.name).not.toBe('');
    expect(['qemu', 'kvm']).toContain(domain?.type);
    const formatted = formatXml(document);
    expect(formatted).toBe(file.text);
    expect(formatXml(parseDomain(formatted).document)).toBe(formatted);
  });
});

if (!HAVE_CONFORMANCE) console.warn(SKIP_REASON);
