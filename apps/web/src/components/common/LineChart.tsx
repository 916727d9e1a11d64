import { formatTime } from '../../format';

export interface ChartSeries {
  label: string;
  /** A CSS colour (a custom property follows the theme). */
  color: string;
  values: readonly number[];
}

const WIDTH = 480;
const HEIGHT = 140;
const PAD = { left: 4, right: 4, top: 8, bottom: 4 };

/**
 * A time series chart of the last samples (newest on the right), drawn as plain SVG:
 * the graphs need lines, a scale and a legend, not a charting library.
 */
export function LineChart({
  title,
  series,
  format,
  capacity,
  minMax = 1,
  binary = false,
  testId,
  end,
  sampleMs = 1000,
}: {
  title: string;
  series: readonly ChartSeries[];
  format: (value: number) => string;
  /** How many samples fill the width. */
  capacity: number;
  /** The scale never shrinks below this (so an idle guest's noise does not fill the chart). */
  minMax?: number;
  /** Round the scale to powers of two (bytes) rather than 1-2-5 steps (percent). */
  binary?: boolean;
  testId?: string;
  /** When the newest sample was taken (ms since the epoch): the time axis ends there. */
  end?: number;
  /** The time between two samples. */
  sampleMs?: number;
}) {
  const peak = Math.max(minMax, ...series.flatMap((s) => s.values));
  const max = binary ? binaryCeiling(peak) : niceCeiling(peak);
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const x = (i: number, count: number) => PAD.left + innerW - (count - 1 - i) * (innerW / Math.max(1, capacity - 1));
  const y = (v: number) => PAD.top + innerH - (v / max) * innerH;
  return (
    <figure className="chart" data-testid={testId}>
      <figcaption>
        <span className="chart-title">{title}</span>
        <span className="chart-legend">
          {series.map((s) => (
            <span key={s.label} className="chart-legend-item">
              <span className="chart-swatch" style={{ background: s.color }} />
              {s.label} <strong>{s.values.length > 0 ? format(s.values[s.values.length - 1] ?? 0) : '–'}</strong>
            </span>
          ))}
        </span>
      </figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="none" role="img" aria-label={`${title}, scale up to ${format(max)}`}>
        {[0.25, 0.5, 0.75].map((f) => (
          <line key={f} className="chart-grid" x1={PAD.left} x2={WIDTH - PAD.right} y1={y(max * f)} y2={y(max * f)} />
        ))}
        <line className="chart-axis" x1={PAD.left} x2={WIDTH - PAD.right} y1={y(0)} y2={y(0)} />
        {series.map((s) =>
          s.values.length > 1 ? (
            <polyline
              key={s.label}
              fill="none"
              style={{ stroke: s.color }}
              strokeWidth="1.5"
              vectorEffect="non-scaling-stroke"
              points={s.values.map((v, i) => `${x(i, s.values.length).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}
            />
          ) : null,
        )}
      </svg>
      <span className="chart-scale">{format(max)}</span>
      {end !== undefined ? (
        <div className="chart-time-axis" data-testid={testId ? `${testId}-time-axis` : undefined}>
          {timeAxis(end, capacity, sampleMs).map((t) => (
            <time key={t} dateTime={new Date(t).toISOString()}>
              {formatTime(t)}
            </time>
          ))}
        </div>
      ) : null}
    </figure>
  );
}

/** The next power of two, with a little headroom so a flat line does not sit on the top edge. */
export function binaryCeiling(value: number): number {
  if (!(value > 0)) return 1;
  return 2 ** Math.ceil(Math.log2(value * 1.1));
}

/** 1, 2 or 5 times a power of ten. */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (value <= step * power) return step * power;
  return 10 * power;
}

/** The times at the left edge, the middle and the right edge of a chart whose newest sample is at `end`. */
export function timeAxis(end: number, capacity: number, sampleMs: number): [number, number, number] {
  const span = (capacity - 1) * sampleMs;
  return [end - span, end - span / 2, end];
}
