import { describe, expect, it } from 'vitest';
import { LifeWatch, type LifeSample } from './signOfLife.js';

const SECOND = 1000;
const NS = 1e9;

/** Samples once a second; `cpu(t)` is QEMU's CPU time in seconds at t seconds. */
function run(watch: LifeWatch, seconds: number, sample: (t: number) => Partial<LifeSample> = () => ({})): string[] {
  const verdicts: string[] = [];
  for (let t = 0; t <= seconds; t++) verdicts.push(watch.observe({ elapsedMs: t * SECOND, serialBytes: 0, cpuTimeNs: 0, ...sample(t) }));
  return verdicts;
}

describe('LifeWatch', () => {
  it('calls a guest silent when nothing happened for the whole time, and not before', () => {
    const watch = new LifeWatch({ silentAfterMs: 30 * SECOND });
    const verdicts = run(watch, 30, (t) => ({ cpuTimeNs: Math.min(t, 2) * NS * 0.9 + t * 0.001 * NS }));
    expect(verdicts.slice(0, 30).every((v) => v === 'waiting')).toBe(true);
    expect(verdicts[30]).toBe('silent');
  });

  it('takes one byte of serial output as a sign of life, for the rest of the run', () => {
    const watch = new LifeWatch({ silentAfterMs: 10 * SECOND });
    expect(run(watch, 3)[3]).toBe('waiting');
    expect(watch.observe({ elapsedMs: 4 * SECOND, serialBytes: 1, cpuTimeNs: 0 })).toBe('alive');
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
    expect(run(computing, 30, (t) => ({ cpuTimeNs: t * 0.8 * NS })).at(-1)).toBe('alive');

    const firmwareBusy = new LifeWatch({ silentAfterMs: 30 * SECOND });
    expect(run(firmwareBusy, 30, (t) => ({ cpuTimeNs: Math.min(t, 5) * NS })).at(-1)).toBe('silent');
  });
});
