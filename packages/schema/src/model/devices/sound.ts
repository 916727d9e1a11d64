import { childElements, firstChild, type XmlElement } from '../../xml/tree.js';
import { deviceAddress, deviceAlias, type DeviceCommon } from '../address.js';
import { read } from '../values.js';

export const SOUND_MODELS = {
  ich6: 'Intel HD Audio (ICH6)',
  ich7: 'Intel HD Audio (ICH7)',
  ich9: 'Intel HD Audio (ICH9, q35)',
  ac97: 'Intel AC97',
  es1370: 'Ensoniq AudioPCI ES1370',
  sb16: 'Creative Sound Blaster 16 (ISA)',
  pcspk: 'the PC speaker',
  usb: 'USB audio',
  'virtio': 'virtio-sound',
} as const;
export type SoundModel = keyof typeof SOUND_MODELS;

export const SOUND_CODECS = {
  duplex: 'line in and line out',
  micro: 'microphone in and speaker out',
  output: 'line out only',
} as const;

export const AUDIO_TYPES = {
  none: 'no host audio: the guest sound device is silent',
  alsa: 'ALSA',
  coreaudio: 'CoreAudio (macOS)',
  jack: 'JACK',
  oss: 'OSS',
  pulseaudio: 'PulseAudio',
  sdl: 'SDL',
  spice: 'audio over the SPICE connection',
  file: 'write the audio to a WAV file',
  dbus: 'audio over D-Bus',
  pipewire: 'PipeWire',
} as const;
export type AudioType = keyof typeof AUDIO_TYPES;

export interface Sound extends DeviceCommon {
  model?: SoundModel;
  multichannel?: boolean;
  codecs: { type?: string; node: XmlElement }[];
  audioId?: number;
}

export interface Audio {
  id?: number;
  type?: AudioType;
  path?: string;
  serverName?: string;
  node: XmlElement;
}

export function parseSound(node: XmlElement): Sound {
  const audio = firstChild(node, 'audio');
  return {
    node,
    address: deviceAddress(node),
    alias: deviceAlias(node),
    codecs: childElements(node, 'codec').map((codec) => ({ type: read.string(codec, 'type'), node: codec })),
    model: read.enum(node, 'model', SOUND_MODELS),
    multichannel: read.boolean(node, 'multichannel'),
    audioId: audio === undefined ? undefined : read.number(audio, 'id'),
  };
}

export function parseAudio(node: XmlElement): Audio {
  return {
    id: read.number(node, 'id'),
    type: read.enum(node, 'type', AUDIO_TYPES),
    path: read.string(node, 'path'),
    serverName: read.string(node, 'serverName'),
    node,
  };
}
