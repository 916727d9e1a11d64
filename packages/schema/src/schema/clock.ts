/** <clock> and its timers. */
import { CLOCK_BASES, CLOCK_OFFSETS, TIMER_MODES, TIMER_NAMES, TIMER_TICKPOLICIES, TIMER_TRACKS } from '../model/clock.js';
import { yesNo } from './common.js';
import { attr, data, element, many, one, oneOf, required } from './types.js';

export const timerSpec = element('a guest timer', {
  attributes: {
    name: required('the timer', oneOf(TIMER_NAMES)),
    present: yesNo('whether the guest has this timer'),
  },
  variants: {
    attribute: 'name',
    cases: {
      platform: { attributes: { track: attr('what the timer tracks', oneOf(TIMER_TRACKS)), tickpolicy: attr('what to do with missed ticks', oneOf(TIMER_TICKPOLICIES)) } },
      rtc: { attributes: { track: attr('what the timer tracks', oneOf(TIMER_TRACKS)), tickpolicy: attr('what to do with missed ticks', oneOf(TIMER_TICKPOLICIES)) } },
      tsc: {
        attributes: {
          tickpolicy: attr('what to do with missed ticks', oneOf(TIMER_TICKPOLICIES)),
          frequency: attr('the TSC frequency in Hz', data('ulong')),
          mode: attr('how the TSC is provided', oneOf(TIMER_MODES)),
        },
      },
      hpet: { attributes: { tickpolicy: attr('what to do with missed ticks', oneOf(TIMER_TICKPOLICIES)) } },
      pit: { attributes: { tickpolicy: attr('what to do with missed ticks', oneOf(TIMER_TICKPOLICIES)) } },
      armvtimer: { attributes: { tickpolicy: attr('what to do with missed ticks', oneOf(TIMER_TICKPOLICIES)) } },
      kvmclock: {},
      hypervclock: {},
    },
  },
  children: {
    catchup: one(
      element('how missed ticks are caught up', {
        attributes: { threshold: attr('threshold', data('uint')), slew: attr('slew', data('uint')), limit: attr('limit', data('uint')) },
      }),
    ),
  },
  constraints: [{ kind: 'requires', when: 'catchup', then: ['@tickpolicy=catchup'], message: "<catchup> is only used with tickpolicy='catchup'." }],
});
export const clockSpec = element('the guest clock and its timers', {
  attributes: { offset: required('how the guest clock relates to the host clock', oneOf(CLOCK_OFFSETS)) },
  variants: {
    attribute: 'offset',
    cases: {
      utc: { attributes: { adjustment: attr("seconds to add, or 'reset'", data('string')) } },
      localtime: { attributes: { adjustment: attr("seconds to add, or 'reset'", data('string')) } },
      timezone: { attributes: { timezone: attr('the time zone, such as Europe/Paris', data('timeZone')) } },
      variable: {
        attributes: { adjustment: attr('seconds to add', data('timeDelta')), basis: attr('what the adjustment is relative to', oneOf(CLOCK_BASES)) },
      },
      absolute: { attributes: { start: required('the start time, seconds since the epoch', data('ulong')) } },
    },
  },
  children: { timer: many(timerSpec) },
});
