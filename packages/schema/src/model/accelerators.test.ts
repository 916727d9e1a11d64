import { describe, expect, it } from 'vitest';
import { ACCELERATORS, DOMAIN_SCHEMA, HISTORICAL_ACCELERATORS, OS_TYPE_ACCELERATOR_WORDS, validateDomain } from '../index.js';

const definition = (type: string, osType = 'hvm') => `<domain${type ? ` type='${type}'` : ''}>
  <name>g</name>
  <memory>131072</memory>
  <os><type arch='x86_64' machine='pc'>${osType}</type></os>
</domain>
`;

describe('the accelerator table', () => {
  it('is the enum of <domain type>, so every accelerator it names validates', () => {
    const typeSpec = DOMAIN_SCHEMA.attributes?.type;
    expect(typeSpec?.value.kind === 'enum' ? Object.keys(typeSpec.value.values) : []).toEqual(Object.keys(ACCELERATORS));
    for (const name of Object.keys(ACCELERATORS)) expect(validateDomain(definition(name)).valid, name).toBe(true);
    expect(validateDomain(definition('bhyve')).valid).toBe(false);
  });

  it('refuses the accelerators QEMU does not have with what the table says of them', () => {
    expect(HISTORICAL_ACCELERATORS).toEqual(['kqemu', 'qvm86']);
    for (const name of HISTORICAL_ACCELERATORS) {
      const refusal = validateDomain(definition(name)).diagnostics.filter((d) => d.code === 'unsupported-accelerator');
      expect(refusal).toHaveLength(1);
      expect(refusal[0]?.message).toContain(ACCELERATORS[name].summary);
      expect(refusal[0]?.fixes?.map((f) => f.title)).toEqual(["Use <domain type='kvm'>", "Use <domain type='qemu'>"]);
    }
    expect(validateDomain(definition('kqemu')).diagnostics.find((d) => d.code === 'unsupported-accelerator')?.message).toMatch(/0\.12 \(2009\)/);
  });

  it("reads libvirt's 2007 domain types as <os><type> words, and names the one written in the warning", () => {
    expect([...OS_TYPE_ACCELERATOR_WORDS].sort()).toEqual(['kqemu', 'kvm', 'qemu', 'qvm86']);
    const result = validateDomain(definition('', 'qemu'));
    expect(result.domain).toMatchObject({ type: 'qemu', typeSpelling: 'os-type' });
    const warning = result.diagnostics.find((d) => d.code === 'legacy-accelerator-spelling');
    expect(warning?.message).toBe("<os><type>qemu</type> (the first 2007 proposal) is a historical spelling of the accelerator; libvirt writes <domain type='qemu'> with <os><type>hvm</type>.");
    expect(validateDomain(definition('', 'hvf')).valid).toBe(false);
  });
});
