/** <input>: keyboards, mice, tablets, evdev passthrough. */
import { VIRTIO_MODELS } from '../../model/devices/controller.js';
import { GRAB_TOGGLES, INPUT_BUSES, INPUT_TYPES } from '../../model/devices/input.js';
import { driverVirtioOnly, onOff } from '../common.js';
import { attr, data, element, must, one, oneOf, required } from '../types.js';
import { placement } from './common.js';

export const inputSpec = element('a keyboard, mouse or tablet', {
  attributes: { type: required('the kind of input device', oneOf(INPUT_TYPES)), model: attr('the virtio variant', oneOf(VIRTIO_MODELS)) },
  children: { ...placement, driver: one(driverVirtioOnly) },
  variants: {
    attribute: 'type',
    cases: {
      mouse: { attributes: { bus: attr('the bus', oneOf(INPUT_BUSES)) } },
      tablet: { attributes: { bus: attr('the bus', oneOf(INPUT_BUSES)) } },
      keyboard: { attributes: { bus: attr('the bus', oneOf(INPUT_BUSES)) } },
      passthrough: {
        attributes: { bus: required('virtio', oneOf({ virtio: 'virtio-input' })) },
        children: { source: must(element('the host evdev device', { attributes: { evdev: required('the device', data('absPath')) } })) },
      },
      evdev: {
        children: {
          source: must(
            element('the host evdev device', {
              attributes: {
                dev: required('the device', data('absPath')),
                grab: attr('grab all input', oneOf({ all: 'all input' })),
                grabToggle: attr('the keys that toggle the grab', oneOf(GRAB_TOGGLES)),
                repeat: onOff('key repeat'),
              },
            }),
          ),
        },
      },
    },
  },
});
