import { describe, expect, it } from 'vitest';
import { validateDomain } from '../index.js';

const domain = (inner: string, attrs = '') =>
  `<domain type='qemu'${attrs}>\n  <name>g</name>\n  <memory>1024</memory>\n  <os>\n    <type>hvm</type>\n  </os>\n${inner}</domain>\n`;

const errors = (text: string) => validateDomain(text).diagnostics.filter((d) => d.severity === 'error');

describe('structure check', () => {
  it('points at the text of a bad value, not the whitespace around it', () => {
    const [error] = errors(domain('  <uuid>\n    not-a-uuid\n  </uuid>\n'));
    expect(error?.range).toMatchObject({ start: { line: 8, column: 5 }, end: { line: 8, column: 15 } });
  });

  it('accepts libvirt QEMU namespace elements under any prefix, and anything inside <metadata>', () => {
    expect(errors(domain("  <qe:commandline>\n    <qe:arg value='-S'/>\n  </qe:commandline>\n", " xmlns:qe='http://libvirt.org/schemas/domain/qemu/1.0'"))).toEqual([]);
    expect(errors(domain("  <metadata>\n    <x:any xmlns:x='urn:x' whatever='1'><x:deeper/>text</x:any>\n  </metadata>\n"))).toEqual([]);
  });

  it('lets the type attribute decide which attributes and children are allowed', () => {
    const vhost = "  <devices>\n    <interface type='network'>\n      <source bridge='br0' network='default'/>\n    </interface>\n  </devices>\n";
    expect(errors(domain(vhost))).toEqual([]);
    const user = vhost.replace("type='network'", "type='user'");
    expect(errors(domain(user)).map((d) => d.message)).toEqual([
      "Attribute 'bridge' is not allowed on <source>; allowed: dev.",
      "Attribute 'network' is not allowed on <source>; allowed: dev.",
    ]);
  });

  it('checks value types: integers, units, booleans, UUIDs, MACs, PCI address parts', () => {
    const messages = errors(
      domain(
        "  <vcpu placement='static'>zero</vcpu>\n  <currentMemory unit='parsecs'>1</currentMemory>\n  <pm>\n    <suspend-to-mem enabled='maybe'/>\n  </pm>\n" +
          "  <devices>\n    <interface type='user'>\n      <mac address='52:54:00:00:00'/>\n      <address type='pci' bus='0x1' slot='0x1f' function='8'/>\n    </interface>\n  </devices>\n",
      ),
    ).map((d) => `${d.range.start.line} ${d.code}`);
    expect(messages).toEqual(['7 invalid-value', '8 invalid-value', '10 invalid-value', '14 invalid-value', '15 invalid-value']);
  });

  it('stays quiet about text in an element left open while typing, after the well-formedness error', () => {
    const result = validateDomain("<domain type='qemu'>\n  <name>g</name>\n  <devices>\n    <disk type='file' ");
    expect(result.diagnostics.filter((d) => d.code === 'unexpected-text')).toEqual([]);
    expect(result.diagnostics.some((d) => d.code === 'xml-not-well-formed')).toBe(true);
  });
});
