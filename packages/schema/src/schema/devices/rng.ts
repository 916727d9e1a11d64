/** <rng>: virtio random number generators. */
import { CHARDEV_TYPES } from '../../model/devices/chardev.js';
import { VIRTIO_MODELS } from '../../model/devices/controller.js';
import { RNG_BACKEND_MODELS } from '../../model/devices/rng.js';
import { chardevCommonChildren, driverVirtioOnly } from '../common.js';
import { attr, data, element, type ElementSpec, many, must, one, oneOf, required } from '../types.js';
import { placement } from './common.js';

export const rngSpec = element('a random number generator (virtio-rng)', {
  attributes: { model: required('the virtio variant', oneOf(VIRTIO_MODELS)) },
  children: {
    ...placement,
    driver: one(driverVirtioOnly),
    rate: one(element('a rate limit', { attributes: { bytes: required('bytes per period', data('positive')), period: attr('the period, ms', data('positive')) } })),
    backend: must(
      element('where the entropy comes from', {
        attributes: { model: required('the backend', oneOf(RNG_BACKEND_MODELS)) },
        variants: {
          attribute: 'model',
          cases: {
            random: { text: data('absPath'), textOptional: true },
            egd: {
              attributes: { type: required('the character device backend', oneOf(CHARDEV_TYPES)) },
              children: { source: many(chardevCommonChildren.source.spec as ElementSpec), protocol: chardevCommonChildren.protocol, log: chardevCommonChildren.log },
            },
            builtin: {},
          },
        },
      }),
    ),
  },
});
