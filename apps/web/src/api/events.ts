import { useEventLogStore } from '../store/eventLogStore';
import { guestKey, useGuestStore } from '../store/guestStore';
import { useHostsStore } from '../store/hostsStore';
import { useHostUsageStore } from '../store/hostUsageStore';
import { useSessionStore } from '../store/sessionStore';
import { useStatsStore } from '../store/statsStore';
import type { ServerEvents } from './types';

const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 10_000;

/**
 * Follows `GET /api/events` for the life of the page. Every (re)connect starts with a
 * snapshot, so the store never keeps stale guests. EventSource retries a dropped
 * connection by itself, but gives up for good when the server answers with an error
 * status: then we ask why (401 means sign in) and open a new one ourselves.
 */
export function connectEvents(): () => void {
  const session = useSessionStore.getState();
  let source: EventSource | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let retryDelay = RETRY_MIN_MS;
  let stopped = false;

  const open = () => {
    const current = new EventSource('/api/events');
    source = current;
    const on = <K extends keyof ServerEvents>(event: K, handler: (data: ServerEvents[K]) => void) =>
      current.addEventListener(event, (e) => handler(JSON.parse((e as MessageEvent<string>).data) as ServerEvents[K]));

    on('snapshot', (guests) => {
      retryDelay = RETRY_MIN_MS;
      useGuestStore.getState().replaceAll(guests);
      session.setAuth('ok');
      session.setStream('live');
    });
    on('guest', (guest) => useGuestStore.getState().upsert(guest));
    on('removed', ({ host, name, renamedTo, movedTo }) => {
      const wentTo = renamedTo !== undefined ? { host, name: renamedTo } : movedTo !== undefined ? { host: movedTo, name } : undefined;
      useGuestStore.getState().remove(guestKey(host, name), wentTo);
      useStatsStore.getState().forget(guestKey(host, name));
    });
    on('hosts', (hosts) => useHostsStore.getState().replaceAll(hosts));
    on('lifecycle', (event) => useEventLogStore.getState().add(event));
    on('stats', (event) => useStatsStore.getState().record(event));
    on('hostUsage', (usage) => useHostUsageStore.getState().record(usage));
    current.onerror = () => {
      if (stopped) return;
      session.setStream('reconnecting');
      if (current.readyState === EventSource.CLOSED) void diagnose();
    };
  };

  const diagnose = async () => {
    let status: number | undefined;
    try {
      status = (await fetch('/api/domains', { credentials: 'same-origin' })).status;
    } catch {
      // The server is down: try again later.
    }
    if (stopped) return;
    if (status === 401) {
      session.setAuth('unauthorized');
      return;
    }
    retryTimer = setTimeout(open, retryDelay);
    retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
  };

  open();
  return () => {
    stopped = true;
    clearTimeout(retryTimer);
    source?.close();
  };
}
