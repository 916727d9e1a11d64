import { useState } from 'react';

/**
 * A form control shows what the XML says, but a change reaches the XML only after the
 * worker has turned it into an edit and checked the new text (a few milliseconds). Until
 * then the control shows the chosen value instead of jumping back; once the value from the
 * XML changes (or the change fails) the XML is the truth again.
 */
export function usePendingValue<T>(value: T): [T, (next: T, applied: Promise<unknown>) => void] {
  const [pending, setPending] = useState<{ next: T; basis: T }>();
  // The XML moved on (the change arrived, or anything else changed it): forget the pending choice,
  // or an undo back to the old value would show the choice again.
  if (pending !== undefined && !Object.is(pending.basis, value)) setPending(undefined);
  const shown = pending !== undefined && Object.is(pending.basis, value) ? pending.next : value;
  const choose = (next: T, applied: Promise<unknown>) => {
    const entry = { next, basis: value };
    setPending(entry);
    applied.catch(() => setPending((current) => (current === entry ? undefined : current)));
  };
  return [shown, choose];
}
