import { describe, expect, it } from 'vitest';
import {
  ProbeParseError,
  decodeHostCpuModel,
  hostModelCandidates,
  parseAccelHelp,
  parseCpuExpansion,
  parseCpuModels,
  parseDeviceHelp,
  parseKvm,
  parseMachines,
  parseTarget,
  parseVersion,
} from './parseProbe.js';

describe('parseAccelHelp', () => {
  it('reads one accelerator per line after the header', () => {
    expect(parseAccelHelp('Accelerators supported in QEMU binary:\ntcg\nkvm\n')).toEqual(['tcg', 'kvm']);
  });

  it('ignores blank lines and warnings', () => {
    expect(parseAccelHelp('\nAccelerators supported in QEMU binary:\n  tcg  \n\nqemu-system: warning: something odd\n')).toEqual(['tcg']);
  });
});

describe('parseDeviceHelp', () => {
  it('reads device names with their aliases and skips the headings', () => {
    const text = [
      'Controller/Bridge/Hub devices:',
      'name "pcie-root-port", bus PCI',
      'name "lsi53c895a", bus PCI, alias "lsi"',
      '',
      'Network devices:',
      'name "e1000", bus PCI, alias "e1000-82540em", desc "Intel Gigabit Ethernet"',
    ].join('\n');
    expect(parseDeviceHelp(text)).toEqual(['e1000', 'e1000-82540em', 'lsi', 'lsi53c895a', 'pcie-root-port']);
  });
});

describe('QMP replies', () => {
  it('reads the version with its distribution package', () => {
    expect(parseVersion({ qemu: { major: 7, minor: 2, micro: 22 }, package: 'Debian 1:7.2+dfsg-7' })).toEqual({
      major: 7,
      minor: 2,
      micro: 22,
      package: 'Debian 1:7.2+dfsg-7',
    });
    expect(parseVersion({ qemu: { major: 9, minor: 0, micro: 0 }, package: '' })).toEqual({ major: 9, minor: 0, micro: 0 });
  });

  it('reads machine types with aliases and the default, sorted by name', () => {
    const machines = parseMachines([
      { name: 'pc-q35-7.2', alias: 'q35', 'cpu-max': 288, deprecated: false, 'default-ram-id': 'pc.ram' },
      { name: 'pc-i440fx-7.2', alias: 'pc', 'is-default': true, 'cpu-max': 255, deprecated: false, 'default-cpu-type': 'qemu64-x86_64-cpu' },
      { name: 'none', 'cpu-max': 1, deprecated: false },
      { name: 'pc-i440fx-1.4', deprecated: true },
    ]);
    expect(machines.map((m) => m.name)).toEqual(['none', 'pc-i440fx-1.4', 'pc-i440fx-7.2', 'pc-q35-7.2']);
    expect(machines[2]).toEqual({
      name: 'pc-i440fx-7.2',
      alias: 'pc',
      isDefault: true,
      deprecated: false,
      cpuMax: 255,
      defaultCpuType: 'qemu64-x86_64-cpu',
    });
    expect(machines[1]?.deprecated).toBe(true);
    expect(machines[3]).toMatchObject({ alias: 'q35', isDefault: false, defaultRamId: 'pc.ram' });
  });

  it('reads CPU models with what the accelerator lacks', () => {
    const models = parseCpuModels([
      { name: 'qemu64', typename: 'qemu64-x86_64-cpu', 'unavailable-features': ['svm'], static: false, 'migration-safe': true, deprecated: false, 'alias-of': 'qemu64-v1' },
      { name: 'host', 'unavailable-features': [], static: false, 'migration-safe': false, deprecated: false },
    ]);
    expect(models).toEqual([
      { name: 'host', unavailableFeatures: [], static: false, migrationSafe: false, deprecated: false },
      { name: 'qemu64', unavailableFeatures: ['svm'], static: false, migrationSafe: true, deprecated: false, aliasOf: 'qemu64-v1' },
    ]);
  });

  it('reads query-kvm, query-target and type lists', () => {
    expect(parseKvm({ enabled: false, present: true })).toEqual({ present: true, enabled: false });
    expect(parseTarget({ arch: 'x86_64' })).toBe('x86_64');
  });

  it('says which reply was malformed', () => {
    expect(() => parseMachines({ nope: 1 })).toThrow(ProbeParseError);
    expect(() => parseMachines([{ alias: 'pc' }])).toThrow(/query-machines\[0\]\.name/);
    expect(() => parseVersion({ qemu: { major: '7' } })).toThrow(/major/);
  });
});

/** A static expansion reply as QEMU gives it: base plus every feature, on or off. */
const expansion = (vendor: string, family: number, model: number, on: string[], all: string[]) => ({
  model: { name: 'base', props: { vendor, family, model, stepping: 1, 'model-id': 'x', 'min-level': 13, ...Object.fromEntries(all.map((f) => [f, on.includes(f)])) } },
});

describe('host-model from CPU model expansions', () => {
  const all = ['sse4.2', 'avx', 'avx2', 'la57', 'vaes', 'sha-ni', 'rdseed', 'topoext', 'kvm-pv-eoi', 'lmce'];
  const models = new Map(
    Object.entries({
      qemu64: expansion('AuthenticAMD', 15, 107, [], all),
      EPYC: expansion('AuthenticAMD', 23, 1, ['sse4.2', 'avx', 'avx2', 'sha-ni', 'rdseed', 'topoext'], all),
      'EPYC-Rome': expansion('AuthenticAMD', 23, 49, ['sse4.2', 'avx', 'avx2', 'sha-ni', 'rdseed', 'topoext', 'vaes'], all),
      Skylake: expansion('GenuineIntel', 6, 94, ['sse4.2', 'avx', 'avx2', 'la57', 'vaes'], all),
    }).map(([name, reply]) => [name, parseCpuExpansion(reply)]),
  );

  it('reads a static expansion into its vendor, family, model, stepping and CPUID features, leaving out KVM leaves and lmce', () => {
    expect(parseCpuExpansion(expansion('AuthenticAMD', 23, 1, ['avx'], ['avx', 'la57', 'kvm-pv-eoi', 'lmce']))).toEqual({
      vendor: 'AuthenticAMD',
      family: 23,
      model: 1,
      stepping: 1,
      features: { avx: true, la57: false },
    });
  });

  it("offers the named models libvirt's CPU map has, not versions or max, host and base", () => {
    const m = (name: string) => ({ name, unavailableFeatures: [], static: false, migrationSafe: true, deprecated: false });
    expect(hostModelCandidates(['EPYC', 'EPYC-v1', 'EPYC-v3', 'max', 'host', 'base', 'qemu64', 'Skylake-Client-IBRS'].map(m))).toEqual(['EPYC', 'qemu64', 'Skylake-Client-IBRS']);
  });

  it("under TCG names the host vendor's model needing the fewest features on or off, and lists them", () => {
    // max under TCG: AMD, QEMU's made-up family 15 model 107 (qemu64's), with la57 and vaes but no SHA or RDSEED
    const max = parseCpuExpansion(expansion('AuthenticAMD', 15, 107, ['sse4.2', 'avx', 'avx2', 'la57', 'vaes'], all));
    expect(decodeHostCpuModel(max, models, { matchSignature: false })).toEqual({
      model: 'EPYC-Rome',
      vendor: 'AuthenticAMD',
      features: [
        { name: 'la57', policy: 'require' },
        { name: 'rdseed', policy: 'disable' },
        { name: 'sha-ni', policy: 'disable' },
        { name: 'topoext', policy: 'disable' },
      ],
    });
  });

  it('under KVM prefers the model of the host CPU itself (same family and model) over one with fewer differences', () => {
    const host = parseCpuExpansion(expansion('AuthenticAMD', 23, 1, ['sse4.2', 'avx', 'avx2', 'vaes', 'topoext'], all));
    const withSignature = decodeHostCpuModel(host, models, { matchSignature: true });
    expect(withSignature?.model).toBe('EPYC');
    expect(withSignature?.features).toEqual([
      { name: 'vaes', policy: 'require' },
      { name: 'rdseed', policy: 'disable' },
      { name: 'sha-ni', policy: 'disable' },
    ]);
    expect(decodeHostCpuModel(host, models, { matchSignature: false })?.model).toBe('EPYC-Rome');
  });

  it("takes each model's vendor from where it is told (under KVM every model reports the host's)", () => {
    const intelHost = parseCpuExpansion(expansion('GenuineIntel', 6, 94, ['sse4.2', 'avx', 'avx2', 'la57', 'vaes'], all));
    const asKvmReports = new Map([...models].map(([name, m]) => [name, { ...m, vendor: 'GenuineIntel' }]));
    const vendors = new Map([...models].map(([name, m]) => [name, m.vendor]));
    expect(decodeHostCpuModel(intelHost, asKvmReports, { matchSignature: true, vendors })).toEqual({ model: 'Skylake', vendor: 'GenuineIntel', features: [] });
    const amdOnly = new Map([...models].filter(([name]) => name !== 'Skylake'));
    expect(decodeHostCpuModel(intelHost, amdOnly, { matchSignature: true })).toBeUndefined();
  });
});
