import { describe, expect, it } from 'vitest';
import { validateDomain } from '../index.js';

const text = `<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
  <name>pt</name>
  <memory unit='MiB'>128</memory>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <interface type='ethernet'><script path='/etc/qemu-ifup'/><downscript path='/etc/qemu-ifdown'/></interface>
    <interface type='user'/>
  </devices>
  <qemu:commandline>
    <qemu:arg value='-trace'/>
    <qemu:env name='QEMU_AUDIO_DRV' value='none'/>
  </qemu:commandline>
</domain>
`;

describe('host passthrough in a definition', () => {
  it('is valid libvirt, with a warning on the line of each use saying what it is', () => {
    const result = validateDomain(text);
    expect(result.valid).toBe(true);
    const uses = result.diagnostics.filter((d) => d.code === 'host-passthrough');
    expect(uses.map((d) => [d.severity, d.scope, d.range.start.line, d.message.split(':')[0]])).toEqual([
      ['warning', 'document', 6, "<script path='/etc/qemu-ifup'>"],
      ['warning', 'document', 6, "<downscript path='/etc/qemu-ifdown'>"],
      ['warning', 'document', 10, "<qemu"],
      ['warning', 'document', 11, "<qemu"],
    ]);
    for (const d of uses) expect(d.message).toContain('options and programs that reach the host unchecked');
    expect(uses[2]?.message).toMatch(/^<qemu:arg value='-trace'>: /);
    expect(uses[3]?.message).toMatch(/^<qemu:env name='QEMU_AUDIO_DRV'>: /);
  });

  it('says nothing for a definition without any, and quotes a long value cut', () => {
    expect(validateDomain(text.replace(/<interface type='ethernet'>.*<\/interface>\n/, '').replace(/ {2}<qemu:commandline>[^]*<\/qemu:commandline>\n/, '')).diagnostics).toEqual([]);
    const long = validateDomain(text.replace("value='-trace'", `value='${'a'.repeat(500)}'`)).diagnostics.find((d) => d.range.start.line === 10);
    expect(long?.message.length).toBeLessThan(300);
  });
});
