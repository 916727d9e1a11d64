import type { QmpEvent } from '@virtdeck/qmp';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIFECYCLE_ACTIONS, onQmpEvent, stateFromRunState, type EventContext, type LifecycleActions } from './lifecycle.js';

const event = (name: string, data: Record<string, unknown> = {}): QmpEvent => ({ event: name, data, timestamp: { seconds: 1, microseconds: 0 } });
const running = (actions: Partial<LifecycleActions> = {}, extra: Partial<EventContext> = {}): EventContext => ({
  state: 'running',
  reason: 'booted',
  rebootRequested: false,
  afterHostReset: false,
  restarting: false,
  actions: { ...DEFAULT_LIFECYCLE_ACTIONS, ...actions },
  ...extra,
});
const poweroff = event('SHUTDOWN', { guest: true, reason: 'guest-shutdown' });

describe('the QMP event table', () => {
  it('turns a guest power-off into shutdown, then what on_poweroff says', () => {
    expect(onQmpEvent(poweroff, running())).toMatchObject({
      state: 'shutdown',
      reason: 'shutdown',
      event: 'powered-off',
      followUp: { kind: 'destroy', reason: 'shutdown' },
      poweringOff: true,
    });
    expect(onQmpEvent(poweroff, running({ onPoweroff: 'restart' }))?.followUp).toEqual({ kind: 'restart' });
    const preserved = onQmpEvent(poweroff, running({ onPoweroff: 'preserve' }));
    expect(preserved).toMatchObject({ state: 'shutdown', reason: 'shutdown' });
    expect(preserved?.followUp).toBeUndefined();
  });

  it('turns the power-off of a requested reboot into a restart, whatever on_poweroff says', () => {
    const t = onQmpEvent(poweroff, running({ onPoweroff: 'destroy' }, { rebootRequested: true }));
    // The request logged 'reboot-requested'; the restart itself adds no line.
    expect(t).toEqual({ followUp: { kind: 'restart', quiet: true }, rebootDone: true });
  });

  it('keeps the STOP, host RESET and RESUME of a restart out of the state and the event log', () => {
    const restarting = running({}, { restarting: true });
    expect(onQmpEvent(event('STOP'), restarting)).toBeUndefined();
    expect(onQmpEvent(event('RESET', { guest: false, reason: 'host-qmp-system-reset' }), restarting)).toBeUndefined();
    expect(onQmpEvent(event('RESUME'), { ...restarting, state: 'paused', reason: 'user' })).toBeUndefined();
    // Outside a restart they are what they say.
    expect(onQmpEvent(event('STOP'), running())).toMatchObject({ state: 'paused', event: 'suspended' });
    expect(onQmpEvent(event('RESET', { guest: false, reason: 'host-qmp-system-reset' }), running())).toMatchObject({ event: 'reset', detail: 'reset from the host' });
  });

  it('treats a reboot under -no-reboot as on_reboot says', () => {
    const reboot = event('SHUTDOWN', { guest: true, reason: 'guest-reset' });
    expect(onQmpEvent(reboot, running({ onReboot: 'destroy' }))).toMatchObject({ state: 'shutdown', followUp: { kind: 'destroy', reason: 'shutdown' } });
    expect(onQmpEvent(reboot, running({ onReboot: 'preserve' }))?.followUp).toBeUndefined();
    expect(onQmpEvent(reboot, running())?.state).toBeUndefined();
  });

  it('marks a panic crashed and follows on_crash, coredumps included', () => {
    const panic = event('GUEST_PANICKED', { action: 'pause' });
    expect(onQmpEvent(panic, running())).toMatchObject({ state: 'crashed', reason: 'crashed', event: 'panicked', followUp: { kind: 'destroy', reason: 'crashed' } });
    expect(onQmpEvent(panic, running({ onCrash: 'restart' }))?.followUp).toEqual({ kind: 'restart' });
    expect(onQmpEvent(panic, running({ onCrash: 'preserve' }))?.followUp).toBeUndefined();
    expect(onQmpEvent(panic, running({ onCrash: 'coredump-destroy' }))?.followUp).toEqual({ kind: 'coredump', then: 'destroy' });
    expect(onQmpEvent(panic, running({ onCrash: 'coredump-restart' }))?.followUp).toEqual({ kind: 'coredump', then: 'restart' });
    // QEMU follows GUEST_PANICKED with SHUTDOWN(guest-panic): one crash, not two.
    expect(onQmpEvent(event('SHUTDOWN', { guest: true, reason: 'guest-panic' }), running({}, { state: 'crashed', reason: 'crashed' }))).toBeUndefined();
  });

  it('pauses and resumes', () => {
    expect(onQmpEvent(event('STOP'), running())).toMatchObject({ state: 'paused', reason: 'user', event: 'suspended' });
    expect(onQmpEvent(event('RESUME'), running({}, { state: 'paused', reason: 'user' }))).toMatchObject({ state: 'running', event: 'resumed' });
    // The STOP that follows a power-off under -no-shutdown is not a pause.
    expect(onQmpEvent(event('STOP'), running({}, { state: 'shutdown', reason: 'shutdown' }))).toBeUndefined();
    const ioError = event('BLOCK_IO_ERROR', { device: 'virtio-disk0', operation: 'write', action: 'stop', reason: 'No space left on device', nospace: true });
    expect(onQmpEvent(ioError, running())).toMatchObject({ state: 'paused', reason: 'io-error' });
    expect(onQmpEvent(event('BLOCK_IO_ERROR', { device: 'd', operation: 'read', action: 'report', reason: 'x' }), running())).toBeUndefined();
  });

  it('logs resets, and brings a guest that ignored its shutdown request back to running', () => {
    const reset = event('RESET', { guest: true, reason: 'guest-reset' });
    expect(onQmpEvent(reset, running())).toMatchObject({ state: 'running', reason: 'reset', event: 'reset' });
    expect(onQmpEvent(reset, running({}, { state: 'shutdown', reason: 'user' }))).toMatchObject({ state: 'running', reason: 'reset' });
    // The reset that restarts a powered-off guest is part of the restart.
    expect(onQmpEvent(event('RESET', { guest: false, reason: 'host-qmp-system-reset' }), running({}, { state: 'shutdown', reason: 'shutdown' }))).toBeUndefined();
    // Reverting to a snapshot resets the machine it then loads: the state is the snapshot's, not a reset's.
    expect(onQmpEvent(event('RESET', { guest: false, reason: 'snapshot-load' }), running({}, { state: 'paused', reason: 'user' }))).toEqual({ event: 'reset', detail: "the guest's state was loaded from a snapshot" });
    // So is the firmware's own reset right after a reset from the host.
    expect(onQmpEvent(reset, running({ onReboot: 'destroy' }, { afterHostReset: true }))).toBeUndefined();
  });

  it('applies on_reboot to a reboot QEMU carried out by itself', () => {
    const reboot = event('RESET', { guest: true, reason: 'guest-reset' });
    expect(onQmpEvent(reboot, running({ onReboot: 'destroy' }))).toMatchObject({ state: 'shutdown', reason: 'shutdown', followUp: { kind: 'destroy', reason: 'shutdown' } });
    expect(onQmpEvent(reboot, running({ onReboot: 'preserve' }))).toMatchObject({ state: 'shutdown', followUp: { kind: 'pause' } });
    expect(onQmpEvent(reboot, running({ onReboot: 'destroy' }, { rebootRequested: true }))).toMatchObject({ event: 'reset', rebootDone: true });
    expect(onQmpEvent(reboot, running({ onReboot: 'destroy' }, { rebootRequested: true }))?.followUp).toBeUndefined();
  });

  it('notes that QEMU quits on a signal, and ignores events it does not know', () => {
    expect(onQmpEvent(event('SHUTDOWN', { guest: false, reason: 'host-signal' }), running())).toEqual({ quitting: 'destroyed' });
    expect(onQmpEvent(event('NIC_RX_FILTER_CHANGED'), running())).toBeUndefined();
    expect(onQmpEvent(event('toString'), running())).toBeUndefined();
  });
});

describe('the state of a QEMU found again', () => {
  const actions = DEFAULT_LIFECYCLE_ACTIONS;
  it('keeps the recorded reason when the state is unchanged', () => {
    expect(stateFromRunState('running', actions, { state: 'running', reason: 'booted' })).toEqual({ state: 'running', reason: 'booted' });
    expect(stateFromRunState('running', actions, { state: 'paused', reason: 'user' })).toEqual({ state: 'running', reason: 'reconnected' });
    expect(stateFromRunState('paused', actions, { state: 'paused', reason: 'user' })).toEqual({ state: 'paused', reason: 'user' });
  });

  it('applies on_poweroff and on_crash for what happened while nobody listened', () => {
    expect(stateFromRunState('shutdown', actions, undefined)).toMatchObject({ state: 'shutdown', followUp: { kind: 'destroy', reason: 'shutdown' } });
    expect(stateFromRunState('guest-panicked', { ...actions, onCrash: 'preserve' }, undefined)).toEqual({ state: 'crashed', reason: 'crashed' });
    expect(stateFromRunState('prelaunch', actions, undefined)).toMatchObject({ startUnfinished: true });
    expect(stateFromRunState('io-error', actions, undefined)).toEqual({ state: 'paused', reason: 'io-error' });
  });
});
