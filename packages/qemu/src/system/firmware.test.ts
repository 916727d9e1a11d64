import { parseDomain } from '@virtdeck/schema';
import { describe, expect, it } from 'vitest';
import { DiagnosticSink } from '../diagnostics.js';
import { hostCapabilitiesFixture } from '../testing/conformance.js';
import { chooseFirmware, fillFirmware, uefiOffers } from './firmware.js';

const caps = hostCapabilitiesFixture();

function domainWith(os: string, extra = '', machine = 'q35') {
  const xml = `<domain type='qemu'><name>vm</name><memory>65536</memory><os${os}><type arch='x86_64' machine='${machine}'>hvm</type>${extra}</os></domain>`;
  const { domain } = parseDomain(xml);
  if (!domain) throw new Error('did not parse');
  return domain;
}

function choose(os: string, extra = '', machine = 'pc-q35-7.2') {
  const domain = domainWith(os, extra, machine);
  const sink = new DiagnosticSink(domain.node);
  return { choice: chooseFirmware({ domain, caps, arch: 'x86_64', machine, nvramDir: '/state/nvram' }, sink), errors: sink.list.filter((d) => d.severity === 'error') };
}

describe("firmware chosen from QEMU's descriptors", () => {
  it("gives <os firmware='efi'> the first fitting descriptor: secure boot with Microsoft's keys, SMM on, NVRAM in the state directory", () => {
    const { choice, errors } = choose(" firmware='efi'");
    expect(errors).toEqual([]);
    expect(choice.descriptor?.file).toBe('/usr/share/qemu/firmware/40-edk2-x86_64-secure-enrolled.json');
    expect(choice.loader).toMatchObject({ path: '/usr/share/OVMF/OVMF_CODE_4M.ms.fd', type: 'pflash', readonly: true, secure: true });
    expect(choice.smm).toBe(true);
    expect(choice.nvram).toMatchObject({ path: '/state/nvram/vm_VARS.fd', template: '/usr/share/OVMF/OVMF_VARS_4M.ms.fd' });
  });

  it('honours <firmware><feature>s and the loader: no secure boot means no SMM', () => {
    const plain = choose(" firmware='efi'", "<firmware><feature enabled='no' name='secure-boot'/></firmware>").choice;
    expect(plain.loader).toMatchObject({ path: '/usr/share/OVMF/OVMF_CODE_4M.fd', secure: false });
    expect(plain.smm).toBeUndefined();
    const noKeys = choose(" firmware='efi'", "<firmware><feature enabled='no' name='enrolled-keys'/></firmware>").choice;
    expect(noKeys.loader?.path).toBe('/usr/share/OVMF/OVMF_CODE_4M.secboot.fd');
    expect(choose(" firmware='efi'", "<loader secure='no'/>").choice.loader?.path).toBe('/usr/share/OVMF/OVMF_CODE_4M.fd');
  });

  it('matches machine globs: an i440fx guest gets the firmware without SMM', () => {
    expect(choose(" firmware='efi'", '', 'pc-i440fx-7.2').choice.loader?.path).toBe('/usr/share/OVMF/OVMF_CODE_4M.fd');
  });

  it('says why when no descriptor fits', () => {
    const { errors } = choose(" firmware='efi'", "<firmware><feature enabled='yes' name='secure-boot'/></firmware>", 'pc-i440fx-7.2');
    expect(errors.map((e) => e.message)).toEqual([expect.stringContaining("none of this host's 3 firmware descriptors fits this guest (x86_64 pc-i440fx-7.2, secure-boot)")]);
  });

  it("moves a path in libvirt's NVRAM folder into the state directory, and keeps any other", () => {
    expect(choose(" firmware='efi'", '<nvram>/var/lib/libvirt/qemu/nvram/other_VARS.fd</nvram>').choice.nvram?.path).toBe('/state/nvram/other_VARS.fd');
    expect(choose(" firmware='efi'", '<nvram>/srv/vm.fd</nvram>').choice.nvram?.path).toBe('/srv/vm.fd');
  });

  it('fills a launch model so that pre-flight sees the firmware files', () => {
    const domain = domainWith(" firmware='efi'");
    fillFirmware(domain, caps, '/state/nvram');
    expect(domain.os.loader).toMatchObject({ path: '/usr/share/OVMF/OVMF_CODE_4M.ms.fd', type: 'pflash', readonly: true });
    expect(domain.os.nvram).toMatchObject({ path: '/state/nvram/vm_VARS.fd', template: '/usr/share/OVMF/OVMF_VARS_4M.ms.fd' });
  });
});

describe('UEFI offers for the form', () => {
  it('offers UEFI and secure boot on q35, each with the descriptor it would boot', () => {
    const offers = uefiOffers(caps.firmware, 'x86_64', 'pc-q35-7.2');
    expect(offers.uefi).toMatchObject({ descriptor: { file: '/usr/share/qemu/firmware/60-edk2-x86_64.json' } });
    expect(offers['uefi-secure']).toMatchObject({ descriptor: { file: '/usr/share/qemu/firmware/40-edk2-x86_64-secure-enrolled.json' } });
  });

  it('says why secure boot is not offered on i440fx, and why nothing is without ovmf', () => {
    const i440fx = uefiOffers(caps.firmware, 'x86_64', 'pc-i440fx-7.2');
    expect(i440fx.uefi).toHaveProperty('descriptor');
    expect(i440fx['uefi-secure']).toEqual({ reason: 'no UEFI firmware here runs x86_64 pc-i440fx-7.2 with secure boot (it needs SMM: use a q35 machine)' });
    expect(uefiOffers([], 'x86_64', 'pc-q35-7.2').uefi).toEqual({ reason: 'this host has no UEFI firmware (install the Debian package ovmf)' });
    expect(uefiOffers(caps.firmware, 'aarch64', 'virt-7.2').uefi).toEqual({ reason: 'no UEFI firmware here runs aarch64 virt-7.2 without secure boot' });
  });
});
