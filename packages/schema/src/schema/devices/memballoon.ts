/** <memballoon>: the memory balloon. */
import { MEMBALLOON_MODELS } from '../../model/devices/memballoon.js';
import { driverVirtioOnly, onOff } from '../common.js';
import { data, element, one, oneOf, required } from '../types.js';
import { placement } from './common.js';

export const memballoonSpec = element('the memory balloon', {
  attributes: {
    model: required('the balloon device', oneOf(MEMBALLOON_MODELS)),
    autodeflate: onOff('deflate when the guest runs out of memory'),
    freePageReporting: onOff('free page reporting'),
  },
  children: { ...placement, stats: one(element('statistics polling', { attributes: { period: required('seconds', data('positive')) } })), driver: one(driverVirtioOnly) },
});
