import type { GuestState } from '../../api/types';

export function StateBadge({ name, state }: { name: string; state: GuestState }) {
  return (
    <span className={`badge badge-${state}`} data-testid={`vm-${name}-state`}>
      {state}
    </span>
  );
}
