/** Sound cards and their HDA codecs; the PC speaker is a -machine property instead. */
import type { Sound, SOUND_CODECS } from '@virtdeck/schema';
import { hasDevice, pciBusProps, type BuildContext } from '../build/context.js';
import { jsonOption, type JsonObject, type QemuOption } from '../options.js';
import { usbBusProps } from './usb.js';
import { audioId } from './graphics.js';

const CODEC_DRIVERS: Record<string, string> = { duplex: 'hda-duplex', micro: 'hda-micro', output: 'hda-output' } satisfies Record<keyof typeof SOUND_CODECS, string>;

/** The audiodev of the PC speaker, for -machine pcspk-audiodev=. */
export function pcspkAudiodev(ctx: BuildContext): string | undefined {
  const pcspk = ctx.layout.sounds.find((s) => s.model === 'pcspk');
  return pcspk ? audioId(ctx, pcspk.audioId) : undefined;
}

function soundOptions(ctx: BuildContext, sound: Sound): QemuOption[] {
  const id = ctx.layout.alias.get(sound) ?? 'sound';
  const audiodev = audioId(ctx, sound.audioId);
  const pci = pciBusProps(ctx, ctx.layout.pci.get(sound));
  const device = (props: JsonObject): QemuOption => {
    const driver = String(props.driver);
    if (!hasDevice(ctx, driver)) ctx.diagnostics.error('device-model-unknown', sound.node, `This QEMU has no '${driver}' sound device.`);
    return { flag: '-device', value: jsonOption(props) };
  };
  switch (sound.model) {
    case 'pcspk':
      return [];
    case 'es1370':
      return [device({ driver: 'ES1370', id, audiodev, ...pci })];
    case 'ac97':
      return [device({ driver: 'AC97', id, audiodev, ...pci })];
    case 'sb16':
      return [device({ driver: 'sb16', id, audiodev })];
    case 'usb':
      return [device({ driver: 'usb-audio', id, audiodev, multi: sound.multichannel, ...usbBusProps(ctx, sound) })];
    case 'ich6':
    case 'ich7':
    case 'ich9': {
      const options: QemuOption[] = [device({ driver: sound.model === 'ich9' ? 'ich9-intel-hda' : 'intel-hda', id, ...pci })];
      const codecs = sound.codecs.length > 0 ? sound.codecs.map((c) => c.type ?? 'duplex') : ['duplex'];
      codecs.forEach((codec, cad) => {
        const codecDriver = CODEC_DRIVERS[codec];
        if (!codecDriver) return;
        options.push({ flag: '-device', value: jsonOption({ driver: codecDriver, id: `${id}-codec${cad}`, bus: `${id}.0`, cad, audiodev }) });
      });
      return options;
    }
    default:
      ctx.diagnostics.unsupported(sound.node, `Sound model '${sound.model ?? '?'}'`, true);
      return [];
  }
}

export function buildSoundArgs(ctx: BuildContext): QemuOption[] {
  return ctx.layout.sounds.flatMap((sound) => soundOptions(ctx, sound));
}
