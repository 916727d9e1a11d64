import { describe, expect, it } from 'vitest';
import {
  applyEdits,
  firstChild,
  insertChildEdit,
  parseXml,
  removeElementEdit,
  setAccelerator,
  setAttributeEdit,
  setTextEdit,
  validateDomain,
  type XmlElement,
} from '../index.js';

const guest = `<domain type='qemu'>
  <name>demo</name>
  <!-- keep me -->
  <memory unit='MiB'>256</memory>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
  </os>
  <devices>
    <disk type="file" device="disk">
      <source file="/a.img"/>
      <target dev="vda" bus="virtio"/>
    </disk>
    <memballoon model='none'/>
  </devices>
  <vendor:extra xmlns:vendor='urn:x'>unknown content</vendor:extra>
</domain>
`;

function changedLines(before: string, after: string): number[] {
  const a = before.split('\n');
  const b = after.split('\n');
  expect(b.length).toBe(a.length);
  return a.flatMap((line, i) => (line === b[i] ? [] : [i + 1]));
}

function el(path: string[], text = guest): { doc: ReturnType<typeof parseXml>['document']; element: XmlElement } {
  const { document } = parseXml(text);
  let element = document.root as XmlElement;
  for (const name of path) element = firstChild(element, name) as XmlElement;
  return { doc: document, element };
}

describe('minimal edits', () => {
  it('changes one attribute value and nothing else, keeping its quote style', () => {
    const { doc, element } = el(['devices', 'disk', 'target']);
    const after = applyEdits(guest, [setAttributeEdit(doc, element, 'bus', 'sata')]);
    expect(changedLines(guest, after)).toEqual([11]);
    expect(after).toContain('<target dev="vda" bus="sata"/>');
  });

  it('adds an attribute after the last one and removes one with its space', () => {
    const { doc, element } = el(['devices', 'memballoon']);
    const added = applyEdits(guest, [setAttributeEdit(doc, element, 'autodeflate', 'on')]);
    expect(added).toContain("<memballoon model='none' autodeflate='on'/>");
    const removed = applyEdits(guest, [setAttributeEdit(doc, element, 'model', undefined)]);
    expect(removed).toContain('<memballoon/>');
    expect(changedLines(guest, removed)).toEqual([13]);
  });

  it('escapes values', () => {
    const { doc, element } = el(['devices', 'disk', 'source']);
    expect(applyEdits(guest, [setAttributeEdit(doc, element, 'file', '/a "b" & <c>')])).toContain('file="/a &quot;b&quot; &amp; &lt;c>"');
  });

  it('replaces text content, and expands a self-closing element for it', () => {
    const { doc, element } = el(['name']);
    expect(applyEdits(guest, [setTextEdit(doc, element, 'a<b')])).toContain('<name>a&lt;b</name>');
    const { doc: doc2, element: balloon } = el(['devices', 'memballoon']);
    expect(applyEdits(guest, [setTextEdit(doc2, balloon, 'x')])).toContain("<memballoon model='none'>x</memballoon>");
  });

  it('inserts a child on its own line, indented like its siblings, keeping its nesting', () => {
    const { doc, element } = el(['devices']);
    const after = applyEdits(guest, [insertChildEdit(doc, element, "<serial type='pty'>\n  <target port='0'/>\n</serial>")]);
    expect(after).toContain("    <memballoon model='none'/>\n    <serial type='pty'>\n      <target port='0'/>\n    </serial>\n  </devices>");
  });

  it('inserts into a self-closing or empty element one level deeper', () => {
    const text = "<domain type='qemu'>\n  <features/>\n  <devices>\n  </devices>\n</domain>\n";
    const { doc, element } = el(['features'], text);
    expect(applyEdits(text, [insertChildEdit(doc, element, '<acpi/>')])).toBe(
      "<domain type='qemu'>\n  <features>\n    <acpi/>\n  </features>\n  <devices>\n  </devices>\n</domain>\n",
    );
    const { doc: doc2, element: devices } = el(['devices'], text);
    expect(applyEdits(text, [insertChildEdit(doc2, devices, '<rng/>')])).toContain('  <devices>\n    <rng/>\n  </devices>');
  });

  it('removes an element with its whole line', () => {
    const { doc, element } = el(['devices', 'memballoon']);
    const after = applyEdits(guest, [removeElementEdit(doc, element)]);
    expect(after).not.toContain('memballoon');
    expect(after.split('\n')).toHaveLength(guest.split('\n').length - 1);
    expect(after).toContain('    </disk>\n  </devices>');
  });

  it('refuses overlapping edits', () => {
    const { doc, element } = el(['name']);
    expect(() => applyEdits(guest, [setTextEdit(doc, element, 'a'), setTextEdit(doc, element, 'b')])).toThrow(RangeError);
  });
});

describe('setAccelerator', () => {
  it('switches the canonical form on one line, leaving comments and unknown content', () => {
    const after = applyEdits(guest, setAccelerator(parseXml(guest).document, 'kvm'));
    expect(changedLines(guest, after)).toEqual([1]);
    expect(after.startsWith("<domain type='kvm'>")).toBe(true);
    expect(after).toContain('<!-- keep me -->');
    expect(after).toContain("<vendor:extra xmlns:vendor='urn:x'>unknown content</vendor:extra>");
  });

  it('rewrites the 2007 spellings to the canonical one', () => {
    const osType = guest.replace('>hvm</type>', '>kvm</type>');
    const fixed = applyEdits(osType, setAccelerator(parseXml(osType).document, 'kvm'));
    expect(changedLines(osType, fixed)).toEqual([1, 6]);
    expect(fixed).toContain("<type arch='x86_64' machine='q35'>hvm</type>");
    const accel = guest.replace("<type arch='x86_64' machine='q35'>hvm</type>", "<type arch='x86_64' machine='q35' accel='kvm'>qemu</type>");
    const fixedAccel = applyEdits(accel, setAccelerator(parseXml(accel).document, 'kvm'));
    expect(fixedAccel).toBe(guest.replace("<domain type='qemu'>", "<domain type='kvm'>"));
  });

  it('is what the legacy-spelling quick fix applies', () => {
    const legacy = guest.replace('>hvm</type>', '>kvm</type>');
    const result = validateDomain(legacy);
    const warning = result.diagnostics.find((d) => d.code === 'legacy-accelerator-spelling');
    expect(warning).toMatchObject({ severity: 'warning', range: { start: { line: 6, column: 39 }, end: { line: 6, column: 42 } } });
    expect(result.domain?.type).toBe('kvm');
    const fixed = applyEdits(legacy, warning?.fixes?.[0]?.edits ?? []);
    const again = validateDomain(fixed);
    expect(again.diagnostics.filter((d) => d.code === 'legacy-accelerator-spelling')).toEqual([]);
    expect(again.domain).toMatchObject({ type: 'kvm', typeSpelling: 'canonical' });
  });
});
