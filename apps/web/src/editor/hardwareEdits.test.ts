import { applyEdits, parseDomain, validateDomain } from '@virtdeck/schema';
import { describe, expect, it } from 'vitest';
import type { FormChange } from './domainForm';
import { formEdits } from './formEdits';
import { readDomainForm } from './readDomainForm';

/** The q35 template's shape, as the e2e test starts from it. */
const Q35 = `<domain type='qemu'>
  <name>vm</name>
  <memory unit='MiB'>1024</memory>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <boot dev='hd'/>
  </os>
  <features>
    <acpi/>
  </features>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <interface type='user'>
      <model type='virtio'/>
    </interface>
    <serial type='pty'/>
    <memballoon model='virtio'/>
  </devices>
</domain>
`;

function change(text: string, c: FormChange): string {
  const { document, domain } = parseDomain(text);
  const after = applyEdits(text, formEdits(document, domain, c));
  // Every edit leaves a definition libvirt accepts.
  expect(validateDomain(after).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return after;
}
const formOf = (text: string) => readDomainForm(parseDomain(text).domain!);

describe('firmware in the form', () => {
  it("writes UEFI as virt-install does, secure boot said either way, and reads it back", () => {
    const uefi = change(Q35, { kind: 'firmware', value: 'uefi' });
    expect(uefi).toContain(`  <os firmware='efi'>
    <type arch='x86_64' machine='q35'>hvm</type>
    <firmware>
      <feature enabled='no' name='secure-boot'/>
    </firmware>
    <boot dev='hd'/>
  </os>`);
    expect(formOf(uefi).firmware).toEqual({ choice: 'uefi' });
    const secure = change(uefi, { kind: 'firmware', value: 'uefi-secure' });
    expect(secure.replace("enabled='yes'", "enabled='no'")).toBe(uefi);
    expect(formOf(secure).firmware).toEqual({ choice: 'uefi-secure' });
  });

  it('goes back to BIOS by removing exactly what UEFI added', () => {
    const uefi = change(Q35, { kind: 'firmware', value: 'uefi-secure' });
    expect(change(uefi, { kind: 'firmware', value: 'bios' })).toBe(Q35);
  });

  it('lets the descriptor choose the loader: a hand-named loader and a foreign NVRAM template go, SMM turned off comes on for secure boot', () => {
    const byHand = Q35.replace("hvm</type>", "hvm</type>\n    <loader readonly='yes' type='pflash'>/srv/OVMF_CODE.fd</loader>\n    <nvram template='/srv/VARS.fd'>/var/lib/libvirt/qemu/nvram/vm_VARS.fd</nvram>").replace('<acpi/>', "<acpi/>\n    <smm state='off'/>");
    expect(formOf(byHand).firmware).toEqual({ choice: 'loader', loader: '/srv/OVMF_CODE.fd' });
    const secure = change(byHand, { kind: 'firmware', value: 'uefi-secure' });
    expect(secure).not.toContain('<loader');
    expect(secure).toContain('<nvram>/var/lib/libvirt/qemu/nvram/vm_VARS.fd</nvram>');
    expect(secure).toContain("<smm state='on'/>");
    expect(formOf(Q35.replace('<os>', "<os firmware='efi'>")).firmware).toEqual({ choice: 'uefi-any' });
  });
});

describe('TPM in the form', () => {
  it('adds an emulated TPM 2.0 where libvirt writes it (CRB on q35, TIS elsewhere) and removes it again', () => {
    const on = change(Q35, { kind: 'tpm', enabled: true });
    expect(on).toContain(`    <serial type='pty'/>
    <tpm model='tpm-crb'>
      <backend type='emulator' version='2.0'/>
    </tpm>
    <memballoon model='virtio'/>`);
    expect(formOf(on).tpm).toEqual({ model: 'tpm-crb', backend: 'emulator' });
    expect(change(on, { kind: 'tpm', enabled: true })).toBe(on);
    expect(change(on, { kind: 'tpm', enabled: false })).toBe(Q35);
    expect(change(Q35.replace("machine='q35'", "machine='pc'"), { kind: 'tpm', enabled: true })).toContain("<tpm model='tpm-tis'>");
  });
});
