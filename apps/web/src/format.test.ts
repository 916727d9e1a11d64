import { describe, expect, it } from 'vitest';
import { formatBytes, formatDateTime, formatMemoryKiB, formatPercent, formatRate, formatTime, formatVcpus } from './format';

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

  it('writes an event’s date with its time, today’s too', () => {
    const today = new Date();
    today.setHours(9, 5, 7);
    const day = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
    expect(formatDateTime(today.toISOString())).toBe(`${day} 09:05:07`);
    expect(formatDateTime('not a time')).toBe('not a time');
  });

  it('counts vCPUs in words', () => {
    expect(formatVcpus(1)).toBe('1 vCPU');
    expect(formatVcpus(2)).toBe('2 vCPUs');
  });
});
