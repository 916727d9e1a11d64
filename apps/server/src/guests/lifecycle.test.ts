import type { QmpEvent } from '@virtdeck/qmp';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIFECYCLE_ACTIONS, onQmpEvent, pausedBy, stateFromRunState, type EventContext, type LifecycleActions } from './lifecycle.js';

const event = (name: string, data: Record<string, unknown> = {}): QmpEvent => ({ event: name, data, timestamp: { seconds: 1, microseconds: 0 } });
const running = (actions: Partial<LifecycleActions> = {}, extra: Partial<EventContext> = {}): EventContext => ({
  state: 'running',
  reason: 'booted',
  rebootRequested: false,
  afterHostReset: false,
  restarting: false,
  dumping: false,
  pauseRequested: false,
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
    expect(onQmpEvent(event('STOP'), running({}, { pauseRequested: true }))).toMatchObject({ state: 'paused', event: 'suspended' });
    expect(onQmpEvent(event('RESET', { guest: false, reason: 'host-qmp-system-reset' }), running())).toMatchObject({ event: 'reset', detail: 'reset from the host' });
  });

  it("keeps the RESUME of the cont after a watchdog's dump out of the event log: the server says running itself", () => {
    const dumping = running({}, { state: 'paused', reason: 'dumping', dumping: true });
    expect(onQmpEvent(event('RESUME'), dumping)).toBeUndefined();
    // A guest left paused (dumping) by a server restart is resumed by a user's Resume as any other.
    expect(onQmpEvent(event('RESUME'), { ...dumping, dumping: false })).toMatchObject({ state: 'running', reason: 'user', event: 'resumed' });
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
    expect(onQmpEvent(event('STOP'), running({}, { pauseRequested: true }))).toEqual({ state: 'paused', reason: 'user', event: 'suspended' });
    expect(onQmpEvent(event('RESUME'), running({}, { state: 'paused', reason: 'user' }))).toMatchObject({ state: 'running', event: 'resumed' });
    // The STOP that follows a power-off under -no-shutdown is not a pause.
    expect(onQmpEvent(event('STOP'), running({}, { state: 'shutdown', reason: 'shutdown' }))).toBeUndefined();
    const ioError = event('BLOCK_IO_ERROR', { device: 'virtio-disk0', operation: 'write', action: 'stop', reason: 'No space left on device', nospace: true });
    expect(onQmpEvent(ioError, running())).toMatchObject({
      state: 'paused',
      reason: 'io-error',
      error: 'QEMU paused the guest: write error on virtio-disk0: No space left on device (no space left). Resume once the disk can be used again (its error_policy is stop).',
    });
    expect(onQmpEvent(event('BLOCK_IO_ERROR', { device: 'd', operation: 'read', action: 'report', reason: 'x' }), running())).toBeUndefined();
  });

  it('asks QEMU why when the CPUs stopped without the server asking', () => {
    expect(onQmpEvent(event('STOP'), running())).toEqual({ followUp: { kind: 'why-paused' } });
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

/** The end of QEMU 7.2's log after KVM_EXIT_INTERNAL_ERROR (kvm_handle_internal_error, then the vCPU's registers). */
const KVM_INTERNAL_ERROR_LOG = `2026-12-04T18:22:48.389500Z qemu-system-x86_64: warning: host doesn't support requested feature: CPUID.01H:ECX.pni [bit 0]
KVM internal error. Suberror: 1
extra data[0]: 0x0000000000000000
emulation failure
RAX=0000000000000000 RBX=0000000000000000 RCX=0000000000000000 RDX=0000000000000663
EFL=00000002 [-------] CPL=0 II=0 A20=1 SMM=0 HLT=0`;

describe('who stopped the CPUs, from the run state after a STOP the server did not ask for', () => {
  it('names an internal error with the line QEMU logged, and says Resume cannot go on from it', () => {
    expect(pausedBy('internal-error', KVM_INTERNAL_ERROR_LOG)).toEqual({
      reason: 'internal-error',
      detail: 'QEMU stopped the CPUs after an internal error (KVM internal error. Suberror: 1; emulation failure)',
      error: `QEMU stopped the CPUs after an internal error (KVM internal error. Suberror: 1; emulation failure). Resume cannot go on from there: Reset restarts the guest, Force off ends it. QEMU's log has the vCPU's registers.\nQEMU's log:\n${KVM_INTERNAL_ERROR_LOG}`,
    });
    expect(pausedBy('internal-error', 'KVM: entry failed, hardware error 0x80000021\n')?.detail).toBe('QEMU stopped the CPUs after an internal error (KVM: entry failed, hardware error 0x80000021)');
    expect(pausedBy('internal-error', '')).toMatchObject({
      detail: 'QEMU stopped the CPUs after an internal error',
      error: "QEMU stopped the CPUs after an internal error. Resume cannot go on from there: Reset restarts the guest, Force off ends it. QEMU's log has the vCPU's registers.",
    });
  });

  it('names a watchdog and a disk error, and takes a plain pause for someone’s request', () => {
    expect(pausedBy('watchdog', '')).toMatchObject({ reason: 'watchdog', error: expect.stringContaining("The guest's watchdog expired and QEMU paused it") });
    expect(pausedBy('io-error', '')).toMatchObject({ reason: 'io-error', error: expect.stringContaining('after a disk error') });
    expect(pausedBy('paused', '')).toEqual({ reason: 'user', detail: 'paused from outside virtdeck (QEMU: paused)' });
    expect(pausedBy('debug', '')?.error).toBeUndefined();
  });

  it('leaves a guest that went on, powered off or panicked to the events that said so', () => {
    expect(pausedBy('running', '')).toBeUndefined();
    expect(pausedBy('shutdown', '')).toBeUndefined();
    expect(pausedBy('guest-panicked', '')).toBeUndefined();
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
    expect(stateFromRunState('io-error', actions, undefined)).toMatchObject({ state: 'paused', reason: 'io-error' });
    // A pause of QEMU's own keeps its reason and what to do across a server restart.
    expect(stateFromRunState('internal-error', actions, { state: 'paused', reason: 'internal-error' }, KVM_INTERNAL_ERROR_LOG)).toEqual({
      state: 'paused',
      reason: 'internal-error',
      error: expect.stringContaining('after an internal error (KVM internal error. Suberror: 1; emulation failure)'),
    });
  });
});
