import { describe, expect, it } from 'vitest';
import { formatBytes, formatMemoryKiB, formatPercent, formatRate, formatTime } from './format';

describe('formatting', () => {
  it('writes sizes in binary units with sensible precision', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatMemoryKiB(262144)).toBe('256 MiB');
    expect(formatMemoryKiB(2 * 1024 * 1024)).toBe('2.00 GiB');
    expect(formatRate(10 * 1024 * 1024)).toBe('10.0 MiB/s');
  });

  it('writes percentages with a decimal only when small', () => {
    expect(formatPercent(3.14159)).toBe('3.1%');
    expect(formatPercent(42.6)).toBe('43%');
  });

  it('writes the time of day for today and the date otherwise', () => {
    const now = new Date(2026, 10, 27, 15, 0, 0);
    expect(formatTime(new Date(2026, 10, 27, 9, 5, 7).toISOString(), now)).toBe('09:05:07');
    expect(formatTime(new Date(2026, 10, 26, 23, 59, 0).getTime(), now)).toBe('2026-11-26 23:59');
    expect(formatTime('not a date', now)).toBe('not a date');
  });
});
