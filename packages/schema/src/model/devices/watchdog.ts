import type { XmlElement } from '../../xml/tree.js';
import { deviceAddress, deviceAlias, type DeviceCommon } from '../address.js';
import { read } from '../values.js';

export const WATCHDOG_MODELS = {
  i6300esb: 'Intel 6300ESB (PCI)',
  ib700: 'iBase IB700 (ISA)',
  diag288: 's390 diag288',
  itco: 'the Intel TCO watchdog built into q35',
} as const;
export type WatchdogModel = keyof typeof WATCHDOG_MODELS;

export const WATCHDOG_ACTIONS = {
  reset: 'reset the guest',
  shutdown: 'shut the guest down gracefully',
  poweroff: 'power the guest off',
  pause: 'pause the guest',
  none: 'do nothing',
  dump: 'dump the guest core',
  'inject-nmi': 'inject an NMI into the guest',
} as const;

export interface Watchdog extends DeviceCommon {
  model?: WatchdogModel;
  action?: keyof typeof WATCHDOG_ACTIONS;
}

export function parseWatchdog(node: XmlElement): Watchdog {
  return {
    node,
    address: deviceAddress(node),
    alias: deviceAlias(node),
    model: read.enum(node, 'model', WATCHDOG_MODELS),
    action: read.enum(node, 'action', WATCHDOG_ACTIONS),
  };
}
