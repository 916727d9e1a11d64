/**
 * <cpu mode='host-model'> as libvirt writes it: the named model and features the host's
 * capabilities give for the accelerator, or QEMU's host/max CPU when they say nothing.
 */
import { describe, expect, it } from 'vitest';
import { buildArgv } from '../buildArgv.js';
import type { HostCapabilities } from '../capabilities.js';
import { hostCapabilitiesFixture } from '../testing/conformance.js';
import { capsWith, guest, optionValues } from '../testing/domains.js';

function withHostModels(caps: HostCapabilities, hostCpuModels: NonNullable<HostCapabilities['emulators'][number]['hostCpuModels']> | undefined): HostCapabilities {
  for (const e of caps.emulators) {
    if (hostCpuModels) e.hostCpuModels = hostCpuModels;
    else delete e.hostCpuModels;
  }
  return caps;
}

const models = {
  tcg: {
    model: 'EPYC',
    vendor: 'AuthenticAMD',
    features: [
      { name: 'acpi', policy: 'require' as const },
      { name: 'la57', policy: 'require' as const },
      { name: 'fxsr-opt', policy: 'disable' as const },
      { name: 'sse4.2', policy: 'disable' as const },
    ],
  },
  kvm: { model: 'EPYC-Milan', vendor: 'AuthenticAMD', features: [{ name: 'tsc-adjust', policy: 'require' as const }] },
};

const cpuOption = (caps: HostCapabilities, cpu: string, type = 'qemu') => {
  const result = buildArgv(guest({ type, extra: cpu }), caps);
  return { cpu: optionValues(result.argv, '-cpu'), diagnostics: result.diagnostics };
};

describe('host-model', () => {
  it('is the named model with the host features on and the missing ones off under TCG', () => {
    const { cpu, diagnostics } = cpuOption(withHostModels(hostCapabilitiesFixture(), models), "<cpu mode='host-model'/>");
    expect(cpu).toEqual(['EPYC,acpi=on,la57=on,fxsr-opt=off,sse4.2=off']);
    expect(diagnostics.filter((d) => d.message.includes('host-model'))).toEqual([]);
  });

  it("is the KVM expansion under KVM, without QEMU's migratable property", () => {
    const { cpu } = cpuOption(withHostModels(capsWith({ kvmEnabled: true }), models), "<cpu mode='host-model'/>", 'kvm');
    expect(cpu).toEqual(['EPYC-Milan,tsc-adjust=on']);
  });

  it("leaves a feature the definition names to the definition's own <feature>, whatever its spelling", () => {
    const { cpu } = cpuOption(
      withHostModels(hostCapabilitiesFixture(), models),
      "<cpu mode='host-model'><feature policy='disable' name='acpi'/><feature policy='require' name='sse4_2'/></cpu>",
    );
    expect(cpu).toEqual(['EPYC,la57=on,fxsr-opt=off,acpi=off,sse4_2=on']);
  });

  it("falls back to QEMU's max (TCG) and host (KVM) CPUs, saying so, when the host has no expansion", () => {
    const tcg = cpuOption(withHostModels(hostCapabilitiesFixture(), undefined), "<cpu mode='host-model'/>");
    expect(tcg.cpu).toEqual(['max']);
    expect(tcg.diagnostics.find((d) => d.message.includes("mode='host-model'"))?.message).toContain("runs as QEMU's 'max' CPU");
    const kvm = cpuOption(withHostModels(capsWith({ kvmEnabled: true }), { tcg: models.tcg }), "<cpu mode='host-model'/>", 'kvm');
    expect(kvm.cpu).toEqual(['host,migratable=on']);
  });

  it('does not put a model or feature name that is not a plain token into -cpu', () => {
    const bad = { tcg: { model: 'EPYC', features: [{ name: 'acpi,x=on', policy: 'require' as const }] } };
    expect(cpuOption(withHostModels(hostCapabilitiesFixture(), bad), "<cpu mode='host-model'/>").cpu).toEqual(['max']);
  });

  it('uses the fixture host capabilities probed on the QEMU 7.2 these machines have: EPYC under TCG, as libvirt 9.0 says', () => {
    const { cpu } = cpuOption(hostCapabilitiesFixture(), "<cpu mode='host-model'/>");
    expect(cpu[0]?.split(',')[0]).toBe('EPYC');
    expect(cpu[0]).toContain('la57=on');
    expect(cpu[0]).toContain('sha-ni=off');
  });
});
