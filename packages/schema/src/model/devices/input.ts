import { firstChild, type XmlElement } from '../../xml/tree.js';
import { deviceAddress, deviceAlias, type DeviceCommon } from '../address.js';
import { read } from '../values.js';

export const INPUT_TYPES = {
  mouse: 'a relative pointing device',
  tablet: 'an absolute pointing device (the cursor follows the client without grabbing)',
  keyboard: 'a keyboard',
  passthrough: 'a host evdev device passed through virtio',
  evdev: 'a host evdev device (keyboard or mouse) shared with the guest',
} as const;
export type InputType = keyof typeof INPUT_TYPES;

export const INPUT_BUSES = {
  ps2: 'the PS/2 port (always present on x86)',
  usb: 'USB',
  virtio: 'virtio-input',
  xen: 'Xen paravirtual input',
  none: 'no bus (evdev)',
} as const;
export type InputBus = keyof typeof INPUT_BUSES;

export const GRAB_TOGGLES = {
  'ctrl-ctrl': 'both Ctrl keys',
  'alt-alt': 'both Alt keys',
  'shift-shift': 'both Shift keys',
  'meta-meta': 'both Meta keys',
  scrolllock: 'Scroll Lock',
  'ctrl-scrolllock': 'Ctrl + Scroll Lock',
} as const;

export interface Input extends DeviceCommon {
  type: InputType;
  bus?: InputBus;
  model?: string;
  source?: { dev?: string; evdev?: string; grab?: string; grabToggle?: string; repeat?: boolean; node: XmlElement };
}

export function parseInput(node: XmlElement): Input {
  const source = firstChild(node, 'source');
  return {
    node,
    address: deviceAddress(node),
    alias: deviceAlias(node),
    type: read.enum(node, 'type', INPUT_TYPES) ?? 'mouse',
    bus: read.enum(node, 'bus', INPUT_BUSES),
    model: read.string(node, 'model'),
    source:
      source === undefined
        ? undefined
        : {
            dev: read.string(source, 'dev'),
            evdev: read.string(source, 'evdev'),
            grab: read.string(source, 'grab'),
            grabToggle: read.string(source, 'grabToggle'),
            repeat: read.boolean(source, 'repeat'),
            node: source,
          },
  };
}
