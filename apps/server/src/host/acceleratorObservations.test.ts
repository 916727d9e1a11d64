import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hostInfo } from '../http/hostInfo.js';
import { AcceleratorObservations } from './acceleratorObservations.js';
import type { HostCapabilities } from '@virtdeck/qemu';

describe('AcceleratorObservations', () => {
  let stateDir: string;
  beforeEach(async () => {
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-accel-'));
  });
  afterEach(() => rm(stateDir, { recursive: true, force: true }));

  it('keeps a silent KVM guest across restarts, until a guest boots under KVM', async () => {
    const first = AcceleratorObservations.inStateDir(stateDir);
    expect(await first.load()).toBeUndefined();
    await first.noteSilent('kvm', 'win11', new Date('2026-12-02T10:20:00Z'));

    const again = AcceleratorObservations.inStateDir(stateDir);
    await again.load();
    expect(again.caution('kvm')).toMatch(/^Opens, but guests did not boot here: 'win11' showed no sign of life under it \(2026-12-02 10:20 UTC\)/);
    expect(again.caution('qemu')).toBeUndefined();

    await again.noteAlive('kvm');
    const third = AcceleratorObservations.inStateDir(stateDir);
    await third.load();
    expect(third.caution('kvm')).toBeUndefined();
  });

  it('starts afresh from a file it did not write, and never follows a symlink', async () => {
    const file = path.join(stateDir, 'cache', 'accelerators.json');
    const observations = AcceleratorObservations.inStateDir(stateDir);
    await observations.noteSilent('kvm', 'a');
    await writeFile(file, '{"kvm": 3}');
    expect(await AcceleratorObservations.inStateDir(stateDir).load()).toMatch(/is not what virtdeck writes there/);

    await rm(file);
    const elsewhere = path.join(stateDir, 'elsewhere.json');
    await writeFile(elsewhere, JSON.stringify({ kvm: { silentGuest: 'x', at: '2026-01-01T00:00:00Z' } }));
    await symlink(elsewhere, file);
    const linked = AcceleratorObservations.inStateDir(stateDir);
    expect(await linked.load()).toMatch(/symlink|link/);
    expect(linked.caution('kvm')).toBeUndefined();
    expect(await readFile(elsewhere, 'utf8')).toContain('silentGuest');
  });

  it('puts the caution on a usable accelerator in GET /api/host, and none on one that cannot run', () => {
    const caps = {
      host: { os: 'linux', arch: 'x86_64' },
      kvmDevice: { path: '/dev/kvm', usable: true },
      emulators: [{ path: '/usr/bin/qemu-system-x86_64', arch: 'x86_64', accelerators: ['kvm', 'tcg'], kvm: { present: true, enabled: true } }],
    } as unknown as HostCapabilities;
    const info = hostInfo(caps, (name) => `seen under ${name}`);
    expect(info.accelerators.find((a) => a.name === 'kvm')).toMatchObject({ usable: true, caution: 'seen under kvm' });
    expect(info.accelerators.find((a) => a.name === 'kqemu')).not.toHaveProperty('caution');
  });
});
