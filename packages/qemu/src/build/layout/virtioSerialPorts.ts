/** virtio-serial ports: the definition's first, then virtio consoles from port 0 and channels from port 1, as libvirt assigns them. */
import type { CharDevice } from '@virtdeck/schema';
import type { DiagnosticSink } from '../../diagnostics.js';
import type { ControllerSet } from './controllers.js';

export interface VirtioSerialSlot {
  controller: number;
  port: number;
  /** false for a console placed by QEMU itself (libvirt does not write its address) */
  explicit: boolean;
}

type VirtioSerialAddress = { controller?: number; port?: number };

const addressOf = (chr: CharDevice): VirtioSerialAddress | undefined =>
  chr.address?.type === 'virtio-serial' ? (chr.address as VirtioSerialAddress) : undefined;

export function assignVirtioSerialPorts(
  consoles: readonly CharDevice[],
  channels: readonly CharDevice[],
  controllers: ControllerSet,
  diagnostics: DiagnosticSink,
): Map<CharDevice, VirtioSerialSlot> {
  const slots = new Map<CharDevice, VirtioSerialSlot>();
  const portsInUse = new Map<number, Set<number>>();
  const maxPorts = (controllerIdx: number): number => controllers.find('virtio-serial', controllerIdx)?.ports ?? 31;
  const used = (controllerIdx: number): Set<number> => {
    let set = portsInUse.get(controllerIdx);
    if (!set) portsInUse.set(controllerIdx, (set = new Set()));
    return set;
  };
  const controllerIndexes = controllers.list.filter((c) => c.type === 'virtio-serial').map((c) => controllers.index.get(c) ?? 0);
  for (const chr of [...consoles, ...channels]) {
    const a = addressOf(chr);
    if (a?.port === undefined) continue;
    const controller = a.controller ?? 0;
    if (used(controller).has(a.port)) diagnostics.error('address-conflict', chr.node, `virtio-serial port ${a.port} of controller ${controller} is used twice.`);
    used(controller).add(a.port);
    slots.set(chr, { controller, port: a.port, explicit: true });
  }
  const nextPort = (chr: CharDevice, allowZero: boolean): void => {
    const a = addressOf(chr);
    const candidates = a?.controller !== undefined ? [a.controller] : controllerIndexes;
    for (const controller of candidates) {
      for (let port = allowZero ? 0 : 1; port < maxPorts(controller); port++) {
        if (used(controller).has(port)) continue;
        used(controller).add(port);
        slots.set(chr, { controller, port, explicit: !allowZero || a?.controller !== undefined });
        return;
      }
    }
    diagnostics.error('address-unassignable', chr.node, 'No virtio-serial port is free for this device.');
  };
  for (const chr of consoles) if (!slots.has(chr)) nextPort(chr, true);
  for (const chr of channels) if (!slots.has(chr)) nextPort(chr, false);
  return slots;
}
