/** <video>: video cards. */
import { VIDEO_MODELS } from '../../model/devices/video.js';
import { onOff, virtioOptions, yesNo } from '../common.js';
import { attr, data, element, one, oneOf, required } from '../types.js';
import { placement } from './common.js';

export const videoSpec = element('a video card', {
  children: {
    ...placement,
    driver: one(
      element('video driver options', {
        attributes: {
          name: attr('qemu or vhostuser', oneOf({ qemu: 'QEMU', vhostuser: 'vhost-user-gpu' })),
          vgaconf: attr('VGA configuration (bhyve)', oneOf({ io: 'io', on: 'on', off: 'off' })),
          ...virtioOptions,
        },
      }),
    ),
    model: one(
      element('the video card model', {
        attributes: {
          type: required('the card', oneOf(VIDEO_MODELS)),
          vram: attr('video memory, KiB', data('uint')),
          heads: attr('number of screens', data('uint')),
          primary: yesNo('the primary video card'),
          blob: onOff('blob resources (virtio)'),
        },
        variants: {
          attribute: 'type',
          cases: {
            qxl: { attributes: { ram: attr('QXL RAM bar, KiB', data('uint')), vgamem: attr('QXL VGA framebuffer, KiB', data('uint')), vram64: attr('64-bit video memory, KiB', data('uint')) } },
          },
        },
        children: {
          acceleration: one(
            element('acceleration', {
              attributes: { accel3d: yesNo('3D'), accel2d: yesNo('2D'), rendernode: attr('the render node', data('absPath')) },
            }),
          ),
          resolution: one(element('the initial resolution', { attributes: { x: required('width', data('uint')), y: required('height', data('uint')) } })),
        },
      }),
    ),
  },
});
