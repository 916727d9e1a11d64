import { describe, expect, it } from 'vitest';
import { LifeWatch, type LifeSample } from './signOfLife.js';

const SECOND = 1000;
const NS = 1e9;

/** Samples once a second; `sample(t)` gives what differs at t seconds (userCpuNs: QEMU's user-mode CPU time). */
function run(watch: LifeWatch, seconds: number, sample: (t: number) => Partial<LifeSample> = () => ({})): string[] {
  const verdicts: string[] = [];
  for (let t = 0; t <= seconds; t++) verdicts.push(watch.observe({ elapsedMs: t * SECOND, serialBytes: 0, userCpuNs: 0, ...sample(t) }));
  return verdicts;
}

describe('LifeWatch', () => {
  it('calls a guest silent when nothing happened for the whole time, and not before', () => {
    const watch = new LifeWatch({ silentAfterMs: 30 * SECOND });
    const verdicts = run(watch, 30, (t) => ({ userCpuNs: Math.min(t, 2) * NS * 0.9 + t * 0.001 * NS }));
    expect(verdicts.slice(0, 30).every((v) => v === 'waiting')).toBe(true);
    expect(verdicts[30]).toBe('silent');
  });

  it('takes one byte of serial output as a sign of life, for the rest of the run', () => {
    const watch = new LifeWatch({ silentAfterMs: 10 * SECOND });
    expect(run(watch, 3)[3]).toBe('waiting');
    expect(watch.observe({ elapsedMs: 4 * SECOND, serialBytes: 1, userCpuNs: 0 })).toBe('alive');
    expect(run(watch, 60).at(-1)).toBe('alive');
  });

  it('does not count what the firmware drew at first, but a later change of the screen', () => {
    const firmwareOnly = new LifeWatch({ silentAfterMs: 30 * SECOND });
    expect(run(firmwareOnly, 30, (t) => ({ screen: t < 2 ? 'blank' : 'Booting from ROM...' })).at(-1)).toBe('silent');

    const booting = new LifeWatch({ silentAfterMs: 30 * SECOND });
    expect(run(booting, 30, (t) => ({ screen: t < 12 ? 'Booting from ROM...' : t < 20 ? 'Linux version 6.1' : 'login:' })).at(-1)).toBe('alive');
  });

  it('does not take a blinking cursor on a hung screen as a sign of life', () => {
    const blinking = new LifeWatch({ silentAfterMs: 30 * SECOND });
    expect(run(blinking, 30, (t) => ({ screen: t < 3 ? 'blank' : `Booting from ROM...${t % 2 ? '_' : ' '}` })).at(-1)).toBe('silent');
  });

  it('takes busy vCPUs after the firmware as a sign of life, and the firmware\'s own CPU use not', () => {
    const computing = new LifeWatch({ silentAfterMs: 30 * SECOND });
    expect(run(computing, 30, (t) => ({ userCpuNs: t * 0.8 * NS })).at(-1)).toBe('alive');

    // A spinning TCG guest starved by npm test's load (13.6 on two cores) got 27% of a CPU, all in user mode.
    const starved = new LifeWatch({ silentAfterMs: 30 * SECOND });
    expect(run(starved, 30, (t) => ({ userCpuNs: t * 0.27 * NS })).at(-1)).toBe('alive');

    const firmwareBusy = new LifeWatch({ silentAfterMs: 30 * SECOND });
    expect(run(firmwareBusy, 30, (t) => ({ userCpuNs: Math.min(t, 5) * NS })).at(-1)).toBe('silent');
  });

  it('calls a hung KVM guest silent: its vCPU spins in the host kernel, so its user-mode time stays near nothing', () => {
    // Measured here: 0.02 to 0.04 s in user mode in 30 s, of 5 to 9.5 s of CPU time in all.
    const hung = new LifeWatch({ silentAfterMs: 30 * SECOND });
    expect(run(hung, 30, (t) => ({ userCpuNs: t * 0.0013 * NS })).at(-1)).toBe('silent');
  });

  it('calls a guest QEMU stopped for good silent when it had shown nothing, and an alive one alive', () => {
    const stopped = new LifeWatch({ silentAfterMs: 60 * SECOND });
    run(stopped, 10);
    expect(stopped.stoppedForGood()).toBe('silent');

    const alive = new LifeWatch({ silentAfterMs: 60 * SECOND });
    alive.observe({ elapsedMs: 2 * SECOND, serialBytes: 40, userCpuNs: 0 });
    expect(alive.stoppedForGood()).toBe('alive');
  });
});
