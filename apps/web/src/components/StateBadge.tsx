import type { GuestState } from '@virtdeck/server/api';

export function StateBadge({ name, state }: { name: string; state: GuestState }) {
  return (
    <span className={`badge badge-${state}`} data-testid={`vm-${name}-state`}>
      {state}
    </span>
  );
}
