/** <sound> cards and the <audio> backends they use. */
import { AUDIO_TYPES, SOUND_CODECS, SOUND_MODELS } from '../../model/devices/sound.js';
import { driverVirtioOnly, yesNo } from '../common.js';
import { attr, data, element, many, one, oneOf, required } from '../types.js';
import { audioRef, placement } from './common.js';

export const soundSpec = element('a sound card', {
  attributes: { model: required('the sound card', oneOf(SOUND_MODELS)), multichannel: yesNo('multichannel (usb audio)'), streams: attr('streams (virtio)', data('uint')) },
  children: {
    ...placement,
    audio: one(audioRef),
    codec: many(element('an HDA codec', { attributes: { type: required('the codec', oneOf(SOUND_CODECS)) } })),
    driver: one(driverVirtioOnly),
  },
});
export const audioStream = element('settings of one direction', {
  attributes: {
    mixingEngine: yesNo('use the QEMU mixer'),
    fixedSettings: yesNo('fixed format'),
    voices: attr('voices', data('uint32')),
    bufferLength: attr('buffer length, µs', data('uint32')),
    dev: attr('the host device', data('string')),
    bufferCount: attr('buffers', data('uint32')),
    tryPoll: yesNo('try polling'),
    name: attr('the stream name', data('string')),
    streamName: attr('the stream name', data('string')),
    latency: attr('latency, µs', data('uint32')),
    serverName: attr('the server', data('string')),
    clientName: attr('the client name', data('string')),
    connectPorts: attr('ports to connect', data('string')),
    exactName: yesNo('use the exact name'),
  },
  children: {
    settings: one(
      element('the sample format', {
        attributes: {
          frequency: attr('Hz', data('uint32')),
          channels: attr('channels', data('uint32')),
          format: attr('sample format', oneOf({ s8: 's8', u8: 'u8', s16: 's16', u16: 'u16', s32: 's32', u32: 'u32', f32: 'f32' })),
        },
      }),
    ),
  },
});
export const audioSpec = element('a host audio backend for sound cards and displays', {
  attributes: {
    id: required('the id sound cards refer to', data('uint8')),
    type: required('the host audio system', oneOf(AUDIO_TYPES)),
    timerPeriod: attr('timer period, µs', data('uint32')),
  },
  children: { input: one(audioStream), output: one(audioStream) },
  variants: {
    attribute: 'type',
    cases: {
      oss: { attributes: { tryMMap: yesNo('try mmap'), exclusive: yesNo('exclusive access'), dspPolicy: attr('DSP policy', data('int')) } },
      pulseaudio: { attributes: { serverName: attr('the PulseAudio server', data('string')) } },
      pipewire: { attributes: { runtimeDir: attr('the runtime directory', data('absPath')) } },
      sdl: { attributes: { driver: attr('the SDL audio driver', oneOf({ esd: 'esd', alsa: 'ALSA', arts: 'aRts', pulseaudio: 'PulseAudio' })) } },
      file: { attributes: { path: attr('the WAV file', data('filePath')) } },
    },
  },
});
