import { api } from '../api/client';
import { onRouteChange } from '../router';

/** The definition asked for as the page opened on that guest's Definition tab. */
let early: { host: string; name: string; text: Promise<string> } | undefined;

/**
 * Asks for a guest's definition before its editor has loaded, for that editor to take once
 * (loadGuestXml). Any navigation drops it, so a later visit reads the definition afresh.
 */
export function prefetchGuestXml(host: string, name: string): void {
  const text = api.guestXml(host, name);
  // A failure is reported by the editor that takes it.
  text.catch(() => undefined);
  early = { host, name, text };
  const stop = onRouteChange(() => {
    early = undefined;
    stop();
  });
}

/** A guest's saved definition: the one asked for early if it is this guest's, else a new request. */
export function loadGuestXml(host: string, name: string, signal: AbortSignal): Promise<string> {
  const taken = early?.host === host && early.name === name ? early.text : undefined;
  early = undefined;
  return taken ?? api.guestXml(host, name, { signal });
}
