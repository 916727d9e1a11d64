import { parseDomain, validateDomain } from '@virtdeck/schema';
import { describe, expect, it } from 'vitest';
import { ISO_OS_FAMILIES, type IsoOsFamily } from '../api.js';
import { isoInstallXml, type IsoInstallPlan } from './isoInstall.js';
import { SPARE_PCIE_PORTS } from './xmlText.js';

const plan = (os: IsoOsFamily, extra: Partial<IsoInstallPlan> = {}): IsoInstallPlan => ({
  name: `install-${os}`,
  emulator: '/usr/bin/qemu-system-x86_64',
  accelerator: 'qemu',
  os,
  memoryMiB: 2048,
  vcpus: 2,
  iso: '/srv/isos/installer.iso',
  disk: `/srv/images/install-${os}.qcow2`,
  network: { type: 'network', name: 'default' },
  ...extra,
});

const modelOf = (xml: string) => {
  const { domain } = parseDomain(xml);
  if (!domain) throw new Error('no domain');
  return domain;
};

describe('the install-from-an-ISO definition', () => {
  it.each(ISO_OS_FAMILIES.flatMap((os) => (['qemu', 'kvm'] as const).map((accelerator) => [os, accelerator] as const)))('is a valid libvirt definition for %s under %s', (os, accelerator) => {
    const { valid, diagnostics } = validateDomain(isoInstallXml(plan(os, { accelerator })));
    expect(diagnostics.filter((d) => d.scope === 'document')).toEqual([]);
    expect(valid).toBe(true);
  });

  it('boots the CD-ROM first, then the new disk, with a VNC display, a USB tablet and a serial console', () => {
    const domain = modelOf(isoInstallXml(plan('linux')));
    expect(domain.os.boot.map((b) => b.dev)).toEqual(['cdrom', 'hd']);
    expect(domain.devices.disks.map((d) => [d.device, d.source?.file, d.driver?.type, d.readonly ?? false])).toEqual([
      ['disk', '/srv/images/install-linux.qcow2', 'qcow2', false],
      ['cdrom', '/srv/isos/installer.iso', 'raw', true],
    ]);
    expect(domain.devices.graphics.map((g) => g.type)).toEqual(['vnc']);
    expect(domain.devices.inputs.map((i) => [i.type, i.bus])).toEqual([['tablet', 'usb']]);
    expect(domain.devices.serials).toHaveLength(1);
    expect(domain.memory?.kib).toBe(2048 * 1024);
    expect(domain.vcpu?.count).toBe(2);
  });

  it('gives each OS family the devices its installer has drivers for', () => {
    const devices = (os: IsoOsFamily) => {
      const domain = modelOf(isoInstallXml(plan(os)));
      return {
        machine: domain.os.machine,
        disks: domain.devices.disks.map((d) => `${d.device} ${d.target?.bus} ${d.target?.dev}`),
        nic: domain.devices.interfaces.map((i) => i.model),
        video: domain.devices.videos.map((v) => v.model?.type),
        efi: domain.os.firmware,
        tpm: domain.devices.tpms.map((t) => `${t.model} ${t.backend?.version}`),
      };
    };
    expect(devices('linux')).toEqual({ machine: 'q35', disks: ['disk virtio vda', 'cdrom sata sda'], nic: ['virtio'], video: ['virtio'], efi: undefined, tpm: [] });
    expect(devices('windows')).toEqual({ machine: 'q35', disks: ['disk sata sda', 'cdrom sata sdb'], nic: ['e1000e'], video: ['vga'], efi: undefined, tpm: [] });
    expect(devices('windows11')).toEqual({ machine: 'q35', disks: ['disk sata sda', 'cdrom sata sdb'], nic: ['e1000e'], video: ['vga'], efi: 'efi', tpm: ['tpm-crb 2.0'] });
    expect(devices('other')).toEqual({ machine: 'pc', disks: ['disk ide hda', 'cdrom ide hdc'], nic: ['e1000'], video: ['vga'], efi: undefined, tpm: [] });
  });

  it('gives Windows 11 UEFI with secure boot, enrolled keys and SMM', () => {
    const domain = modelOf(isoInstallXml(plan('windows11')));
    expect(domain.os.firmwareFeatures.map((f) => [f.name, f.enabled])).toEqual([
      ['enrolled-keys', true],
      ['secure-boot', true],
    ]);
    expect(domain.os.loader?.secure).toBe(true);
    expect(domain.features?.smm?.enabled).toBe(true);
  });

  it("gives Windows its local-time clock, and Hyper-V's enlightenments only under KVM (TCG has none)", () => {
    expect(modelOf(isoInstallXml(plan('windows'))).clock?.offset).toBe('localtime');
    expect(modelOf(isoInstallXml(plan('linux'))).clock?.offset).toBe('utc');
    expect(isoInstallXml(plan('windows', { accelerator: 'qemu' }))).not.toContain('hyperv');
    const kvm = modelOf(isoInstallXml(plan('windows', { accelerator: 'kvm' })));
    expect(kvm.type).toBe('kvm');
    expect(kvm.features?.hyperv?.enabled).toBe(true);
    expect(Object.keys(kvm.features?.hyperv?.features ?? {}).sort()).toEqual(['relaxed', 'spinlocks', 'vapic']);
  });

  it('leaves spare pcie-root-ports on q35 for hot-plug, and none on the i440FX machine', () => {
    const ports = (os: IsoOsFamily, network: IsoInstallPlan['network']) =>
      modelOf(isoInstallXml(plan(os, { network }))).devices.controllers.filter((c) => c.type === 'pci' && c.model === 'pcie-root-port').map((c) => c.index);
    // Linux: the virtio disk, the NIC, the USB controller and the balloon each take one.
    expect(ports('linux', { type: 'user' })).toEqual(Array.from({ length: 4 + SPARE_PCIE_PORTS }, (_, i) => i + 1));
    expect(ports('linux', { type: 'none' })).toHaveLength(3 + SPARE_PCIE_PORTS);
    // Windows' SATA disk is on the chipset's own controller.
    expect(ports('windows', { type: 'user' })).toHaveLength(3 + SPARE_PCIE_PORTS);
    expect(ports('other', { type: 'user' })).toEqual([]);
  });

  it('writes the network asked for: a virtual network, user-mode networking, or no NIC', () => {
    const nics = (network: IsoInstallPlan['network']) => modelOf(isoInstallXml(plan('linux', { network }))).devices.interfaces.map((i) => [i.type, i.source?.network]);
    expect(nics({ type: 'network', name: "lab's net" })).toEqual([['network', "lab's net"]]);
    expect(nics({ type: 'user' })).toEqual([['user', undefined]]);
    expect(nics({ type: 'none' })).toEqual([]);
  });

  it('escapes names and paths', () => {
    const xml = isoInstallXml(plan('linux', { iso: "/srv/isos/<it's & that>.iso", disk: "/srv/a'b.qcow2" }));
    const domain = modelOf(xml);
    expect(domain.devices.disks.map((d) => d.source?.file)).toEqual(["/srv/a'b.qcow2", "/srv/isos/<it's & that>.iso"]);
    expect(validateDomain(xml).valid).toBe(true);
  });
});
