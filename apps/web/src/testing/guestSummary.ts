import type { GuestSummary } from '../api/types';

/** A guest as the server lists it, defined and never started; tests override what they need. */
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
  pendingChanges: false,
  tags: [],
  ...over,
});
