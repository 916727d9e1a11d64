import { describe, expect, it } from 'vitest';
import { GUEST_STATES, guestCondition, isAllowed, offeredActions, type GuestOperation } from '../index.js';

describe('guest rules', () => {
  it('offers the buttons of each state in their order', () => {
    expect(offeredActions({ state: 'shutoff' })).toEqual(['start']);
    expect(offeredActions({ state: 'crashed' })).toEqual(['start']);
    expect(offeredActions({ state: 'crashed', pid: 4242 })).toEqual(['reset', 'destroy']);
    expect(offeredActions({ state: 'running' })).toEqual(['shutdown', 'reboot', 'reset', 'suspend', 'destroy']);
    expect(offeredActions({ state: 'paused' })).toEqual(['resume', 'destroy']);
    expect(offeredActions({ state: 'shutdown', reason: 'user' })).toEqual(['destroy']);
    expect(offeredActions({ state: 'shutdown', reason: 'shutdown' })).toEqual(['reset', 'destroy']);
    expect(offeredActions({ state: 'broken' })).toEqual([]);
    // A start under way: QEMU exists while the state is still shutoff; only Force off cuts it short.
    expect(offeredActions({ state: 'shutoff', pid: 4242 })).toEqual(['destroy']);
  });

  it('keeps a guest whose QEMU exists, crashed and preserved included, from being deleted, renamed or cloned', () => {
    const kept = guestCondition({ state: 'crashed', pid: 4242 });
    expect(kept).toEqual({ state: 'crashed', qemu: true });
    for (const operation of ['delete', 'rename', 'clone', 'start'] as const) expect(isAllowed(operation, kept), operation).toBe(false);
    for (const operation of ['reset', 'destroy'] as const) expect(isAllowed(operation, kept), operation).toBe(true);
    const gone = guestCondition({ state: 'crashed' });
    for (const operation of ['delete', 'rename', 'clone', 'start'] as const) expect(isAllowed(operation, gone), operation).toBe(true);
    expect(isAllowed('reset', gone)).toBe(false);
  });

  it('reads a summary without a pid (a libvirt host) as running QEMU in the running states', () => {
    expect(guestCondition({ state: 'running' }).qemu).toBe(true);
    expect(guestCondition({ state: 'paused' }).qemu).toBe(true);
    expect(guestCondition({ state: 'shutoff' }).qemu).toBe(false);
    expect(isAllowed('delete', guestCondition({ state: 'paused' }))).toBe(false);
  });

  it('allows a broken guest only to be deleted', () => {
    const broken = guestCondition({ state: 'broken' });
    const operations: GuestOperation[] = ['start', 'shutdown', 'destroy', 'reboot', 'reset', 'suspend', 'resume', 'delete', 'rename', 'clone'];
    expect(operations.filter((operation) => isAllowed(operation, broken))).toEqual(['delete']);
  });

  it('offers nothing the rules refuse, and Delete exactly where QEMU is gone', () => {
    for (const state of GUEST_STATES) {
      for (const pid of [undefined, 4242]) {
        for (const reason of ['user', 'shutdown', 'crashed']) {
          const guest = pid === undefined ? { state, reason } : { state, reason, pid };
          const condition = guestCondition(guest);
          for (const action of offeredActions(guest)) expect(isAllowed(action, condition), `${action} when ${state}/${reason}/${pid}`).toBe(true);
          expect(isAllowed('delete', condition)).toBe(!condition.qemu);
        }
      }
    }
  });
});
