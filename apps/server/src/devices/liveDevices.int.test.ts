/**
 * The free PCIe port a hot-plug takes, asked of a real QEMU: before the guest's firmware has
 * numbered the ports QEMU lists nothing behind them, so a port with a NIC on it looked free and
 * device_add failed on it ("slot 0 function 0 not available … in use by virtio-net-pci");
 * such a port is never offered, and once numbered the empty one is.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { QmpClient } from '@virtdeck/qmp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../testing/waitFor.js';
import { freePciSlot } from './liveDevices.js';

const PORTS = [
  { bus: 1, name: 'pci.1', slots: [0] },
  { bus: 2, name: 'pci.2', slots: [0] },
];

describe('free PCIe ports for a hot-plug, from query-pci', () => {
  let dir: string;
  let qemu: ChildProcess;
  let qmp: QmpClient;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-pci-'));
    const socket = path.join(dir, 'qmp.sock');
    // Two root ports, a NIC on the first; started with its CPUs stopped (-S), as every start is.
    qemu = spawn('qemu-system-x86_64', [
      ...['-S', '-machine', 'q35', '-accel', 'tcg', '-m', '64', '-display', 'none', '-nodefaults'],
      ...['-device', 'pcie-root-port,id=pci.1,chassis=1,bus=pcie.0,addr=0x2', '-device', 'pcie-root-port,id=pci.2,chassis=2,bus=pcie.0,addr=0x3'],
      ...['-netdev', 'user,id=hostnet0', '-device', 'virtio-net-pci,netdev=hostnet0,id=net0,bus=pci.1,addr=0x0'],
      ...['-qmp', `unix:${socket},server=on,wait=off`],
    ], { stdio: 'ignore' });
    qmp = await QmpClient.connect(socket, { retry: true, timeoutMs: 30_000 });
  });
  afterAll(async () => {
    await qmp?.close().catch(() => undefined);
    if (qemu.exitCode === null) {
      qemu.kill('SIGKILL');
      await once(qemu, 'exit');
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('offers no port the firmware has not numbered, then the empty one', async () => {
    expect(await freePciSlot(qmp, PORTS)).toBeUndefined();
    await qmp.execute('cont');
    type Pci = Array<{ devices: Array<{ qdev_id?: string; pci_bridge?: { bus?: { secondary?: number } } }> }>;
    await waitFor('the firmware numbering the ports', async () => {
      const devices = (await qmp.execute<Pci>('query-pci'))[0]?.devices ?? [];
      return devices.filter((d) => (d.pci_bridge?.bus?.secondary ?? 0) > 0).length === 2 ? true : undefined;
    }, 60_000);
    expect(await freePciSlot(qmp, PORTS)).toEqual({ bus: 2, slot: 0 });
  });
});
