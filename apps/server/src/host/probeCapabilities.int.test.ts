import { chmod, copyFile, mkdtemp, readdir, rm, utimes } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { findMachine } from '@virtdeck/qemu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkKvmDevice, findEmulatorBinaries, probeCapabilities } from './probeCapabilities.js';

const QEMU = '/usr/bin/qemu-system-x86_64';

describe('probeCapabilities against the real QEMU', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vd-probe-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reports version, accelerators, machines with aliases, CPU models and devices', async () => {
    const caps = await probeCapabilities({ binaries: [QEMU], cacheDir: path.join(dir, 'cache') });
    expect(caps.failures).toEqual([]);
    expect(caps.host.os).toBe('linux');
    const emulator = caps.emulators[0];
    expect(emulator).toBeDefined();
    if (!emulator) return;
    expect(emulator.arch).toBe('x86_64');
    expect(emulator.version.major).toBeGreaterThanOrEqual(7);
    expect(emulator.accelerators).toContain('tcg');
    expect(findMachine(emulator, 'pc')?.name).toMatch(/^pc-i440fx-/);
    expect(findMachine(emulator, 'q35')?.name).toMatch(/^pc-q35-/);
    expect(emulator.machines.filter((m) => m.isDefault)).toHaveLength(1);
    expect(emulator.cpuModels.map((c) => c.name)).toEqual(expect.arrayContaining(['qemu64', 'max', 'Skylake-Client']));
    expect(emulator.devices).toEqual(expect.arrayContaining(['virtio-net-pci', 'virtio-blk-pci', 'pcie-root-port', 'isa-serial', 'lsi', 'ahci']));
    // KVM as QEMU saw it agrees with the device check: enabled only when /dev/kvm opened.
    if (!caps.kvmDevice.usable) expect(emulator.kvm.enabled).toBe(false);
    expect(await readdir(path.join(dir, 'cache'))).toHaveLength(1);
  });

  it('answers from the cache until the binary changes', async () => {
    const copy = path.join(dir, 'qemu-system-x86_64');
    await copyFile(QEMU, copy);
    await chmod(copy, 0o755);
    const cacheDir = path.join(dir, 'cache2');
    const first = await probeCapabilities({ binaries: [copy], cacheDir });
    const t0 = performance.now();
    const second = await probeCapabilities({ binaries: [copy], cacheDir });
    expect(performance.now() - t0).toBeLessThan(200);
    expect(second.emulators[0]).toBe(first.emulators[0]);

    const later = new Date(Date.now() + 60_000);
    await utimes(copy, later, later);
    const third = await probeCapabilities({ binaries: [copy], cacheDir });
    expect(third.emulators[0]).not.toBe(first.emulators[0]);
    expect(third.emulators[0]?.fingerprint.mtimeMs).not.toBe(first.emulators[0]?.fingerprint.mtimeMs);
    expect(await readdir(cacheDir)).toHaveLength(2);
  });

  it('reports a binary that is not QEMU as a failure with its message', async () => {
    const caps = await probeCapabilities({ binaries: ['/bin/false', path.join(dir, 'missing-qemu')] });
    expect(caps.emulators).toEqual([]);
    expect(caps.failures.map((f) => f.path)).toEqual(['/bin/false', path.join(dir, 'missing-qemu')]);
    expect(caps.failures[1]?.error).toMatch(/ENOENT/);
  });

  it('finds qemu-system binaries on a search path', async () => {
    expect(await findEmulatorBinaries(['/nonexistent', '/usr/bin'])).toContain(QEMU);
  });

  it('explains why a KVM device cannot be used', async () => {
    expect(await checkKvmDevice(path.join(dir, 'no-kvm'))).toMatchObject({ usable: false, problem: 'missing' });
  });
});
