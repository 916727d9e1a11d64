import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyEdits, validateDomain, type DiagnosticCode } from '../index.js';

const fixture = (path: string) => readFileSync(new URL(`../../fixtures/${path}`, import.meta.url), 'utf8');

/** Applies the first (or preferred) fix of the first diagnostic with this code. */
function fix(text: string, code: DiagnosticCode): string {
  const diagnostic = validateDomain(text).diagnostics.find((d) => d.code === code);
  const chosen = diagnostic?.fixes?.find((f) => f.isPreferred === true) ?? diagnostic?.fixes?.[0];
  if (chosen === undefined) throw new Error(`no fix for ${code}`);
  return applyEdits(text, chosen.edits);
}

describe('quick fixes resolve what they are offered for', () => {
  it.each([
    ['invalid/enum-typo-did-you-mean.xml', 'invalid-value', "bus='virtio'"],
    ['invalid/unknown-element-typo.xml', 'unknown-element', "<memory unit='MiB'>256</memory>"],
    ['invalid/unknown-attribute-typo.xml', 'unknown-attribute', "<target dev='vda' bus='virtio'/>"],
    ['invalid/pci-root-on-q35.xml', 'controller-invalid', "model='pcie-root'"],
    ['invalid/sysinfo-uuid-mismatch.xml', 'sysinfo-uuid-mismatch', "<entry name='uuid'>0b5d9c1a-3f4e-4d2b-9a8c-7e6f5d4c3b2a</entry>"],
    ['valid/legacy-os-type.xml', 'legacy-accelerator-spelling', "<domain type='kvm'>"],
    ['invalid/doctype.xml', 'xml-doctype', "<domain type='qemu'>"],
  ] as const)('%s: %s', (path, code, expected) => {
    const fixed = fix(fixture(path), code);
    expect(fixed).toContain(expected);
    expect(validateDomain(fixed).diagnostics.filter((d) => d.code === code)).toEqual([]);
  });

  it('adds a missing required attribute with one of its values', () => {
    const text = fixture('invalid/shmem-without-name.xml');
    const diagnostic = validateDomain(text).diagnostics.find((d) => d.code === 'missing-attribute');
    expect(diagnostic?.fixes?.[0]?.title).toBe("Add name=''");
    const secret = "<domain type='qemu'><name>g</name><memory>1</memory><os><type>hvm</type></os><devices><disk type='network'><source protocol='rbd' name='p/i'/><target dev='vda'/><auth username='u'><secret usage='x'/></auth></disk></devices></domain>";
    const offered = validateDomain(secret).diagnostics.find((d) => d.code === 'missing-attribute')?.fixes?.map((f) => f.title);
    expect(offered).toEqual(["Add type='iscsi'", "Add type='ceph'"]);
    expect(validateDomain(fix(secret, 'missing-attribute')).valid).toBe(true);
  });

  it('adds the serial port a serial console needs', () => {
    const fixed = fix(fixture('valid/console-without-serial.xml'), 'console-needs-serial');
    expect(fixed).toContain("    <serial type='pty'>\n      <target port='0'/>\n    </serial>\n    <console type='pty'>");
    const result = validateDomain(fixed);
    expect(result.diagnostics).toEqual([]);
    expect(result.domain?.devices.serials).toHaveLength(1);
  });

  it('adds a missing child element as a skeleton with its required attributes', () => {
    const fixed = fix(fixture('invalid/channel-without-target.xml'), 'missing-element');
    expect(fixed).toContain("<channel type='unix'>\n      <target type='virtio'/>\n    </channel>");
    expect(validateDomain(fixed).valid).toBe(true);
  });
});
