/**
 * Changes to a running guest's devices (libvirt's qemuDomainAttachDeviceLive and friends):
 * attach and detach a disk or a network card, change or eject a CD-ROM's medium. Each takes
 * the running definition and returns the new one; the caller keeps it (GuestRuntime.xml and
 * run/NAME/domain.xml) and holds the guest's lock. The device's options come from
 * @virtdeck/qemu's builders (buildHotplugArgs), its files are checked by the start's
 * pre-flight and handed over as a start hands them (fileHandover.ts).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { blockNodeCount, buildHotplugArgs, deviceAlias, hotplugBuses, type HostCapabilities, type HotplugArgs, type JsonObject, type NetworkHost } from '@virtdeck/qemu';
import type { QmpClient } from '@virtdeck/qmp';
import { applyEdits, firstChild, insertChildEdit, parseXml, validateDomain, type Disk, type Domain, type Interface } from '@virtdeck/schema';
import { restoreOwners } from '../confine/ownership.js';
import type { QemuUser } from '../confine/qemuUser.js';
import { VirtdeckError, type ApiDiagnostic } from '../errors.js';
import type { ImageProbe } from '../preflight/imageProbe.js';
import { endProbedChains, preflight } from '../preflight/preflight.js';
import { createTaps, removeTapOf, removeTaps } from '../networks/taps.js';
import { handOver } from './fileHandover.js';
import { addChain, deleteChain, deleteDevice, freePciSlot, mediumNode, nextBlockNode, nicByMac, peripheralIds, qemuRefused, releaseFdSets } from './liveDevices.js';
import { describeSelector, findDevice, withDevice, withMedium, withoutElement, type DeviceSelector, type DeviceXml } from './deviceXml.js';

/** What a live change needs of the guest and the host. */
export interface LiveContext {
  name: string;
  qmp: QmpClient;
  /** The running definition. */
  xml: string;
  caps: HostCapabilities;
  networks: NetworkHost;
  /** QEMU's working directory (relative paths), the run folder. */
  baseDir: string;
  user: QemuUser | undefined;
  ownersFile: string;
  /** The record of the guest's taps (RunDir.tapsFile). */
  tapsFile: string;
  probe: ImageProbe;
}

/** The device text with a PCI address on a free hot-plug slot, for a PCI device that has none. */
async function placed(ctx: LiveContext, device: DeviceXml): Promise<DeviceXml> {
  const trial = withDevice(ctx.xml, device);
  const element = trial.device.kind === 'disk' ? trial.device.disk : trial.device.iface;
  if (firstChild(element.node, 'address') || !onPci(trial.device)) return device;
  const slot = await freePciSlot(ctx.qmp, hotplugBuses(trial.domain, ctx.caps));
  if (!slot) {
    const q35 = /q35/.test(trial.domain.os.machine ?? '');
    throw new VirtdeckError(
      'conflict',
      q35
        ? `'${ctx.name}' has no free PCIe port for the device: a q35 guest takes hot-plugged devices on empty pcie-root-ports, once its firmware has numbered them (early in the boot). Add <controller type='pci' model='pcie-root-port'/> to its definition (for the next start), or try again when it has booted`
        : `'${ctx.name}' has no free PCI slot for the device`,
    );
  }
  const address = `<address type='pci' domain='0x0000' bus='0x${slot.bus.toString(16).padStart(2, '0')}' slot='0x${slot.slot.toString(16).padStart(2, '0')}' function='0x0'/>`;
  const document = parseXml(device.text).document;
  if (!document.root) return device;
  return { kind: device.kind, text: applyEdits(device.text, [insertChildEdit(document, document.root, address)]) };
}

function onPci(device: ReturnType<typeof withDevice>['device']): boolean {
  if (device.kind === 'interface') return device.iface.model !== 'usb-net';
  const bus = device.disk.target?.bus ?? (device.disk.target?.dev.startsWith('vd') ? 'virtio' : undefined);
  return bus === 'virtio';
}

function refuseDiagnostics(what: string, diagnostics: readonly ApiDiagnostic[]): void {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new VirtdeckError('host-file', `${what}: ${errors[0]?.message ?? ''}`, { diagnostics: errors });
}

/** Opens a disk's files for QEMU and adds its block nodes; returns the top node and what was handed over. */
async function addMedium(ctx: LiveContext, domain: Domain, disk: Disk): Promise<{ top: string | undefined; owned: string[]; device?: JsonObject; after: HotplugArgs['qmp'] }> {
  const host = await preflight(domain, { probe: ctx.probe, baseDir: ctx.baseDir });
  const { start, end } = disk.node;
  refuseDiagnostics(`The disk ${disk.target?.dev ?? ''} cannot be attached`, host.diagnostics.filter((d) => d.range.start.offset >= start && d.range.end.offset <= end));
  endProbedChains(host.probedChainEnds.filter((d) => d === disk));
  const handover = await handOver(host.files.filter((f) => f.disk === disk), ctx);
  try {
    const args = buildHotplugArgs(domain, ctx.caps, { kind: 'disk', disk }, { firstNode: await nextBlockNode(ctx.qmp), networks: ctx.networks });
    refuseDiagnostics(`The disk ${disk.target?.dev ?? ''} cannot be attached`, args.diagnostics);
    await addChain(ctx.qmp, args.blockdevs);
    const top = args.blockdevs.at(-1)?.['node-name'];
    return { top: typeof top === 'string' ? top : undefined, owned: handover.owned, ...(args.device ? { device: args.device } : {}), after: args.qmp };
  } catch (error) {
    await restoreOwners(ctx.ownersFile, new Set(handover.owned)).catch(() => undefined);
    throw error;
  } finally {
    await handover.release();
  }
}

/** Attaches the device; answers the new running definition and the device as placed (with its PCI address). */
export async function attachLive(ctx: LiveContext, requested: DeviceXml): Promise<{ xml: string; device: DeviceXml }> {
  const device = await placed(ctx, requested);
  const { xml, domain, device: added } = withDevice(ctx.xml, device);
  if (added.kind === 'disk') {
    const medium = await addMedium(ctx, domain, added.disk);
    try {
      if (!medium.device) throw new VirtdeckError('invalid-xml', 'This disk cannot be built as a device');
      await ctx.qmp.execute('device_add', medium.device as Record<string, unknown>);
    } catch (error) {
      if (medium.top) await deleteChain(ctx.qmp, medium.top, blockNodeCount(added.disk)).catch(() => undefined);
      await restoreOwners(ctx.ownersFile, new Set(medium.owned)).catch(() => undefined);
      throw qemuRefused(`QEMU refused the disk ${added.disk.target?.dev ?? ''}`, error);
    }
    try {
      // <iotune>, as a start sets it: the disk is not left attached without its limits.
      for (const command of medium.after) await ctx.qmp.execute(command.execute, command.arguments as Record<string, unknown>);
    } catch (error) {
      const id = medium.device.id;
      if (typeof id === 'string') await deleteDevice(ctx.qmp, id).catch(() => undefined);
      if (medium.top) await deleteChain(ctx.qmp, medium.top, blockNodeCount(added.disk)).catch(() => undefined);
      await restoreOwners(ctx.ownersFile, new Set(medium.owned)).catch(() => undefined);
      throw qemuRefused(`QEMU refused the I/O limits of the disk ${added.disk.target?.dev ?? ''}`, error);
    }
    return { xml, device };
  }
  await attachInterface(ctx, domain, added.iface);
  return { xml, device };
}

async function attachInterface(ctx: LiveContext, domain: Domain, iface: Interface): Promise<void> {
  const ids = new Set((await peripheralIds(ctx.qmp)).map((p) => p.name));
  let n = 0;
  while (ids.has(`net${n}`)) n++;
  const args = buildHotplugArgs(domain, ctx.caps, { kind: 'interface', iface, id: `net${n}` }, { networks: ctx.networks });
  refuseDiagnostics('The interface cannot be attached', args.diagnostics);
  if (!args.device) throw new VirtdeckError('invalid-xml', 'This interface cannot be built as a device');
  const netdev = args.netdev?.id;
  const taps = new Set(args.taps.map((t) => t.ifname));
  await createTaps(args.taps, ctx.tapsFile, ctx.user);
  try {
    if (args.netdev) await ctx.qmp.execute('netdev_add', args.netdev as Record<string, unknown>).catch((error: unknown) => Promise.reject(qemuRefused('QEMU refused the network backend', error)));
  } catch (error) {
    await removeTaps(ctx.tapsFile, taps).catch(() => undefined);
    throw error;
  }
  try {
    await ctx.qmp.execute('device_add', args.device as Record<string, unknown>);
  } catch (error) {
    if (typeof netdev === 'string') await ctx.qmp.execute('netdev_del', { id: netdev }).catch(() => undefined);
    await removeTaps(ctx.tapsFile, taps).catch(() => undefined);
    throw qemuRefused('QEMU refused the network card', error);
  }
}

function liveDomain(ctx: LiveContext): Domain {
  const { domain, valid } = validateDomain(ctx.xml);
  if (!domain || !valid) throw new VirtdeckError('conflict', `The running definition of '${ctx.name}' cannot be read`);
  return domain;
}

export async function detachLive(ctx: LiveContext, selector: DeviceSelector): Promise<string> {
  const domain = liveDomain(ctx);
  const found = findDevice(domain, ctx.caps, selector);
  if (!found) throw new VirtdeckError('not-found', `The running guest '${ctx.name}' has no ${describeSelector(selector)}`);
  if (found.kind === 'interface') {
    const nic = found.iface.mac ? await nicByMac(ctx.qmp, found.iface.mac) : undefined;
    if (!nic) throw new VirtdeckError('conflict', `QEMU has no network card with MAC ${found.iface.mac ?? '(none)'} for '${ctx.name}'`);
    await deleteDevice(ctx.qmp, nic.id);
    if (nic.netdev) await ctx.qmp.execute('netdev_del', { id: nic.netdev }).catch((error: unknown) => Promise.reject(qemuRefused('QEMU kept the network backend', error)));
    if (found.iface.mac) await removeTapOf(ctx.tapsFile, found.iface.mac);
    return withoutElement(ctx.xml, found.iface.node);
  }
  const { disk } = found;
  const id = deviceAlias(domain, ctx.caps, disk);
  if (!id) throw new VirtdeckError('conflict', `The disk ${disk.target?.dev ?? ''} has no device id`);
  const top = await mediumNode(ctx.qmp, id);
  await deleteDevice(ctx.qmp, id);
  if (top) await deleteChain(ctx.qmp, top, blockNodeCount(disk));
  const rest = withoutElement(ctx.xml, disk.node);
  await giveBack(ctx, disk, rest);
  return rest;
}

/** Gives the files of a disk that left back to their owners, unless another disk of the guest still uses them. */
async function giveBack(ctx: LiveContext, disk: Disk, remaining: string): Promise<void> {
  const paths = (d: Disk): string[] => [d.source?.file, ...d.backingChain.map((b) => b.source?.file)].filter((p): p is string => p !== undefined).map((p) => path.resolve(ctx.baseDir, p));
  const real = async (p: string) => fs.realpath(p).catch(() => p);
  const stillUsed = new Set(await Promise.all((validateDomain(remaining).domain?.devices.disks ?? []).flatMap(paths).map(real)));
  const named = [disk.source?.file, ...disk.backingChain.map((b) => b.source?.file)].filter((p): p is string => p !== undefined);
  const mine = (await Promise.all(paths(disk).map(real))).filter((p) => !stillUsed.has(p));
  if (mine.length === 0) return;
  await releaseFdSets(ctx.qmp, new Set([...named, ...paths(disk)]));
  await restoreOwners(ctx.ownersFile, new Set(mine));
}

/** A new medium (a file) in a running CD-ROM or floppy drive, or none (eject). */
export async function changeMediumLive(ctx: LiveContext, target: string, file: string | null): Promise<string> {
  const domain = liveDomain(ctx);
  const disk = domain.devices.disks.find((d) => d.target?.dev === target);
  if (!disk) throw new VirtdeckError('not-found', `The running guest '${ctx.name}' has no disk '${target}'`);
  if (disk.device !== 'cdrom' && disk.device !== 'floppy') throw new VirtdeckError('conflict', `The disk ${target} is a ${disk.device}; only a CD-ROM or floppy drive changes media`);
  const id = deviceAlias(domain, ctx.caps, disk);
  if (!id) throw new VirtdeckError('conflict', `The drive ${target} has no device id`);
  const old = await mediumNode(ctx.qmp, id);
  const xml = withMedium(ctx.xml, disk, file);
  let inserted: { top: string | undefined; owned: string[]; count: number } | undefined;
  if (file !== null) {
    const next = validateDomain(xml);
    const changed = next.domain?.devices.disks.find((d) => d.target?.dev === target);
    if (!next.valid || !next.domain || !changed) throw new VirtdeckError('invalid-xml', `The medium '${file}' cannot be named in the definition`, { diagnostics: next.diagnostics.filter((d) => d.severity === 'error') });
    inserted = { ...(await addMedium(ctx, next.domain, changed)), count: blockNodeCount(changed) };
  }
  try {
    await ctx.qmp.execute('blockdev-open-tray', { id, force: true });
    if (old) await ctx.qmp.execute('blockdev-remove-medium', { id });
    if (inserted?.top) await ctx.qmp.execute('blockdev-insert-medium', { id, 'node-name': inserted.top });
    await ctx.qmp.execute('blockdev-close-tray', { id });
  } catch (error) {
    if (inserted?.top) await deleteChain(ctx.qmp, inserted.top, inserted.count).catch(() => undefined);
    if (inserted) await restoreOwners(ctx.ownersFile, new Set(inserted.owned)).catch(() => undefined);
    throw qemuRefused(`QEMU could not change the medium of ${target}`, error);
  }
  if (old) await deleteChain(ctx.qmp, old, blockNodeCount(disk));
  await giveBack(ctx, disk, xml);
  return xml;
}
