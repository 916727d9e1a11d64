import { describe, expect, it } from 'vitest';
import { assignPciAddresses, type PciControllerSlot, type PciDeviceSlot } from './assignPci.js';
import { Connect, formatQemuAddr } from './pci.js';

const PCI = Connect.PCI_DEVICE | Connect.AUTOASSIGN;
const PCIE_ON_Q35 = Connect.PCIE_DEVICE | Connect.AUTOASSIGN;

const dev = (label: string, flags: number, extra: Partial<PciDeviceSlot> = {}): PciDeviceSlot => ({ label, flags, ...extra });
const where = (d: { address?: { bus: number; slot: number; function: number } }): string =>
  d.address ? `pci.${d.address.bus}/${formatQemuAddr(d.address)}` : 'none';

describe('assignPciAddresses on a pc (i440fx) machine', () => {
  it('puts the PIIX3 USB at 1.2, the first video at slot 2 and the rest from slot 3 in order', () => {
    const devices = [
      dev('net0', PCI),
      dev('usb0', PCI, { role: 'piix3-usb0' }),
      dev('scsi0', PCI),
      dev('video0', PCI, { role: 'primary-video' }),
      dev('balloon0', PCI),
    ];
    const result = assignPciAddresses({ chipset: 'i440fx', controllers: [{ index: 0, model: 'pci-root', label: 'pci-root' }], devices, pcieToPciBridge: true });
    expect(result.problems).toEqual([]);
    expect(devices.map(where)).toEqual(['pci.0/0x3', 'pci.0/0x1.0x2', 'pci.0/0x4', 'pci.0/0x2', 'pci.0/0x5']);
    expect(result.controllers).toHaveLength(1);
  });

  it('keeps configured addresses and fills around them', () => {
    const devices = [dev('net0', PCI), dev('disk0', PCI, { address: { bus: 0, slot: 3, function: 0 }, fromConfig: true }), dev('disk1', PCI)];
    assignPciAddresses({ chipset: 'i440fx', controllers: [], devices, pcieToPciBridge: true });
    expect(devices.map(where)).toEqual(['pci.0/0x2', 'pci.0/0x3', 'pci.0/0x4']);
  });

  it('continues on a pci-bridge once pci.0 is full, leaving the bridge slot 0 alone', () => {
    const controllers: PciControllerSlot[] = [
      { index: 0, model: 'pci-root', label: 'pci-root' },
      { index: 1, model: 'pci-bridge', label: 'bridge 1' },
    ];
    const devices = Array.from({ length: 32 }, (_, i) => dev(`net${i}`, PCI));
    const result = assignPciAddresses({ chipset: 'i440fx', controllers, devices, pcieToPciBridge: true });
    expect(where(result.controllers[1] ?? {})).toBe('pci.0/0x2');
    expect(result.controllers[1]?.chassisNr).toBe(1);
    expect(where(devices[0] ?? {})).toBe('pci.0/0x3');
    expect(where(devices[28] ?? {})).toBe('pci.0/0x1f');
    expect(where(devices[29] ?? {})).toBe('pci.1/0x1');
  });

  it('adds a pci-bridge when pci.0 runs out, keeping a slot for it', () => {
    const devices = Array.from({ length: 30 }, (_, i) => dev(`net${i}`, PCI));
    const result = assignPciAddresses({ chipset: 'i440fx', controllers: [], devices, pcieToPciBridge: true });
    expect(result.problems).toEqual([]);
    expect(result.controllers.map((c) => `${c.model}@${where(c)}`)).toEqual(['pci-root@none', 'pci-bridge@pci.0/0x2']);
    expect(where(devices.at(-1) ?? {})).toBe('pci.1/0x1');
  });
});

describe('assignPciAddresses on a q35 machine', () => {
  const root: PciControllerSlot = { index: 0, model: 'pcie-root', label: 'pcie-root' };

  it('gives each PCIe device its own root port, plus one spare, in slot 1 when there is no video', () => {
    const devices = [dev('usb', PCIE_ON_Q35), dev('balloon0', PCIE_ON_Q35)];
    const result = assignPciAddresses({ chipset: 'q35', controllers: [root], devices, pcieToPciBridge: true });
    expect(result.problems).toEqual([]);
    expect(result.controllers.slice(1).map((c) => [c.model, where(c), c.chassis, c.port, c.address?.multifunction])).toEqual([
      ['pcie-root-port', 'pci.0/0x1', 1, 8, true],
      ['pcie-root-port', 'pci.0/0x1.0x1', 2, 9, undefined],
      ['pcie-root-port', 'pci.0/0x1.0x2', 3, 10, undefined],
    ]);
    expect(devices.map(where)).toEqual(['pci.1/0x0', 'pci.2/0x0']);
  });

  it('puts conventional PCI devices behind a pcie-to-pci-bridge and the video at slot 1', () => {
    const devices = [
      dev('net0', PCI),
      dev('usb', PCI),
      dev('scsi0', PCI),
      dev('video0', PCI, { role: 'primary-video' }),
    ];
    const result = assignPciAddresses({ chipset: 'q35', controllers: [root], devices, pcieToPciBridge: true });
    expect(result.problems).toEqual([]);
    expect(result.controllers.slice(1).map((c) => [c.index, c.model, where(c), c.chassis, c.port])).toEqual([
      [1, 'pcie-root-port', 'pci.0/0x2', 1, 16],
      [2, 'pcie-to-pci-bridge', 'pci.1/0x0', undefined, undefined],
      [3, 'pcie-root-port', 'pci.0/0x2.0x1', 3, 17],
    ]);
    expect(devices.map(where)).toEqual(['pci.2/0x1', 'pci.2/0x2', 'pci.2/0x3', 'pci.0/0x1']);
  });

  it('places the SATA controller and ICH9 audio at their chipset addresses', () => {
    const devices = [dev('sound0', PCI, { role: 'ich9-sound' }), dev('sata0', PCIE_ON_Q35, { role: 'sata0' })];
    assignPciAddresses({ chipset: 'q35', controllers: [root], devices, pcieToPciBridge: true });
    expect(devices.map(where)).toEqual(['pci.0/0x1b', 'pci.0/0x1f.0x2']);
  });

  it('puts a DMI-to-PCI bridge at 00:1e.0 and conventional devices behind it', () => {
    const controllers: PciControllerSlot[] = [
      root,
      { index: 1, model: 'dmi-to-pci-bridge', label: 'dmi' },
      { index: 2, model: 'pci-bridge', label: 'bridge' },
    ];
    const devices = [dev('net0', PCI)];
    const result = assignPciAddresses({ chipset: 'q35', controllers, devices, pcieToPciBridge: true });
    expect(result.problems).toEqual([]);
    expect(result.controllers.map((c) => `${c.model}@${where(c)}`)).toEqual(['pcie-root@none', 'dmi-to-pci-bridge@pci.0/0x1e', 'pci-bridge@pci.1/0x0']);
    expect(where(devices[0] ?? {})).toBe('pci.2/0x1');
  });

  it('adds no spare port when the definition manages its own controllers', () => {
    const controllers: PciControllerSlot[] = [
      root,
      { index: 1, model: 'pcie-root-port', address: { bus: 0, slot: 1, function: 0, multifunction: true }, fromConfig: true, chassis: 1, port: 8, label: 'port 1' },
      { index: 2, model: 'pcie-root-port', address: { bus: 0, slot: 1, function: 1 }, fromConfig: true, chassis: 2, port: 9, label: 'port 2' },
    ];
    const devices = [dev('usb', PCIE_ON_Q35, { address: { bus: 1, slot: 0, function: 0 }, fromConfig: true })];
    const result = assignPciAddresses({ chipset: 'q35', controllers, devices, pcieToPciBridge: true });
    expect(result.controllers).toHaveLength(3);
    expect(result.problems).toEqual([]);
  });

  it('adds the root ports a configured bus number needs, like libvirt', () => {
    const devices = [dev('disk0', PCIE_ON_Q35, { address: { bus: 3, slot: 0, function: 0 }, fromConfig: true })];
    const result = assignPciAddresses({ chipset: 'q35', controllers: [root], devices, pcieToPciBridge: true });
    expect(result.problems).toEqual([]);
    expect(result.controllers.map((c) => c.model)).toEqual(['pcie-root', 'pcie-root-port', 'pcie-root-port', 'pcie-root-port']);
  });

  it('reports a configured address the bus cannot take, naming the device', () => {
    const devices = [dev('disk0', PCI, { address: { bus: 0, slot: 0, function: 0 }, fromConfig: true }), dev('disk1', PCI)];
    const result = assignPciAddresses({ chipset: 'i440fx', controllers: [], devices, pcieToPciBridge: true });
    expect(result.problems).toEqual([{ label: 'disk0', message: 'slot must be at least 1 on bus 0 (pci-root)' }]);
    expect(where(devices[1] ?? {})).toBe('pci.0/0x2');
  });
});
