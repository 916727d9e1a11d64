import type { GuestSummary } from '../api/types';

const QEMU_STATES: readonly GuestSummary['state'][] = ['running', 'paused', 'shutdown'];

/**
 * A guest as the server lists it, defined and never started; tests override what they need.
 * It is active (has QEMU) in the states that always have it, unless a test says otherwise.
 */
export const guestSummary = (name: string, over: Partial<GuestSummary> = {}): GuestSummary => ({
  host: 'local',
  name,
  state: 'shutoff',
  reason: 'defined',
  accelerator: 'qemu',
  vcpus: 1,
  memoryKiB: 262144,
  since: '2026-11-27T10:00:00.000Z',
  autostart: false,
  active: QEMU_STATES.includes(over.state ?? 'shutoff'),
  pendingChanges: false,
  tags: [],
  ...over,
});
