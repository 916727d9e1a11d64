/** Video cards. The first (primary) one gets the VGA-compatible model of its type. */
import type { Video } from '@virtdeck/schema';
import { hasDevice, pciBusProps, type BuildContext } from '../build/context.js';
import { videoType } from '../build/layout/deviceDefaults.js';
import { jsonOption, type JsonObject, type QemuOption } from '../options.js';

const KiB = 1024;

function videoProps(ctx: BuildContext, video: Video, primary: boolean): JsonObject | undefined {
  const type = videoType(video);
  const model = video.model;
  const id = ctx.layout.alias.get(video);
  const pci = pciBusProps(ctx, ctx.layout.pci.get(video));
  switch (type) {
    case 'cirrus':
    case 'vga':
    case 'vmvga':
    case 'bochs': {
      if (!primary && type !== 'bochs') {
        ctx.diagnostics.error('invalid-combination', video.node, `A ${type} card can only be the primary video device.`);
        return undefined;
      }
      const driver = type === 'cirrus' ? 'cirrus-vga' : type === 'vga' ? 'VGA' : type === 'vmvga' ? 'vmware-svga' : 'bochs-display';
      const props: JsonObject = { driver, id };
      if (type === 'vga' || type === 'vmvga') props.vgamem_mb = Math.floor((model?.vram ?? 16384) / KiB);
      if (type === 'bochs') props.vgamem = (model?.vram ?? 16384) * KiB;
      return { ...props, ...pci };
    }
    case 'qxl':
      return {
        driver: primary ? 'qxl-vga' : 'qxl',
        id,
        max_outputs: model?.heads ?? 1,
        ram_size: (model?.ram ?? 65536) * KiB,
        vram_size: (model?.vram ?? 65536) * KiB,
        vram64_size_mb: Math.floor((model?.vram64 ?? 0) / KiB),
        vgamem_mb: Math.floor((model?.vgamem ?? 16384) / KiB),
        ...pci,
      };
    case 'virtio': {
      const gl = model?.acceleration?.accel3d === true;
      const base = primary && ctx.machine.chipset !== 'other' && hasDevice(ctx, 'virtio-vga') ? 'virtio-vga' : 'virtio-gpu-pci';
      const driver = gl ? base.replace('virtio-vga', 'virtio-vga-gl').replace('virtio-gpu-pci', 'virtio-gpu-gl-pci') : base;
      return { driver, id, max_outputs: model?.heads ?? 1, ...pci };
    }
    case 'ramfb':
      return { driver: 'ramfb', id };
    case 'none':
      return undefined;
    default:
      ctx.diagnostics.unsupported(model?.node ?? video.node, `Video model '${type}'`, true);
      return undefined;
  }
}

export function buildVideoArgs(ctx: BuildContext): QemuOption[] {
  const options: QemuOption[] = [];
  ctx.layout.videos.forEach((video, i) => {
    const props = videoProps(ctx, video, i === 0);
    if (!props) return;
    const driver = String(props.driver);
    if (!hasDevice(ctx, driver)) ctx.diagnostics.error('device-model-unknown', video.model?.node ?? video.node, `This QEMU has no '${driver}' video device.`);
    options.push({ flag: '-device', value: jsonOption(props) });
  });
  return options;
}
