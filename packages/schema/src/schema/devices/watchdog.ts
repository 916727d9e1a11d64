/** <watchdog> devices. */
import { WATCHDOG_ACTIONS, WATCHDOG_MODELS } from '../../model/devices/watchdog.js';
import { attr, element, oneOf, required } from '../types.js';
import { placement } from './common.js';

export const watchdogSpec = element('a watchdog timer', {
  attributes: { model: required('the watchdog device', oneOf(WATCHDOG_MODELS)), action: attr('what to do when it fires', oneOf(WATCHDOG_ACTIONS)) },
  children: placement,
});
