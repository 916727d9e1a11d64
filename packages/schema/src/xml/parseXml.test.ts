import { describe, expect, it } from 'vitest';
import { applyEdits, escapeXml, formatXml, parseXml } from '../index.js';

function wellFormedness(text: string) {
  const { document, diagnostics } = parseXml(text);
  expect(formatXml(document)).toBe(text);
  return diagnostics.filter((d) => d.code === 'xml-not-well-formed').map((d) => `${d.range.start.line}:${d.range.start.column} ${d.message}`);
}

describe('parseXml: well-formedness, reported at the right line and column', () => {
  it.each([
    ['mismatched end tag', '<domain>\n  <name>x</nam>\n</domain>', '2:10'],
    ['repeated attribute', "<domain type='a' type='b'/>", '1:18'],
    ['attribute without quotes', '<domain type=kvm/>', '1:9'],
    ['attribute without value', '<domain readonly/>', '1:9'],
    ['no space between attributes', "<domain a='1'b='2'/>", '1:14'],
    ['text after the root', '<domain/>\ntrailing', '2:1'],
    ['XML declaration not at the start', ' <?xml version="1.0"?><domain/>', '1:'],
    ['stray end tag', '<domain>\n  </name>\n</domain>', '2:3'],
    ['invalid element name', '<domain><1disk/></domain>', '1:'],
    ['unclosed element (named at its start tag)', '<domain>\n  <devices>\n</domain>', '2:4'],
    ['unterminated comment', '<domain>\n  <!-- open\n</domain>', '1:1'],
    ['unterminated start tag while typing', "<domain type='qemu'>\n  <devices>\n    <disk type='file' \n  </devices>\n</domain>", '4:'],
  ])('%s', (_what, text, where) => {
    const found = wellFormedness(text);
    expect(found).toHaveLength(1);
    expect(found[0]?.startsWith(where)).toBe(true);
  });

  it.each([
    ['an element left open, at its start tag, closed where its content ends by indentation', '<domain>\n  <devices>\n    <disk>\n      <x/>\n    <y/>\n  </devices>\n</domain>', '3:6 Not well-formed XML: <disk> is not closed: </devices> on line 6 comes before its </disk>.', 'Add </disk>', '<domain>\n  <devices>\n    <disk>\n      <x/>\n    </disk>\n    <y/>\n  </devices>\n</domain>'],
    ['a mistyped end tag', '<domain>\n  <name>x</nam>\n</domain>', '2:10 Not well-formed XML: </nam> on line 2 closes nothing that is open: <name> (line 2) is the element to close here.', 'Write </name>', '<domain>\n  <name>x</name>\n</domain>'],
    ['an end tag too many', '<domain>\n  <name>x</name></name>\n</domain>', '2:17 Not well-formed XML: </name> on line 2 closes nothing that is open (the open element is <domain>, line 1).', 'Remove </name>', '<domain>\n  <name>x</name>\n</domain>'],
    ['the innermost of the elements open at the end (as while typing)', '<domain>\n  <devices>\n    <disk>\n      <source/>', '3:6 Not well-formed XML: <disk> is not closed (nor are <devices>, <domain> around it): the text ends before its </disk>.', 'Add </disk>', '<domain>\n  <devices>\n    <disk>\n      <source/>\n    </disk>\n'],
    ['text left open at the end', '<domain>\n  <name>ab', '2:4 Not well-formed XML: <name> is not closed (nor is <domain> around it): the text ends before its </name>.', 'Add </name>', '<domain>\n  <name>ab</name>'],
  ])('names the cause of %s, with the edit that mends it', (_what, text, expected, title, mended) => {
    const { diagnostics } = parseXml(text);
    expect(wellFormedness(text)).toEqual([expected]);
    const fixes = diagnostics[0]?.fixes ?? [];
    expect(fixes.map((f) => f.title)).toEqual([title]);
    expect(applyEdits(text, fixes[0]?.edits ?? [])).toBe(mended);
  });

  it('reads back what escapeXml wrote, as text and in either quote', () => {
    const nasty = `a & b < c > d ' e " f &amp;`;
    const text = `<domain x='${escapeXml(nasty)}' y="${escapeXml(nasty)}">${escapeXml(nasty)}</domain>`;
    const { document, diagnostics } = parseXml(text);
    expect(diagnostics).toEqual([]);
    expect(document.root?.attributes.map((a) => a.value)).toEqual([nasty, nasty]);
    expect(document.root?.children[0]).toMatchObject({ kind: 'text', value: nasty });
  });

  it('accepts well-formed documents without a well-formedness pass', () => {
    expect(wellFormedness('<?xml version="1.0"?>\n<!-- c -->\n<domain a="1" b=\'&lt;2&gt;\'>\n  <![CDATA[ x < y ]]>\n  <x:y xmlns:x="urn:x"/>\n</domain  >\n')).toEqual([]);
  });

  it('keeps every node and its position, and a tree of what was read in a broken text', () => {
    const text = "<domain type='qemu'>\n  <name>a</name>\n  <devices>\n    <disk type='file' ";
    const { document } = parseXml(text);
    const root = document.root;
    expect(root?.name).toBe('domain');
    expect(root?.closed).toBe(false);
    const devices = root?.children.find((c) => c.kind === 'element' && c.name === 'devices');
    expect(devices?.range.start).toEqual({ line: 3, column: 3, offset: 40 });
    expect(formatXml(document)).toBe(text);
  });

  it('decodes entities and character references, normalizes attribute whitespace', () => {
    const { document, diagnostics } = parseXml("<a v='x&#10;y&#x41;&amp;\tz'>&lt;b&gt; &#233;</a>");
    expect(diagnostics).toEqual([]);
    expect(document.root?.attributes[0]?.value).toBe('x\nyA& z');
    expect(document.root?.children[0]).toMatchObject({ kind: 'text', value: '<b> é' });
  });
});
