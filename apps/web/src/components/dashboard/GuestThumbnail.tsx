import { useEffect, useRef, useState } from 'react';
import { api, errorMessage } from '../../api/client';
import type { GuestSummary } from '../../api/types';
import { hrefFor } from '../../router';

const THUMBNAIL_WIDTH = 160;
const REFRESH_MS = 3_000;

/**
 * A small live screenshot of a running guest's screen (QMP screendump through
 * its host's GET …/domains/NAME/screenshot), refreshed every few seconds only while it is on screen
 * and the browser tab is shown: a long guest list in a background tab asks for nothing.
 * Links to the guest's Screen tab.
 */
export function GuestThumbnail({ guest, testId }: { guest: GuestSummary; testId: string }) {
  const element = useRef<HTMLAnchorElement>(null);
  const [src, setSrc] = useState<string>();
  const [error, setError] = useState<string>();
  const visible = useVisible(element);
  const live = guest.display !== undefined && guest.state === 'running';

  useEffect(() => {
    if (!live || !visible) return;
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refresh = () => {
      api.screenshot(guest.host, guest.name, THUMBNAIL_WIDTH, abort.signal).then(dataUrl).then(
        (url) => {
          if (abort.signal.aborted) return;
          setSrc(url);
          setError(undefined);
          timer = setTimeout(refresh, REFRESH_MS);
        },
        (e: unknown) => {
          if (abort.signal.aborted) return;
          setError(errorMessage(e));
          timer = setTimeout(refresh, REFRESH_MS);
        },
      );
    };
    refresh();
    return () => {
      abort.abort();
      clearTimeout(timer);
    };
  }, [guest.host, guest.name, live, visible]);

  if (guest.display === undefined) return null;
  return (
    <a ref={element} className="guest-thumbnail" href={hrefFor({ page: 'guest', host: guest.host, name: guest.name, tab: 'screen' })} title={error ?? `${guest.name}'s screen`} data-testid={testId}>
      {live && src ? <img src={src} alt={`${guest.name}'s screen`} width={THUMBNAIL_WIDTH} /> : <span className="guest-thumbnail-off">{live ? '…' : 'no picture while off'}</span>}
    </a>
  );
}

/** The page's Content-Security-Policy lets images come from the server or data: URLs, not blob: ones. */
function dataUrl(png: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as string);
    reader.onerror = () => reject(reader.error ?? new Error('The screenshot could not be read'));
    reader.readAsDataURL(png);
  });
}

/** On screen (IntersectionObserver) and in a browser tab that is shown (document.visibilityState). */
function useVisible(target: React.RefObject<HTMLElement | null>): boolean {
  const [intersecting, setIntersecting] = useState(false);
  const [shown, setShown] = useState(() => document.visibilityState === 'visible');
  useEffect(() => {
    const changed = () => setShown(document.visibilityState === 'visible');
    document.addEventListener('visibilitychange', changed);
    return () => document.removeEventListener('visibilitychange', changed);
  }, []);
  useEffect(() => {
    const element = target.current;
    if (!element) return;
    const observer = new IntersectionObserver((entries) => setIntersecting(entries.some((e) => e.isIntersecting)));
    observer.observe(element);
    return () => observer.disconnect();
  }, [target]);
  return intersecting && shown;
}
