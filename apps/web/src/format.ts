/** Human-readable numbers for the dashboard and the graphs. */

const BINARY_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < BINARY_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${BINARY_UNITS[unit]}`;
}

export const formatRate = (bytesPerSecond: number): string => `${formatBytes(bytesPerSecond)}/s`;

export const formatMemoryKiB = (kib: number): string => formatBytes(kib * 1024);

export const formatVcpus = (count: number): string => `${count} ${count === 1 ? 'vCPU' : 'vCPUs'}`;

export const formatPercent = (percent: number): string => `${percent < 10 ? percent.toFixed(1) : Math.round(percent)}%`;

const two = (n: number) => String(n).padStart(2, '0');

/**
 * "12:03:04" for today, "2026-11-27 12:03" otherwise, in local time. Written out by hand:
 * the first toLocaleString() of a page loads locale data, which cost a guest page 60-100 ms.
 */
export function formatTime(iso: string | number, now = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  const time = `${two(date.getHours())}:${two(date.getMinutes())}`;
  const sameDay = date.getFullYear() === now.getFullYear() && date.getMonth() === now.getMonth() && date.getDate() === now.getDate();
  return sameDay ? `${time}:${two(date.getSeconds())}` : `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${time}`;
}

/** "2026-11-27 12:03:04" in local time, whatever the day: an event log's rows are read across days. */
export function formatDateTime(iso: string | number): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}
