import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildArgv } from '@virtdeck/qemu';
import { parseDomain, validateDomain } from '@virtdeck/schema';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ISO_OS_FAMILIES } from '../api.js';
import { isoInstallXml } from './isoInstall.js';
import { instantiateTemplate, type TemplateContext } from './templates.js';
import { SPARE_PCIE_PORTS } from './xmlText.js';

/** The pcie-root-ports of the command line the definition becomes that no device sits on: where hot-plugged devices go. */
function freeRootPorts(xml: string): string[] {
  const { domain } = parseDomain(xml);
  if (!domain) throw new Error('no domain');
  const devices = buildArgv(domain, undefined)
    .argv.filter((arg) => arg.startsWith('{'))
    .map((arg) => JSON.parse(arg) as { driver?: string; id?: string; bus?: string });
  const used = new Set(devices.map((d) => d.bus));
  return devices.filter((d) => d.driver === 'pcie-root-port' && !used.has(d.id)).map((d) => String(d.id));
}

describe('free PCIe ports for hot-plug, as virt-manager leaves them', () => {
  let ctx: TemplateContext;
  beforeEach(async () => {
    ctx = { stateDir: await mkdtemp(path.join(os.tmpdir(), 'virtdeck-templates-')), emulator: '/usr/bin/qemu-system-x86_64' };
  });
  afterEach(async () => {
    await rm(ctx.stateDir, { recursive: true, force: true });
  });

  it('the q35 template leaves its spare pcie-root-ports empty, and stays valid', async () => {
    const xml = await instantiateTemplate('q35-virtio-disk', 'spare', ctx);
    expect(validateDomain(xml).valid).toBe(true);
    expect(freeRootPorts(xml)).toHaveLength(SPARE_PCIE_PORTS);
  });

  it.each(ISO_OS_FAMILIES.filter((os) => os !== 'other'))('so does the %s install-from-an-ISO guest on q35', (family) => {
    for (const network of [{ type: 'user' }, { type: 'none' }] as const) {
      const xml = isoInstallXml({ name: 'spare', emulator: ctx.emulator, accelerator: 'qemu', os: family, memoryMiB: 1024, vcpus: 1, iso: '/i.iso', disk: '/d.qcow2', network });
      expect(freeRootPorts(xml)).toHaveLength(SPARE_PCIE_PORTS);
    }
  });
});
