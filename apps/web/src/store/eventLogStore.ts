import { create } from 'zustand';
import type { HostLifecycleEvent, LifecycleEvent } from '../api/types';
import { guestKey } from './guestStore';

/** Enough to tell the story of a session without growing without bound. */
export const EVENT_LOG_LENGTH = 200;

interface EventLogStore {
  /** By guestKey(host, name). */
  events: Record<string, LifecycleEvent[]>;
  /** A live `lifecycle` event. */
  add: (event: HostLifecycleEvent) => void;
  /** The server's recent history of one guest (by its key), merged with what arrived live meanwhile. */
  merge: (key: string, history: LifecycleEvent[]) => void;
}

const keyOf = (e: LifecycleEvent) => `${e.timestamp}\u0000${e.event}\u0000${e.state}`;

function mergeEvents(a: readonly LifecycleEvent[], b: readonly LifecycleEvent[]): LifecycleEvent[] {
  const byKey = new Map<string, LifecycleEvent>();
  for (const event of [...a, ...b]) byKey.set(keyOf(event), event);
  const merged = [...byKey.values()].sort((x, y) => Date.parse(x.timestamp) - Date.parse(y.timestamp));
  return merged.slice(-EVENT_LOG_LENGTH);
}

export const useEventLogStore = create<EventLogStore>()((set) => ({
  events: {},
  add: ({ host, ...event }) => {
    const key = guestKey(host, event.name);
    set((s) => ({ events: { ...s.events, [key]: mergeEvents(s.events[key] ?? [], [event]) } }));
  },
  merge: (key, history) => set((s) => ({ events: { ...s.events, [key]: mergeEvents(s.events[key] ?? [], history) } })),
}));
