import { guestCondition, isAllowed } from '@virtdeck/schema';
import { useState } from 'react';
import { errorMessage, api } from '../../api/client';
import type { GuestAction, GuestSummary } from '../../api/types';

/** `skipped`: what the selected guests the action is not for are (start: a running one), said once for all of them. */
const BULK_ACTIONS = [
  { action: 'start', label: 'Start', done: 'started', skipped: 'not shut off' },
  { action: 'shutdown', label: 'Shut down', done: 'asked to shut down', skipped: 'not running' },
  { action: 'destroy', label: 'Force off', done: 'forced off', skipped: 'off already' },
] as const satisfies readonly { action: GuestAction; label: string; done: string; skipped: string }[];

interface Outcome {
  label: string;
  done: string;
  succeeded: number;
  failed: { name: string; host: string; message: string }[];
  skipped: number;
  skippedAs: string;
}

/** The selected guests an action is for: the others would only come back refused ("… is running"). */
const targetsOf = (guests: readonly GuestSummary[], action: GuestAction) => guests.filter((g) => isAllowed(action, guestCondition(g)));

/**
 * Starts, shuts down or forces off the selected guests together: every request goes out at
 * once, and when all have settled ONE summary says how many did it and, for each that did
 * not, its name and why. Guests the action is not for (Start of a running one) are left
 * alone and counted, not sent to be refused; a button none of the selection is for is disabled.
 */
export function BulkActions({ guests }: { guests: readonly GuestSummary[] }) {
  const [busy, setBusy] = useState<GuestAction | undefined>();
  const [outcome, setOutcome] = useState<Outcome | undefined>();

  const run = async ({ action, label, done, skipped }: (typeof BULK_ACTIONS)[number]) => {
    setBusy(action);
    setOutcome(undefined);
    const targets = targetsOf(guests, action);
    const results = await Promise.allSettled(targets.map((g) => api.act(g.host, g.name, action)));
    const failed = results.flatMap((result, i) => (result.status === 'rejected' ? [{ name: targets[i]!.name, host: targets[i]!.host, message: errorMessage(result.reason) }] : []));
    setOutcome({ label, done, succeeded: results.length - failed.length, failed, skipped: guests.length - targets.length, skippedAs: skipped });
    setBusy(undefined);
  };

  return (
    <div className="bulk-actions" role="group" aria-label="Actions on the selected guests">
      <span className="hint" data-testid="bulk-count">
        {guests.length} selected
      </span>
      {BULK_ACTIONS.map((entry) => (
        <button
          type="button"
          key={entry.action}
          data-testid={`bulk-${entry.action}`}
          className={entry.action === 'destroy' ? 'danger-outline' : undefined}
          disabled={targetsOf(guests, entry.action).length === 0 || busy !== undefined}
          onClick={() => void run(entry)}
        >
          {busy === entry.action ? `${entry.label}…` : entry.label}
        </button>
      ))}
      {outcome ? (
        <div className={outcome.failed.length > 0 ? 'bulk-summary notice error' : 'bulk-summary notice'} role="status" data-testid="bulk-summary">
          <span>
            {outcome.label}: {outcome.succeeded} {outcome.done}
            {outcome.failed.length > 0 ? `, ${outcome.failed.length} failed` : ''}
            {outcome.skipped > 0 ? `; ${outcome.skipped} ${outcome.skippedAs}, left as ${outcome.skipped === 1 ? 'it was' : 'they were'}` : ''}
          </span>
          {outcome.failed.length > 0 ? (
            <ul>
              {outcome.failed.map((f) => (
                <li key={`${f.host}/${f.name}`} data-testid={`bulk-failed-${f.name}`}>
                  <strong>{f.name}</strong>: {f.message}
                </li>
              ))}
            </ul>
          ) : null}
          <button type="button" className="link" onClick={() => setOutcome(undefined)}>
            Dismiss
          </button>
        </div>
      ) : null}
    </div>
  );
}
