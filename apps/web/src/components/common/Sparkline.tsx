import { memo } from 'react';

/** A tiny line of recent values, for the dashboard: no axes, just the shape and the latest value. */
export const Sparkline = memo(function Sparkline({ values, max, label, width = 120, height = 28 }: { values: readonly number[]; max: number; label: string; width?: number; height?: number }) {
  const top = Math.max(max, ...values);
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(height - 1 - (v / (top || 1)) * (height - 2)).toFixed(1)}`).join(' ');
  return (
    <svg className="sparkline" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
      <line x1="0" y1={height - 0.5} x2={width} y2={height - 0.5} className="sparkline-base" />
      {values.length > 1 ? <polyline points={points} className="sparkline-line" /> : null}
    </svg>
  );
});
