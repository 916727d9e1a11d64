/** The q-quantile of samples (nearest rank); NaN for none. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

export const median = (samples: readonly number[]): number => quantile(samples, 0.5);

export const ms = (value: number): string => (Number.isNaN(value) ? 'n/a' : value < 10 ? `${value.toFixed(2)} ms` : `${value.toFixed(0)} ms`);
