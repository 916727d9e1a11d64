import { usePendingValue } from '../common/usePendingValue';

/** A select over a few common values that still shows (and keeps) an uncommon one from the XML. */
export function Choice({
  value,
  choices,
  descriptions,
  onChange,
  label,
}: {
  value: string | undefined;
  choices: readonly string[];
  /** The schema table the choices come from: each value's line, shown on hover. */
  descriptions?: Readonly<Record<string, string>>;
  onChange: (value: string) => Promise<void>;
  label?: string;
}) {
  const [current, choose] = usePendingValue(value ?? '');
  return (
    <select value={current} onChange={(e) => choose(e.target.value, onChange(e.target.value))} aria-label={label}>
      {current === '' ? <option value="">default</option> : null}
      {current !== '' && !choices.includes(current) ? <option value={current}>{current}</option> : null}
      {choices.map((c) => (
        <option key={c} value={c} title={descriptions?.[c]}>
          {c}
        </option>
      ))}
    </select>
  );
}
