import { parseXml } from '@virtdeck/schema';
import { describe, expect, it } from 'vitest';
import { minimalReplacement, prettyXml } from './prettyXml';

const pretty = (text: string) => prettyXml(parseXml(text).document);

describe('prettyXml', () => {
  it('puts one element per line, indented by depth, and leaves text content alone', () => {
    const text = `<domain type='qemu'><name>demo</name><os>\n<type arch="x86_64">hvm</type>   <boot dev='hd'/></os><devices/></domain>`;
    expect(pretty(text)).toBe(
      `<domain type='qemu'>\n  <name>demo</name>\n  <os>\n    <type arch="x86_64">hvm</type>\n    <boot dev='hd'/>\n  </os>\n  <devices/>\n</domain>\n`,
    );
  });

  it('keeps comments, the XML declaration, and one blank line where there were blank lines', () => {
    const text = `<?xml version="1.0"?>\n<domain>\n<!-- the name -->\n<name>x</name>\n\n\n\n    <memory>1</memory>\n</domain>`;
    expect(pretty(text)).toBe(`<?xml version="1.0"?>\n<domain>\n  <!-- the name -->\n  <name>x</name>\n\n  <memory>1</memory>\n</domain>\n`);
  });

  it('writes mixed content exactly as it was', () => {
    const text = `<domain>\n<description>line one\n  <b>kept</b> as is</description>\n</domain>\n`;
    expect(pretty(text)).toBe(`<domain>\n  <description>line one\n  <b>kept</b> as is</description>\n</domain>\n`);
  });

  it('is stable: formatting formatted text changes nothing', () => {
    const once = pretty(`<domain><a><b x='1'/></a><c>t</c></domain>`);
    expect(pretty(once)).toBe(once);
  });
});

describe('minimalReplacement', () => {
  it('replaces only the part that differs', () => {
    expect(minimalReplacement('abcXYZdef', 'abc12def')).toEqual({ start: 3, end: 6, text: '12' });
    expect(minimalReplacement('same', 'same')).toBeUndefined();
    expect(minimalReplacement('aaa', 'aaaa')).toEqual({ start: 3, end: 3, text: 'a' });
  });
});
