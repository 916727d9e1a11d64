/**
 * <cpu mode='host-model'> as libvirt runs it: the probe names the model libvirt's
 * domcapabilities names for each accelerator (`virsh domcapabilities --virttype qemu|kvm`,
 * libvirt 9.0 here), and a guest with host-model starts under TCG with that model and its
 * features, as QEMU itself reports them over QMP.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoGuestXml } from '../demoGuest.js';
import type { GuestRuntime } from '../guests/GuestRuntime.js';
import { RunDir } from '../guests/RunDir.js';
import { terminate } from '../guests/qemuProcess.js';
import { startGuest } from '../guests/startGuest.js';
import { demoGuest } from '../testing/demoGuest.js';
import { startLibvirtHost, type LibvirtHost } from '../testing/libvirtHost.js';
import { waitForText } from '../testing/waitFor.js';
import { libvirtFeatureName } from './parseProbe.js';
import { probeCapabilities } from './probeCapabilities.js';

const QEMU = '/usr/bin/qemu-system-x86_64';
const guest = demoGuest();

/** domcapabilities' <mode name='host-model'>: its model and features, in libvirt's names. */
const libvirtHostModel = (xml: string) => {
  const mode = /<mode name='host-model' supported='yes'>([\s\S]*?)<\/mode>/.exec(xml)?.[1] ?? '';
  return {
    model: /<model[^>]*>([^<]+)<\/model>/.exec(mode)?.[1],
    features: [...mode.matchAll(/<feature policy='(\w+)' name='([^']+)'\/>/g)].map((m) => ({ name: m[2], policy: m[1] })),
  };
};
/** The probe's host-model in libvirt's feature names (QEMU spells some otherwise: lahf-lm, tsc-adjust). */
const asLibvirtNames = (model: { model: string; features: Array<{ name: string; policy: string }> } | undefined) =>
  model && { model: model.model, features: model.features.map((f) => ({ name: libvirtFeatureName(f.name), policy: f.policy })) };

describe('host-model', () => {
  let dir: string;
  let runtime: GuestRuntime | undefined;
  let libvirt: LibvirtHost | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-host-model-'));
  });
  afterAll(async () => {
    if (runtime) {
      runtime.release();
      await terminate(runtime.process, 2000);
    }
    await libvirt?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("names the model and features libvirt's domain capabilities name, for TCG and (where KVM works) for KVM", async () => {
    const caps = await probeCapabilities({ binaries: [QEMU] });
    const emulator = caps.emulators[0];
    const tcg = emulator?.hostCpuModels?.tcg;
    expect(tcg?.model).toBeDefined();
    // Under TCG nothing the host lacks is asked for: every feature turned on is one max has.
    expect(emulator?.cpuModels.find((m) => m.name === tcg?.model)).toBeDefined();
    libvirt = await startLibvirtHost();
    expect(libvirtHostModel(await libvirt.virsh('domcapabilities', '--emulatorbin', QEMU, '--virttype', 'qemu', '--arch', 'x86_64'))).toEqual(asLibvirtNames(tcg));
    if (emulator?.kvm.enabled) {
      expect(libvirtHostModel(await libvirt.virsh('domcapabilities', '--emulatorbin', QEMU, '--virttype', 'kvm', '--arch', 'x86_64'))).toEqual(asLibvirtNames(emulator.hostCpuModels?.kvm));
    } else {
      expect(emulator?.hostCpuModels?.kvm).toBeUndefined();
    }
  }, 120_000);

  it('starts a TCG guest whose vCPU is that model with those features, as QMP reports it', async () => {
    const caps = await probeCapabilities({ binaries: [QEMU] });
    const expected = caps.emulators[0]?.hostCpuModels?.tcg;
    if (!expected) throw new Error('the probe gave no TCG host-model');
    const xml = demoGuestXml('host-model', guest).replace('<clock ', "<cpu mode='host-model'/>\n  <clock ");
    const run = new RunDir(dir, 'host-model');
    runtime = await startGuest({
      name: 'host-model',
      xml,
      run,
      capabilities: () => probeCapabilities(),
      monitorTimeoutMs: 15_000,
      commandTimeoutMs: 10_000,
      serialLogMaxBytes: 1024 * 1024,
      onLogError: () => undefined,
      onLaunched: () => undefined,
      onEvent: () => undefined,
    });
    const qmp = runtime.qmp!;
    const [vcpu] = await qmp.execute<Array<{ 'qom-path': string }>>('query-cpus-fast');
    const property = (name: string) => qmp.execute<unknown>('qom-get', { path: vcpu!['qom-path'], property: name });
    expect(await property('type')).toBe(`${expected.model}-x86_64-cpu`);
    for (const feature of expected.features) expect([feature.name, await property(feature.name)]).toEqual([feature.name, feature.policy === 'require']);
    // The running CPU expands to the same model and features QEMU would give the model with them.
    const expansion = await qmp.execute<{ model: { name: string; props: Record<string, unknown> } }>('query-cpu-model-expansion', {
      type: 'full',
      model: { name: expected.model, props: Object.fromEntries(expected.features.map((f) => [f.name, f.policy === 'require'])) },
    });
    expect(expansion.model.name).toBe(expected.model);
    for (const feature of expected.features) expect(expansion.model.props[feature.name]).toBe(feature.policy === 'require');
    await waitForText(run.serialLog, guest.readyMarker);
  }, 120_000);
});
