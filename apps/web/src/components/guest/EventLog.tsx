import { useEffect, useState } from 'react';
import { api, errorMessage } from '../../api/client';
import type { LifecycleEvent } from '../../api/types';
import { formatDateTime } from '../../format';
import { useEventLogStore } from '../../store/eventLogStore';
import { guestKey } from '../../store/guestStore';

const EMPTY: LifecycleEvent[] = [];

/** What happened to a guest: the server's recent history, then the live `lifecycle` events. */
export function EventLog({ host, name }: { host: string; name: string }) {
  const key = guestKey(host, name);
  const events = useEventLogStore((s) => s.events[key] ?? EMPTY);
  const merge = useEventLogStore((s) => s.merge);
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    const abort = new AbortController();
    api.guestEvents(host, name, abort.signal).then(
      (history) => merge(key, history),
      (e: unknown) => !abort.signal.aborted && setError(errorMessage(e)),
    );
    return () => abort.abort();
  }, [host, name, key, merge]);

  return (
    <div className="event-log" data-testid="event-log">
      {error ? <p className="error">The history could not be loaded: {error}</p> : null}
      {events.length === 0 ? (
        <p className="hint">No events yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Event</th>
              <th scope="col">State</th>
              <th scope="col">Reason</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {[...events].reverse().map((e) => (
              <tr key={`${e.timestamp}-${e.event}-${e.state}`} data-testid="event-row">
                <td>
                  <time dateTime={e.timestamp}>{formatDateTime(e.timestamp)}</time>
                </td>
                <td>{e.event}</td>
                <td>{e.state}</td>
                <td>{e.reason}</td>
                <td className="detail">{e.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
