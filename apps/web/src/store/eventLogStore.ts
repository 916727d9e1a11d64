import { create } from 'zustand';
import type { LifecycleEvent } from '../api/types';

/** Enough to tell the story of a session without growing without bound. */
export const EVENT_LOG_LENGTH = 200;

interface EventLogStore {
  events: Record<string, LifecycleEvent[]>;
  /** A live `lifecycle` event. */
  add: (event: LifecycleEvent) => void;
  /** The server's recent history of one guest, merged with what arrived live meanwhile. */
  merge: (name: string, history: LifecycleEvent[]) => void;
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
  add: (event) => set((s) => ({ events: { ...s.events, [event.name]: mergeEvents(s.events[event.name] ?? [], [event]) } })),
  merge: (name, history) => set((s) => ({ events: { ...s.events, [name]: mergeEvents(s.events[name] ?? [], history) } })),
}));
