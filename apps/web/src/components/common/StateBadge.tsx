import type { GuestState, StateReason } from '../../api/types';
import { reasonWords } from '../../reasonWords';

/** A guest's state; hovering it says why (the reason in words). */
export function StateBadge({ name, state, reason }: { name: string; state: GuestState; reason: StateReason }) {
  return (
    <span className={`badge badge-${state}`} data-testid={`vm-${name}-state`} title={`${state}: ${reasonWords(reason)}`}>
      {state}
    </span>
  );
}
