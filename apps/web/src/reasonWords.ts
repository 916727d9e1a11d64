import type { StateReason } from './api/types';

/**
 * Why a guest is in its state, in words: the guest page's summary line and the dashboard's
 * state badge both say it from here, so a guest QEMU paused by itself reads the same on both.
 */
export const REASON_WORDS = {
  defined: 'never started',
  booted: 'started',
  user: 'on request',
  destroyed: 'forced off',
  shutdown: 'the guest powered off',
  crashed: 'QEMU died or the guest panicked',
  failed: 'the start failed',
  reset: 'reset',
  reconnected: 'found again after a server restart',
  'migrated-state': 'restored from a saved state',
  'io-error': 'QEMU stopped it after a disk error',
  'internal-error': 'QEMU stopped it after an internal error',
  watchdog: "the guest's watchdog expired",
  migrating: 'libvirt is migrating it',
  'migration-failed': 'its post-copy migration failed',
  saving: 'libvirt is saving it',
  dumping: 'writing a memory dump',
  snapshot: 'libvirt is taking a snapshot',
  'shutting-down': 'it is shutting down',
  'starting-up': 'libvirt is starting it',
  'api-error': 'a libvirt call failed',
  unknown: 'libvirt does not know why',
  'bad-file': 'its definition file is not usable',
} as const satisfies Record<StateReason, string>;

export const reasonWords = (reason: StateReason): string => REASON_WORDS[reason];
