import { describe, expect, it } from 'vitest';
import { formatXml, parseDomain, validateDomain, walkElements, type Diagnostic, type XmlElement } from './index.js';
import { corpusFiles, HAVE_CONFORMANCE, invalidNotes, SKIP_REASON } from './testing/corpus.js';

const argv = corpusFiles('argv');
const invalidSchema = corpusFiles('invalid/schema');
const invalidSemantic = corpusFiles('invalid/semantic');
const notes = invalidNotes();

/**
 * Where the fault is when xmllint's first message names another element: the RelaxNG
 * interleave makes it blame <type> for the out-of-range <bootmenu timeout> next to it;
 * libvirt's parser ("invalid value for boot menu timeout") names the bootmenu.
 */
const FAULT_OVERRIDES: Readonly<Record<string, { element: string; line: number }>> = {
  'boot-menu-enable-with-timeout-invalid.xml': { element: 'bootmenu', line: 10 },
};

function errors(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.severity === 'error');
}

function within(diagnostic: Diagnostic, element: XmlElement): boolean {
  return diagnostic.range.start.offset >= element.range.start.offset && diagnostic.range.end.offset <= element.range.end.offset;
}

describe.skipIf(!HAVE_CONFORMANCE)('libvirt 11.3 conformance corpus', () => {
  it('has the 150 argv definitions, 30 schema-invalid and 20 semantically invalid files', () => {
    expect(argv).toHaveLength(150);
    expect(invalidSchema).toHaveLength(30);
    expect(invalidSemantic).toHaveLength(20);
  });

  it.each(argv.map((f) => [f.name, f] as const))('argv/%s is valid and round-trips', (_name, file) => {
    const result = validateDomain(file.text);
    expect(errors(result.diagnostics)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(['qemu', 'kvm']).toContain(result.domain?.type);
    const formatted = formatXml(result.document);
    expect(formatted).toBe(file.text);
    expect(formatXml(parseDomain(formatted).document)).toBe(formatted);
  });

  it.each(invalidSchema.map((f) => [f.name, f] as const))('invalid/schema/%s is rejected at the element libvirt names', (name, file) => {
    const result = validateDomain(file.text);
    expect(result.valid).toBe(false);
    const note = notes.find((n) => n.file === name);
    expect(note?.kind).toBe('schema');
    const fault = FAULT_OVERRIDES[name] ?? (note?.element === undefined || note.line === undefined ? undefined : { element: note.element, line: note.line });
    if (fault === undefined) {
      // not well-formed: libvirt reports the unterminated start tag on its first lines
      expect(errors(result.diagnostics).some((d) => d.code === 'xml-not-well-formed' && d.range.start.line <= 2)).toBe(true);
      return;
    }
    const root = result.document.root as XmlElement;
    const element = [...walkElements(root)].find((e) => e.name === fault.element && e.range.start.line === fault.line);
    expect(element, `<${fault.element}> on line ${fault.line}`).toBeDefined();
    expect(errors(result.diagnostics).some((d) => within(d, element as XmlElement))).toBe(true);
  });

  const STRUCTURE_CODES = new Set(['unknown-element', 'unknown-attribute', 'missing-element', 'missing-attribute', 'invalid-value', 'too-many-elements', 'unexpected-text']);

  it.each(invalidSemantic.map((f) => [f.name, f] as const))('invalid/semantic/%s fits the schema and is rejected by a semantic rule', (name, file) => {
    const result = validateDomain(file.text);
    expect(notes.find((n) => n.file === name)?.kind).toBe('semantic');
    const found = errors(result.diagnostics);
    expect(found.filter((d) => STRUCTURE_CODES.has(d.code))).toEqual([]);
    expect(found.length).toBeGreaterThan(0);
    expect(result.valid).toBe(false);
  });

  it.each(argv.concat(invalidSchema, invalidSemantic).map((f) => [f.name, f] as const))('%s formats back to the same text', (_name, file) => {
    expect(formatXml(parseDomain(file.text).document)).toBe(file.text);
  });
});

if (!HAVE_CONFORMANCE) console.warn(SKIP_REASON);
