import { childElements, firstChild, type XmlElement } from '../xml/tree.js';
import { read } from './values.js';

export const CLOCK_OFFSETS = {
  utc: 'the guest clock runs in UTC',
  localtime: 'the guest clock runs in the host time zone (Windows guests)',
  timezone: 'the guest clock runs in the time zone given by timezone=',
  variable: 'the guest clock is offset from UTC or localtime by adjustment= seconds',
  absolute: 'the guest clock starts at the time given by start= (epoch seconds)',
} as const;
export type ClockOffset = keyof typeof CLOCK_OFFSETS;

export const CLOCK_BASES = {
  utc: 'the adjustment is relative to UTC',
  localtime: 'the adjustment is relative to the host time zone',
} as const;

export const TIMER_NAMES = {
  platform: 'the master virtual time source',
  pit: 'the i8254 programmable interval timer',
  rtc: 'the real-time clock',
  hpet: 'the high precision event timer',
  tsc: 'the time stamp counter',
  kvmclock: 'the KVM paravirtual clock',
  hypervclock: 'the Hyper-V reference time counter',
  armvtimer: 'the ARM virtual timer',
} as const;
export type TimerName = keyof typeof TIMER_NAMES;

export const TIMER_TICKPOLICIES = {
  delay: 'ticks continue at the normal rate; late ticks are delivered late',
  catchup: 'missed ticks are delivered at a higher rate until caught up',
  merge: 'missed ticks are merged into one',
  discard: 'missed ticks are dropped',
} as const;
export type TimerTickPolicy = keyof typeof TIMER_TICKPOLICIES;

export const TIMER_TRACKS = {
  boot: 'track the time since boot',
  guest: 'track the guest time',
  wall: 'track the host wall clock',
  realtime: 'track the host real-time clock',
} as const;

export const TIMER_MODES = {
  auto: 'native if the host has a stable TSC, otherwise emulated',
  native: 'always native',
  emulate: 'always emulated',
  paravirt: 'native plus paravirtualization',
  smpsafe: 'always native, and SMP-safe',
} as const;

export interface Timer {
  name?: TimerName;
  present?: boolean;
  tickpolicy?: TimerTickPolicy;
  track?: string;
  frequency?: number;
  mode?: string;
  catchup?: { threshold?: number; slew?: number; limit?: number; node: XmlElement };
  node: XmlElement;
}

export interface Clock {
  node: XmlElement;
  offset?: ClockOffset;
  /** seconds, or `reset` */
  adjustment?: string;
  basis?: string;
  timezone?: string;
  start?: number;
  timers: Timer[];
}

export function parseClock(node: XmlElement | undefined): Clock | undefined {
  if (node === undefined) return undefined;
  return {
    node,
    offset: read.enum(node, 'offset', CLOCK_OFFSETS),
    adjustment: read.string(node, 'adjustment'),
    basis: read.string(node, 'basis'),
    timezone: read.string(node, 'timezone'),
    start: read.unsigned(node, 'start'),
    timers: childElements(node, 'timer').map((timer) => {
      const catchup = firstChild(timer, 'catchup');
      return {
        name: read.enum(timer, 'name', TIMER_NAMES),
        present: read.boolean(timer, 'present'),
        tickpolicy: read.enum(timer, 'tickpolicy', TIMER_TICKPOLICIES),
        track: read.string(timer, 'track'),
        frequency: read.unsigned(timer, 'frequency'),
        mode: read.string(timer, 'mode'),
        catchup:
          catchup === undefined
            ? undefined
            : {
                threshold: read.unsigned(catchup, 'threshold'),
                slew: read.unsigned(catchup, 'slew'),
                limit: read.unsigned(catchup, 'limit'),
                node: catchup,
              },
        node: timer,
      };
    }),
  };
}
