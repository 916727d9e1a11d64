import { api } from '../api/client';
import { onRouteChange } from '../router';

/** The definition asked for as the page opened on that guest's Definition tab. */
let early: { host: string; name: string; text: Promise<string>; value?: string } | undefined;

/**
 * Asks for a guest's definition before its editor has loaded, for that editor to take once
 * (loadGuestXml). Any navigation drops it, so a later visit reads the definition afresh.
 */
export function prefetchGuestXml(host: string, name: string): void {
  const text = api.guestXml(host, name);
  const asked = { host, name, text } as NonNullable<typeof early>;
  // A failure is reported by the editor that takes it.
  text.then((value) => (asked.value = value)).catch(() => undefined);
  early = asked;
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

/**
 * The definition asked for early, if it has arrived and is this guest's: the editor starts
 * from it on its first render instead of a render later. It stays there for loadGuestXml.
 */
export function arrivedGuestXml(host: string, name: string): string | undefined {
  return early?.host === host && early.name === name ? early.value : undefined;
}
