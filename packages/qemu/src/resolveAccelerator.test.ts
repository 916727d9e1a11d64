import { describe, expect, it } from 'vitest';
import { buildArgv } from './buildArgv.js';
import { checkHost } from './checkHost.js';
import { resolveAccelerator } from './resolveAccelerator.js';
import { hostCapabilitiesFixture } from './testing/conformance.js';
import { capsWith, domainFrom, guest, optionValues } from './testing/domains.js';

const linuxWithKvm = hostCapabilitiesFixture();

/** The text a diagnostic range covers in the definition it came from. */
function covered(text: string, range: { start: { offset: number }; end: { offset: number } }): string {
  return text.slice(range.start.offset, range.end.offset);
}

describe('resolveAccelerator', () => {
  it('runs TCG and KVM when the host has them', () => {
    expect(resolveAccelerator(guest({ type: 'qemu' }), linuxWithKvm)).toMatchObject({ usable: true, qemuAccel: 'tcg', alternatives: ['kvm'] });
    expect(resolveAccelerator(guest({ type: 'kvm' }), linuxWithKvm)).toMatchObject({ usable: true, qemuAccel: 'kvm', alternatives: ['qemu'] });
  });

  it.each([
    ['missing', /\/dev\/kvm does not exist: the kvm kernel module is not loaded/],
    ['permission', /cannot be opened read-write by this user: add the user to the group/],
    ['busy', /is busy: another hypervisor/],
  ] as const)('says why KVM cannot run when /dev/kvm is %s', (problem, message) => {
    const caps = capsWith({ kvmDevice: { path: '/dev/kvm', usable: false, problem, detail: 'E' } });
    const result = resolveAccelerator(guest({ type: 'kvm' }), caps);
    expect(result.usable).toBe(false);
    expect(result.reason).toMatch(message);
    expect(result.alternatives).toEqual(['qemu']);
    expect(result.diagnostics[0]).toMatchObject({ severity: 'error', code: 'accelerator-unavailable' });
  });

  it('says which user cannot open /dev/kvm, how it is set, and what to do', () => {
    const kvmDevice = {
      path: '/dev/kvm',
      usable: false,
      problem: 'qemu-user',
      detail: 'mode 0600, owner root, group root; QEMU runs as virtdeck-qemu, in groups virtdeck-qemu, kvm',
      advice: 'Give it group kvm and mode 0666 as udev does: chown root:kvm /dev/kvm && chmod 0666 /dev/kvm.',
    } as const;
    const result = resolveAccelerator(guest({ type: 'kvm' }), capsWith({ kvmDevice }));
    expect(result.reason).toBe(
      'KVM cannot be used: /dev/kvm cannot be opened read-write by the user QEMU runs as (mode 0600, owner root, group root; QEMU runs as virtdeck-qemu, in groups virtdeck-qemu, kvm). Give it group kvm and mode 0666 as udev does: chown root:kvm /dev/kvm && chmod 0666 /dev/kvm.',
    );
    expect(result.alternatives).toEqual(['qemu']);
  });

  it('says when QEMU itself reports KVM disabled', () => {
    const result = resolveAccelerator(guest({ type: 'kvm' }), capsWith({ kvmEnabled: false }));
    expect(result.reason).toMatch(/query-kvm reports it disabled/);
  });

  it.each([
    ['kqemu', /removed from QEMU in version 0\.12 \(2009\)/],
    ['qvm86', /never merged into QEMU/],
    ['hvf', /only on macOS hosts; this host runs Linux/],
    ['whpx', /only on Windows hosts/],
    ['nvmm', /only on NetBSD hosts/],
    ['xen', /Xen/],
    ['bhyve', /not a QEMU accelerator/],
  ])('refuses %s with the reason and kvm or qemu instead', (type, reason) => {
    const text = `<domain type='${type}'><name>g</name><memory>131072</memory><os><type arch='x86_64' machine='pc'>hvm</type></os></domain>`;
    const result = resolveAccelerator(domainFrom(text), linuxWithKvm);
    expect(result.usable).toBe(false);
    expect(result.reason).toMatch(reason);
    expect(result.alternatives).toEqual(['qemu', 'kvm']);
    const diagnostic = result.diagnostics[0];
    expect(diagnostic?.code).toBe(type === 'qvm86' || type === 'kqemu' || type === 'hvf' || type === 'whpx' || type === 'nvmm' || type === 'bhyve' ? 'unsupported-accelerator' : 'accelerator-unavailable');
    expect(diagnostic?.message).toMatch(/Use 'qemu' or 'kvm' instead\.$/);
    expect(covered(text, diagnostic?.range ?? { start: { offset: 0 }, end: { offset: 0 } })).toBe(type);
    expect(diagnostic?.fixes?.map((f) => f.edits[0]?.newText)).toEqual(['qemu', 'kvm']);
  });

  it('accepts hvf on a macOS host whose QEMU has it', () => {
    const caps = capsWith({ os: 'darwin', accelerators: ['tcg', 'hvf'] });
    expect(resolveAccelerator(guest({ type: 'hvf' }), caps)).toMatchObject({ usable: true, qemuAccel: 'hvf' });
  });

  it('resolves the historical spellings like the canonical one and points at what was written', () => {
    const first = `<domain type='qemu'><name>g</name><memory>131072</memory><os><type>kqemu</type></os></domain>`;
    const counter = `<domain type='qemu'><name>g</name><memory>131072</memory><os><type accel='kvm'>qemu</type></os></domain>`;
    const a = resolveAccelerator(domainFrom(first), linuxWithKvm);
    expect(a.usable).toBe(false);
    expect(covered(first, a.diagnostics[0]?.range ?? { start: { offset: 0 }, end: { offset: 0 } })).toBe('kqemu');
    const b = resolveAccelerator(domainFrom(counter), linuxWithKvm);
    expect(b).toMatchObject({ usable: true, qemuAccel: 'kvm' });
    expect(optionValues(buildArgv(domainFrom(counter), linuxWithKvm).argv, '-accel')).toEqual(['kvm']);
    const denied = resolveAccelerator(domainFrom(counter), capsWith({ kvmDevice: { path: '/dev/kvm', usable: false, problem: 'missing' } }));
    expect(covered(counter, denied.diagnostics[0]?.range ?? { start: { offset: 0 }, end: { offset: 0 } })).toBe('kvm');
  });
});

describe('checkHost', () => {
  it('has nothing to say about a definition this host runs', () => {
    expect(checkHost(guest(), linuxWithKvm)).toEqual([]);
  });

  it('names a missing emulator and offers the one the host has', () => {
    const domain = domainFrom(`<domain type='qemu'><name>g</name><memory>131072</memory>
<os><type arch='x86_64' machine='pc'>hvm</type></os><devices><emulator>/opt/qemu/bin/qemu-system-x86_64</emulator></devices></domain>`);
    const [d] = checkHost(domain, linuxWithKvm);
    expect(d).toMatchObject({ severity: 'error', code: 'emulator-missing' });
    expect(d?.message).toMatch(/not found on this host\. Emulators for x86_64 here: \/usr\/bin\/qemu-system-x86_64\./);
    expect(d?.fixes?.[0]?.edits[0]?.newText).toBe('/usr/bin/qemu-system-x86_64');
  });

  it('suggests close machine types for an unknown one', () => {
    const [d] = checkHost(guest({ machine: 'pc-q35-7.9' }), linuxWithKvm);
    expect(d?.code).toBe('machine-unknown');
    expect(d?.message).toMatch(/has no machine type 'pc-q35-7\.9'\. Close ones: pc-q35-7\.2/);
    expect(d?.fixes?.[0]?.edits[0]?.newText).toBe('pc-q35-7.2');
  });

  it('suggests close CPU models for an unknown one', () => {
    const [d] = checkHost(guest({ extra: "<cpu mode='custom'><model>Skylake-Clinet</model></cpu>" }), linuxWithKvm);
    expect(d?.code).toBe('cpu-model-unknown');
    expect(d?.message).toMatch(/Close ones: Skylake-Client/);
  });

  it('reports an unusable accelerator and unknown device models', () => {
    const codes = checkHost(guest({ type: 'kqemu', devices: "<sound model='ich9'/><interface type='user'><model type='nic9000'/></interface>" }), linuxWithKvm).map((d) => d.code);
    expect(codes).toEqual(['unsupported-accelerator', 'device-model-unknown']);
  });
});
