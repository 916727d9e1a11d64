import type { ServerEvents } from '@virtdeck/server/api';
import { useGuestStore } from '../store/guestStore';

/**
 * Follows `GET /api/events` for the life of the page. EventSource reconnects by itself;
 * every (re)connect starts with a snapshot, so the store never keeps stale guests.
 */
export function connectEvents(): () => void {
  const store = useGuestStore.getState();
  const source = new EventSource('/api/events');
  const on = <K extends keyof ServerEvents>(event: K, handler: (data: ServerEvents[K]) => void) =>
    source.addEventListener(event, (e) => handler(JSON.parse((e as MessageEvent<string>).data) as ServerEvents[K]));

  on('snapshot', (guests) => {
    store.replaceAll(guests);
    store.setStream('live');
  });
  on('guest', (guest) => store.upsert(guest));
  on('removed', ({ name }) => store.remove(name));
  source.onerror = () => store.setStream('reconnecting');
  return () => source.close();
}
