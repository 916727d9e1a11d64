import { useState, type InputHTMLAttributes } from 'react';
import { usePendingValue } from '../common/usePendingValue';

/**
 * A text or number field that edits the XML when the person is done (Enter or leaving the
 * field), not on every keystroke: each commit is one undoable edit of the definition, and
 * the field never fights the cursor while the worker catches up. Escape puts it back.
 */
export function CommitInput({
  value,
  onCommit,
  ...rest
}: { value: string; onCommit: (value: string) => Promise<unknown> | false } & Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'defaultValue'>) {
  const [draft, setDraft] = useState<string | undefined>();
  const [shown, choose] = usePendingValue(value);
  const commit = () => {
    if (draft !== undefined && draft !== shown) {
      const applied = onCommit(draft);
      if (applied) choose(draft, applied);
    }
    setDraft(undefined);
  };
  return (
    <input
      {...rest}
      value={draft ?? shown}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          commit();
        } else if (e.key === 'Escape') setDraft(undefined);
      }}
    />
  );
}
