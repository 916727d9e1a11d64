import type { BootOrder } from '../../model/address.js';
import type { Domain } from '../../model/domain.js';
import { attributeRange, type Reporter } from './report.js';

/** os/boot and per-device boot order exclude each other; orders must be unique. */
export function validateBootOrder(domain: Domain, report: Reporter): void {
  const devices = domain.devices;
  const orders: BootOrder[] = [
    ...devices.disks.map((d) => d.boot),
    ...devices.interfaces.map((i) => i.boot),
    ...devices.hostdevs.map((h) => h.boot),
    ...devices.redirdevs.map((r) => r.boot),
    ...devices.filesystems.map((f) => f.boot),
  ].filter((b): b is BootOrder => b !== undefined);
  if (orders.length > 0 && domain.os.boot.length > 0) {
    for (const osBoot of domain.os.boot) {
      report.error(
        'boot-order-conflict',
        'Per-device <boot order=…> cannot be combined with <os><boot dev=…>: use one or the other.',
        osBoot.node.range,
      );
    }
  }
  const seen = new Set<number>();
  for (const boot of orders.sort((a, b) => a.node.start - b.node.start)) {
    if (boot.order === undefined) continue;
    if (seen.has(boot.order)) {
      report.error('boot-order-conflict', `Boot order ${boot.order} is already used by another device.`, attributeRange(boot.node, 'order'));
    }
    seen.add(boot.order);
  }
}
