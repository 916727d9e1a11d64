import { describe, expect, it } from 'vitest';
import {
  ProbeParseError,
  parseAccelHelp,
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
