import { describe, expect, it } from 'vitest';
import { binaryCeiling, niceCeiling, timeAxis } from './LineChart';

describe('chart scales', () => {
  it('rounds percentages to 1-2-5 steps', () => {
    expect([3, 10, 11, 42, 99, 0].map(niceCeiling)).toEqual([5, 10, 20, 50, 100, 1]);
  });

  it('rounds bytes to powers of two with some headroom', () => {
    expect(binaryCeiling(1024)).toBe(2048);
    expect(binaryCeiling(900)).toBe(1024);
    expect(binaryCeiling(256 * 1024)).toBe(512 * 1024);
  });

  it('labels the time axis at both edges and the middle, the newest sample on the right', () => {
    expect(timeAxis(1_000_000, 121, 1000)).toEqual([880_000, 940_000, 1_000_000]);
  });
});
