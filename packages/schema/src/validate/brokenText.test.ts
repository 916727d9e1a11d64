import { describe, expect, it } from 'vitest';
import { applyEdits, validateDomain } from '../index.js';

const definition = (devices: string, memory = "<memory unit='MiB'>256</memory>") => `<domain type='qemu'>
  <name>demo</name>
  ${memory}
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
  </os>
  <devices>
${devices}
  </devices>
</domain>
`;

/** A <disk> whose </disk> is missing, with devices after it that it would swallow. */
const unclosedDisk = definition(`    <disk type='file' device='disk'>
      <source file='/var/lib/a.qcow2'/>
      <target dev='vda' bus='virtio'/>
    <interface type='user'>
      <model type='virtio'/>
    </interface>
    <serial type='pty'/>
    <console type='pty'/>`);

const listed = (text: string) => validateDomain(text).diagnostics.map((d) => `${d.severity} ${d.code} ${d.range.start.line}:${d.range.start.column}`);

describe('a text that is not well-formed: the cause, and nothing it caused', () => {
  it('names a missing end tag at the start tag, alone, with the edit that makes the definition valid', () => {
    const result = validateDomain(unclosedDisk);
    expect(listed(unclosedDisk)).toEqual(['error xml-not-well-formed 8:6']);
    expect(result.diagnostics[0]?.message).toBe('Not well-formed XML: <disk> is not closed: </devices> on line 16 comes before its </disk>.');
    const mended = applyEdits(unclosedDisk, result.diagnostics[0]?.fixes?.[0]?.edits ?? []);
    expect(mended).toContain("<target dev='vda' bus='virtio'/>\n    </disk>\n    <interface type='user'>");
    expect(validateDomain(mended)).toMatchObject({ valid: true, diagnostics: [] });
  });

  it('keeps what is wrong before the fault', () => {
    expect(listed(unclosedDisk.replace("unit='MiB'", "unit='MiBs'"))).toEqual(['error invalid-value 3:17', 'error xml-not-well-formed 8:6']);
  });

  it('does not call a child missing that the unclosed element may have swallowed', () => {
    const text = "<domain type='qemu'>\n  <name>demo</name>\n  <os>\n    <type arch='x86_64'>hvm</type>\n  <memory unit='MiB'>256</memory>\n</domain>\n";
    expect(listed(text)).toEqual(['error xml-not-well-formed 3:4']);
  });
});
