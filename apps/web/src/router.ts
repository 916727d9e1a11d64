import { useSyncExternalStore } from 'react';
import type { LOCAL_HOST_ID } from '@virtdeck/server/api';

/** The local host's id (api/types' LOCAL_HOST; this module is also read by the e2e specs, outside Vite). */
const LOCAL_HOST: typeof LOCAL_HOST_ID = 'local';

/** The guest page's tabs, in the order they are shown. */
export const GUEST_TABS = {
  console: 'Console',
  screen: 'Screen',
  graphs: 'Graphs',
  devices: 'Devices',
  xml: 'Definition',
  history: 'History',
  snapshots: 'Snapshots',
  'command-line': 'Command line',
  events: 'Events',
  'qemu-log': 'QEMU log',
} as const;
export type GuestTab = keyof typeof GUEST_TABS;

export type Route =
  | { page: 'dashboard' }
  /** A guest of `host`: the local host's at `#/guest/NAME`, another's at `#/hosts/ID/guest/NAME`. */
  | { page: 'guest'; host: string; name: string; tab: GuestTab }
  | { page: 'new' }
  | { page: 'storage' }
  | { page: 'not-found'; path: string };

const isGuestTab = (tab: string): tab is GuestTab => Object.hasOwn(GUEST_TABS, tab);

/** Hash routing: the server needs to know nothing about the app's pages. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { page: 'dashboard' };
  if (parts[0] === 'new' && parts.length === 1) return { page: 'new' };
  if (parts[0] === 'storage' && parts.length === 1) return { page: 'storage' };
  const guest = parts[0] === 'hosts' && parts[1] ? { host: parts[1], rest: parts.slice(2) } : { host: LOCAL_HOST, rest: parts };
  if (guest.rest[0] === 'guest' && guest.rest[1] && guest.rest.length <= 3) {
    const tab = guest.rest[2] ?? 'console';
    if (isGuestTab(tab)) return { page: 'guest', host: guest.host, name: guest.rest[1], tab };
  }
  return { page: 'not-found', path };
}

export function hrefFor(route: Route): string {
  switch (route.page) {
    case 'dashboard':
      return '#/';
    case 'new':
      return '#/new';
    case 'storage':
      return '#/storage';
    case 'guest': {
      const host = route.host === LOCAL_HOST ? '' : `/hosts/${encodeURIComponent(route.host)}`;
      return `#${host}/guest/${encodeURIComponent(route.name)}${route.tab === 'console' ? '' : `/${route.tab}`}`;
    }
    case 'not-found':
      return `#${route.path}`;
    default: {
      const unreachable: never = route;
      return unreachable;
    }
  }
}

/**
 * Something on the page that would lose work when it goes away: the guard answers
 * whether leaving is fine (it may ask the person).
 */
type LeaveGuard = () => boolean;
const guards = new Set<LeaveGuard>();
let currentHash = typeof location === 'undefined' ? '' : location.hash;
const listeners = new Set<() => void>();

export function addLeaveGuard(guard: LeaveGuard): () => void {
  guards.add(guard);
  return () => guards.delete(guard);
}

function mayLeave(): boolean {
  for (const guard of guards) if (!guard()) return false;
  return true;
}

function onHashChange(): void {
  if (location.hash === currentHash) return;
  if (!mayLeave()) {
    // The address bar (or the back button) already moved: put it back without a new entry.
    history.replaceState(history.state, '', currentHash || '#/');
    return;
  }
  currentHash = location.hash;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  if (listeners.size === 0) window.addEventListener('hashchange', onHashChange);
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) window.removeEventListener('hashchange', onHashChange);
  };
}

let cached: { hash: string; route: Route } | undefined;
function snapshot(): Route {
  if (cached?.hash !== currentHash) cached = { hash: currentHash, route: parseRoute(currentHash) };
  return cached.route;
}

/** Calls `listener` whenever the page's route changes; returns how to stop. */
export const onRouteChange: (listener: () => void) => () => void = subscribe;

export function useRoute(): Route {
  return useSyncExternalStore(subscribe, snapshot);
}

/** Goes to a page, asking the leave guards first unless `force` (the page is gone anyway). */
export function navigate(route: Route, options: { replace?: boolean; force?: boolean } = {}): void {
  const hash = hrefFor(route);
  if (hash === currentHash) return;
  if (!options.force && !mayLeave()) return;
  currentHash = hash;
  if (options.replace) history.replaceState(history.state, '', hash);
  else history.pushState(history.state, '', hash);
  for (const listener of listeners) listener();
}
