import { describe, expect, it } from 'vitest';
import { GUEST_STATES, guestCondition, isAllowed, offeredActions, type GuestOperation } from '../index.js';

describe('guest rules', () => {
  it('offers the buttons of each state in their order', () => {
    expect(offeredActions({ state: 'shutoff', active: false })).toEqual(['start']);
    expect(offeredActions({ state: 'crashed', active: false })).toEqual(['start']);
    expect(offeredActions({ state: 'crashed', active: true })).toEqual(['reset', 'destroy']);
    expect(offeredActions({ state: 'running', active: true })).toEqual(['shutdown', 'reboot', 'reset', 'suspend', 'destroy']);
    expect(offeredActions({ state: 'paused', active: true })).toEqual(['resume', 'destroy']);
    expect(offeredActions({ state: 'paused', reason: 'dumping', active: true })).toEqual(['destroy']);
    expect(offeredActions({ state: 'shutdown', reason: 'user', active: true })).toEqual(['destroy']);
    expect(offeredActions({ state: 'shutdown', reason: 'shutdown', active: true })).toEqual(['reset', 'destroy']);
    expect(offeredActions({ state: 'broken', active: false })).toEqual([]);
    // A start under way: QEMU exists while the state is still shutoff; only Force off cuts it short.
    expect(offeredActions({ state: 'shutoff', active: true })).toEqual(['destroy']);
  });

  it('keeps a guest whose QEMU exists, crashed and preserved included, from being deleted, renamed or cloned', () => {
    const kept = guestCondition({ state: 'crashed', active: true });
    expect(kept).toEqual({ state: 'crashed', qemu: true });
    for (const operation of ['delete', 'rename', 'clone', 'start'] as const) expect(isAllowed(operation, kept), operation).toBe(false);
    for (const operation of ['reset', 'destroy'] as const) expect(isAllowed(operation, kept), operation).toBe(true);
    const gone = guestCondition({ state: 'crashed', active: false });
    for (const operation of ['delete', 'rename', 'clone', 'start'] as const) expect(isAllowed(operation, gone), operation).toBe(true);
    expect(isAllowed('reset', gone)).toBe(false);
  });

  it('allows a broken guest only to be deleted', () => {
    const broken = guestCondition({ state: 'broken', active: false });
    const operations: GuestOperation[] = ['start', 'shutdown', 'destroy', 'reboot', 'reset', 'suspend', 'resume', 'delete', 'rename', 'clone'];
    expect(operations.filter((operation) => isAllowed(operation, broken))).toEqual(['delete']);
  });

  it('offers nothing the rules refuse, and Delete exactly where QEMU is gone', () => {
    for (const state of GUEST_STATES) {
      for (const active of [false, true]) {
        for (const reason of ['user', 'shutdown', 'crashed']) {
          const guest = { state, reason, active };
          const condition = guestCondition(guest);
          for (const action of offeredActions(guest)) expect(isAllowed(action, condition), `${action} when ${state}/${reason}/${active}`).toBe(true);
          expect(isAllowed('delete', condition)).toBe(!active);
        }
      }
    }
  });
});
