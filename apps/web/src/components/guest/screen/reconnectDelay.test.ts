import { describe, expect, it } from 'vitest';
import { reconnectDelay } from './reconnectDelay';

describe('reconnect backoff', () => {
  it('doubles from half a second and stops growing at 15 s', () => {
    const noJitter = () => 0;
    expect([1, 2, 3, 4, 5, 6, 7, 20].map((attempt) => reconnectDelay(attempt, noJitter))).toEqual([500, 1000, 2000, 4000, 8000, 15000, 15000, 15000]);
  });

  it('takes up to a quarter off at random, so viewers cut off together spread out', () => {
    expect(reconnectDelay(3, () => 0.999)).toBe(1501);
    expect(reconnectDelay(3, () => 0.5)).toBe(1750);
  });
});
