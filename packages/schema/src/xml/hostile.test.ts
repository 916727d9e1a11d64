import { describe, expect, it } from 'vitest';
import { formatXml, MAX_DOCUMENT_LENGTH, MAX_ELEMENT_DEPTH, parseXml, schemaAt, validateDomain, walkElements } from '../index.js';

/** Every hostile text must give diagnostics, not an exception, and format back unchanged. */
function survive(text: string) {
  const result = validateDomain(text);
  expect(result.valid).toBe(false);
  expect(result.diagnostics.length).toBeGreaterThan(0);
  expect(formatXml(result.document)).toBe(text);
  return result;
}

const codes = (result: { diagnostics: { code: string }[] }) => result.diagnostics.map((d) => d.code);

describe('hostile input', () => {
  it('empty and blank text', () => {
    expect(codes(survive(''))).toEqual(['empty-document']);
    expect(codes(survive(' \n\t '))).toEqual(['empty-document']);
  });

  it('binary junk', () => {
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let round = 0; round < 20; round++) {
      const junk = Array.from({ length: 2000 }, () => String.fromCharCode(Math.floor(random() * 256))).join('');
      survive(junk);
      survive(`<domain type='qemu'>${junk}</domain>`);
    }
    survive('\u0000\u0001\uFFFD<\u0000>&;<<>>');
  });

  it('a 50 MB document is refused up front with a clear diagnostic', () => {
    const text = `<domain type='qemu'><description>${'x'.repeat(50 * 1024 * 1024)}</description></domain>`;
    const result = survive(text);
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({ code: 'document-too-large', range: { start: { line: 1, column: 1 } } });
    expect(result.diagnostics[0]?.message).toContain('MiB');
    expect(text.length).toBeGreaterThan(MAX_DOCUMENT_LENGTH);
  });

  it('10,000-deep nesting: read up to the limit, no stack overflow', () => {
    const depth = 10_000;
    const text = `<domain type='qemu'>${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}</domain>`;
    const result = survive(text);
    const tooDeep = result.diagnostics.find((d) => d.code === 'xml-nesting-too-deep');
    // <domain> is the first level: the 256th <a> would be level 257
    expect(tooDeep?.range.start.offset).toBe("<domain type='qemu'>".length + 3 * (MAX_ELEMENT_DEPTH - 1));
    const root = result.document.root;
    expect(root === undefined ? 0 : [...walkElements(root)].length).toBe(MAX_ELEMENT_DEPTH);
    // completions still work at the innermost point: the open elements are counted, not recursed
    expect(schemaAt(result.document, "<domain type='qemu'>".length + 3 * depth).path.length).toBe(depth + 1);
  });

  it('billion laughs: entities are never expanded', () => {
    const levels = Array.from({ length: 10 }, (_, i) =>
      i === 0 ? '<!ENTITY lol0 "lol">' : `<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`,
    ).join('\n');
    const text = `<?xml version="1.0"?>\n<!DOCTYPE domain [\n${levels}\n]>\n<domain type='qemu'><name>&lol9;</name><description a="&lol9;">&lol9;</description></domain>`;
    const result = survive(text);
    expect(codes(result)).toContain('xml-doctype');
    expect(codes(result)).toContain('xml-undefined-entity');
    expect(result.domain?.name).toBe('&lol9;');
    expect(result.diagnostics.find((d) => d.code === 'xml-doctype')?.range).toMatchObject({ start: { line: 2, column: 1 }, end: { line: 13, column: 3 } });
  });

  it('a DOCTYPE with an external entity is reported, never fetched', () => {
    const text = `<!DOCTYPE domain [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<domain type='qemu'><name>&xxe;</name></domain>`;
    const result = survive(text);
    expect(result.diagnostics[0]).toMatchObject({ code: 'xml-doctype', fixes: [{ title: 'Remove the DOCTYPE' }] });
    expect(result.domain?.name).toBe('&xxe;');
  });

  it('many siblings and a very long line stay linear', () => {
    const disks = Array.from({ length: 20_000 }, (_, i) => `<disk type='file'><source file='/d${i}'/><target dev='vd${i}'/></disk>`).join('');
    const result = parseXml(`<domain type='qemu'><devices>${disks}</devices></domain>`);
    expect(result.diagnostics).toEqual([]);
    expect(result.document.root?.children[0]?.kind).toBe('element');
  });

  it('unterminated constructs at the end of the text', () => {
    for (const tail of ['<!-- never closed', '<![CDATA[ never', '<?pi never', '<disk type="fi', '</dev', '<', '&']) {
      survive(`<domain type='qemu'><devices>${tail}`);
    }
  });
});
