import { firstChild, type XmlElement } from '../../xml/tree.js';
import { deviceAddress, deviceAlias, type DeviceCommon } from '../address.js';
import { read } from '../values.js';

export const VIDEO_MODELS = {
  vga: 'standard VGA (Bochs VBE)',
  cirrus: 'Cirrus Logic GD5446 (old guests)',
  vmvga: 'VMware SVGA',
  xen: 'Xen framebuffer',
  vbox: 'VirtualBox video',
  qxl: 'QXL, the SPICE paravirtual display',
  virtio: 'virtio-gpu (virtio-vga when primary on x86)',
  gop: 'UEFI GOP framebuffer (bhyve)',
  none: 'no video device at all',
  bochs: 'Bochs display (no VGA legacy, good for UEFI)',
  ramfb: 'a RAM framebuffer for boot display',
} as const;
export type VideoModel = keyof typeof VIDEO_MODELS;

export interface Video extends DeviceCommon {
  model?: {
    type?: VideoModel;
    vram?: number;
    ram?: number;
    vgamem?: number;
    vram64?: number;
    heads?: number;
    primary?: boolean;
    acceleration?: { accel3d?: boolean; accel2d?: boolean; rendernode?: string };
    resolution?: { x?: number; y?: number };
    node: XmlElement;
  };
  driver?: { name?: string; vgaconf?: string; node: XmlElement };
}

export function parseVideo(node: XmlElement): Video {
  const model = firstChild(node, 'model');
  const driver = firstChild(node, 'driver');
  const acceleration = model === undefined ? undefined : firstChild(model, 'acceleration');
  const resolution = model === undefined ? undefined : firstChild(model, 'resolution');
  return {
    node,
    address: deviceAddress(node),
    alias: deviceAlias(node),
    model:
      model === undefined
        ? undefined
        : {
            type: read.enum(model, 'type', VIDEO_MODELS),
            vram: read.unsigned(model, 'vram'),
            ram: read.unsigned(model, 'ram'),
            vgamem: read.unsigned(model, 'vgamem'),
            vram64: read.unsigned(model, 'vram64'),
            heads: read.unsigned(model, 'heads'),
            primary: read.boolean(model, 'primary'),
            acceleration:
              acceleration === undefined
                ? undefined
                : {
                    accel3d: read.boolean(acceleration, 'accel3d'),
                    accel2d: read.boolean(acceleration, 'accel2d'),
                    rendernode: read.string(acceleration, 'rendernode'),
                  },
            resolution: resolution === undefined ? undefined : { x: read.unsigned(resolution, 'x'), y: read.unsigned(resolution, 'y') },
            node: model,
          },
    driver: driver === undefined ? undefined : { name: read.string(driver, 'name'), vgaconf: read.string(driver, 'vgaconf'), node: driver },
  };
}
