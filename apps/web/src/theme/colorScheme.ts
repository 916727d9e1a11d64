import { useSyncExternalStore } from 'react';

export type ColorScheme = 'light' | 'dark';

// One query for the whole app: CSS follows the same media feature by itself, and the
// parts drawn by script (Monaco, xterm.js) follow this.
const query = typeof matchMedia === 'undefined' ? undefined : matchMedia('(prefers-color-scheme: dark)');

/** The scheme the system (or the browser) asks for now. */
export const currentColorScheme = (): ColorScheme => (query?.matches ? 'dark' : 'light');

/** Calls `listener` whenever the system setting changes; returns the unsubscribe. */
export function onColorSchemeChange(listener: (scheme: ColorScheme) => void): () => void {
  const handler = () => listener(currentColorScheme());
  query?.addEventListener('change', handler);
  return () => query?.removeEventListener('change', handler);
}

const subscribe = (notify: () => void) => onColorSchemeChange(notify);

/** The current scheme, re-rendering when the system setting changes. */
export function useColorScheme(): ColorScheme {
  return useSyncExternalStore(subscribe, currentColorScheme, () => 'light');
}
