import { useState } from 'react';

/**
 * A control shows the truth from elsewhere (the XML, as the worker read it; a guest's
 * summary, as the server sent it), and a change comes back from there only a moment after
 * it is made. Until then the control shows the chosen value instead of jumping back; once
 * the true value changes (or the change fails) the truth is shown again.
 */
export function usePendingValue<T>(value: T): [T, (next: T, applied: Promise<unknown>) => void] {
  const [pending, setPending] = useState<{ next: T; basis: T }>();
  // The truth moved on (the change arrived, or something else changed it): forget the pending
  // choice, or a later change back to the old value (an undo) would show the choice again.
  if (pending !== undefined && !Object.is(pending.basis, value)) setPending(undefined);
  const shown = pending !== undefined && Object.is(pending.basis, value) ? pending.next : value;
  const choose = (next: T, applied: Promise<unknown>) => {
    const entry = { next, basis: value };
    setPending(entry);
    applied.catch(() => setPending((current) => (current === entry ? undefined : current)));
  };
  return [shown, choose];
}
