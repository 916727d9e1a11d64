/**
 * What a running QEMU has, asked over QMP, and the QMP steps that add and remove devices.
 * QEMU is the truth for a running guest: which PCI slots are taken, which block nodes and
 * device ids exist (devices come and go, so a layout recomputed from the definition may no
 * longer name them as QEMU does).
 */
import type { HotplugBus, JsonObject } from '@virtdeck/qemu';
import { isQmpError, type QmpClient } from '@virtdeck/qmp';
import { describeError, VirtdeckError } from '../errors.js';

interface PciDeviceInfo {
  slot: number;
  qdev_id?: string;
  pci_bridge?: { bus?: { secondary?: number }; devices?: PciDeviceInfo[] };
}
interface PciBusInfo {
  bus: number;
  devices: PciDeviceInfo[];
}

/**
 * The first free slot on a hot-plug bus, from query-pci; undefined when every one is taken.
 * QEMU lists what is behind a bridge or port only once the guest has given it a bus number
 * (its firmware does, early in the boot): until then a port looks empty though a device may be
 * on it, so such a port is never offered.
 */
export async function freePciSlot(qmp: QmpClient, buses: readonly HotplugBus[]): Promise<{ bus: number; slot: number } | undefined> {
  const info = await qmp.execute<PciBusInfo[]>('query-pci');
  const taken = new Map<string, Set<number>>();
  const walk = (name: string, devices: readonly PciDeviceInfo[]) => {
    taken.set(name, new Set(devices.map((d) => d.slot)));
    for (const d of devices) if (d.qdev_id && d.pci_bridge && (d.pci_bridge.bus?.secondary ?? 0) > 0) walk(d.qdev_id, d.pci_bridge.devices ?? []);
  };
  const root = info[0];
  if (root) walk('pci.0', root.devices);
  for (const bus of buses) {
    const used = taken.get(bus.name);
    // A bus QEMU does not list (a port the guest has not numbered yet) is left alone.
    if (!used) continue;
    const slot = bus.slots.find((s) => !used.has(s));
    if (slot !== undefined) return { bus: bus.bus, slot };
  }
  return undefined;
}

const NODE = /^libvirt-(\d+)-(?:storage|format)$/;

/** The first block node number above every libvirt-N-… node QEMU has. */
export async function nextBlockNode(qmp: QmpClient): Promise<number> {
  const nodes = await qmp.execute<Array<{ 'node-name'?: string }>>('query-named-block-nodes', { flat: true });
  let max = 0;
  for (const node of nodes) {
    const match = NODE.exec(node['node-name'] ?? '');
    if (match) max = Math.max(max, Number(match[1]));
  }
  return max + 1;
}

/** The node a device's medium is (query-block), or undefined for an empty drive. */
export async function mediumNode(qmp: QmpClient, id: string): Promise<string | undefined> {
  const blocks = await qmp.execute<Array<{ qdev?: string; inserted?: { 'node-name'?: string } }>>('query-block');
  const block = blocks.find((b) => b.qdev === id || b.qdev === `/machine/peripheral/${id}/virtio-backend` || b.qdev?.startsWith(`/machine/peripheral/${id}/`));
  return block?.inserted?.['node-name'];
}

/**
 * Removes the block nodes of a chain whose top is `top` (libvirt-N-format or -storage): the
 * chain's nodes are numbered N, N+1, … (`count` of them), each a format node over a storage node.
 */
export async function deleteChain(qmp: QmpClient, top: string, count: number): Promise<void> {
  const match = NODE.exec(top);
  if (!match) throw new VirtdeckError('conflict', `The block node '${top}' was not made by virtdeck; it is left in place`);
  const existing = new Set((await qmp.execute<Array<{ 'node-name'?: string }>>('query-named-block-nodes', { flat: true })).map((n) => n['node-name']));
  const first = Number(match[1]);
  for (let n = first; n < first + Math.max(count, 1); n++) {
    for (const kind of ['format', 'storage']) {
      const name = `libvirt-${n}-${kind}`;
      if (existing.has(name)) await qmp.execute('blockdev-del', { 'node-name': name });
    }
  }
}

/** Adds the nodes bottom first; on a failure removes what was added and rethrows. */
export async function addChain(qmp: QmpClient, blockdevs: readonly JsonObject[]): Promise<void> {
  const added: string[] = [];
  try {
    for (const node of blockdevs) {
      await qmp.execute('blockdev-add', node as Record<string, unknown>);
      added.push(String(node['node-name']));
    }
  } catch (error) {
    for (const name of added.reverse()) await qmp.execute('blockdev-del', { 'node-name': name }).catch(() => undefined);
    throw qemuRefused('QEMU could not open the image', error);
  }
}

/** How long a guest gets to let go of a device it was asked to release. */
export const RELEASE_TIMEOUT_MS = 10_000;

/**
 * device_del and the wait for DEVICE_DELETED: the guest must release a PCI device (its
 * hot-plug driver acknowledges). A guest that does not, in time, keeps the device; QEMU removes
 * it whenever the guest lets go, which a later detach then finds done.
 */
export async function deleteDevice(qmp: QmpClient, id: string, timeoutMs = RELEASE_TIMEOUT_MS): Promise<void> {
  const deleted = qmp.waitForEvent('DEVICE_DELETED', { timeoutMs, filter: (e) => e.data?.device === id });
  deleted.catch(() => undefined);
  try {
    await qmp.execute('device_del', { id });
  } catch (error) {
    throw qemuRefused(`QEMU would not remove the device '${id}'`, error);
  }
  try {
    await deleted;
  } catch (error) {
    if (!isQmpError(error, 'timeout')) throw error;
    throw new VirtdeckError(
      'timeout',
      `The guest did not release the device '${id}' within ${Math.round(timeoutMs / 1000)} s: it may not support hot-unplug (no ACPI or PCIe hot-plug driver), or still be booting. The device stays attached; QEMU removes it if the guest lets go later`,
    );
  }
}

/** The ids of the devices the definition (and hot-plugs) gave QEMU: /machine/peripheral's children. */
export async function peripheralIds(qmp: QmpClient): Promise<Array<{ name: string; type: string }>> {
  return qmp.execute<Array<{ name: string; type: string }>>('qom-list', { path: '/machine/peripheral' });
}

/** The id of the network card with this MAC address, and its netdev, as QEMU has them. */
export async function nicByMac(qmp: QmpClient, mac: string): Promise<{ id: string; netdev: string | undefined } | undefined> {
  for (const child of await peripheralIds(qmp)) {
    if (!child.type.startsWith('child<')) continue;
    const path = `/machine/peripheral/${child.name}`;
    const found = await qmp.execute<string>('qom-get', { path, property: 'mac' }).catch(() => undefined);
    if (found?.toLowerCase() !== mac.toLowerCase()) continue;
    const netdev = await qmp.execute<string>('qom-get', { path, property: 'netdev' }).catch(() => undefined);
    return { id: child.name, netdev: netdev || undefined };
  }
  return undefined;
}

/** A QMP failure as the user's error: what failed and QEMU's words. */
export function qemuRefused(what: string, error: unknown): VirtdeckError {
  if (error instanceof VirtdeckError) return error;
  return new VirtdeckError('qemu-failed', `${what}: ${describeError(error)}`, { cause: error });
}

/**
 * Lets go of the descriptors a start passed for these image files (-add-fd sets, whose opaque
 * names role and path): QEMU keeps a set's descriptors until it is removed, so an ejected or
 * detached image would otherwise stay open for the rest of the run.
 */
export async function releaseFdSets(qmp: QmpClient, paths: ReadonlySet<string>): Promise<void> {
  const sets = await qmp.execute<Array<{ 'fdset-id': number; fds: Array<{ opaque?: string }> }>>('query-fdsets');
  for (const set of sets) {
    const named = set.fds.some((fd) => {
      const match = /^(?:disk|cdrom|floppy|backing):(.*)$/s.exec(fd.opaque ?? '');
      return match !== null && paths.has(match[1] ?? '');
    });
    if (named) await qmp.execute('remove-fd', { 'fdset-id': set['fdset-id'] });
  }
}
