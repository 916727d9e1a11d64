import { describe, expect, it } from 'vitest';
import { REASON_WORDS, reasonWords } from './reasonWords';

describe('reasons in words', () => {
  it('says why QEMU paused a guest by itself instead of its reason code', () => {
    expect(reasonWords('internal-error')).toBe('QEMU stopped it after an internal error');
    expect(reasonWords('io-error')).toBe('QEMU stopped it after a disk error');
    expect(reasonWords('watchdog')).toBe("the guest's watchdog expired");
    // virtdeck's own <watchdog action='dump'> and a libvirt guest's virsh dump alike.
    expect(reasonWords('dumping')).toBe('writing a memory dump');
    expect(reasonWords('user')).toBe('on request');
  });

  it('gives each reason its own words, none of them a code', () => {
    const words = Object.values(REASON_WORDS);
    expect(new Set(words).size).toBe(words.length);
    for (const w of words) expect(w).not.toMatch(/^[a-z]+-[a-z]+$/);
  });
});
