import { useEffect } from 'react';
import { LOCAL_HOST } from './api/types';
import { SignInPage } from './components/auth/SignInPage';
import { Dashboard } from './components/dashboard/Dashboard';
import { GuestPage } from './components/guest/GuestPage';
import { NewGuestPage } from './components/editor/NewGuestPage';
import { StoragePage } from './components/storage/StoragePage';
import { hrefFor, useRoute, type Route } from './router';
import { useSessionStore, type StreamStatus } from './store/sessionStore';

const STREAM_TEXT: Record<StreamStatus, string> = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
};

const titleOf = (route: Route): string => {
  switch (route.page) {
    case 'dashboard':
      return 'virtdeck';
    case 'guest':
      return route.host === LOCAL_HOST ? `${route.name} · virtdeck` : `${route.name} on ${route.host} · virtdeck`;
    case 'new':
      return 'New guest · virtdeck';
    case 'storage':
      return 'Storage · virtdeck';
    case 'not-found':
      return 'virtdeck';
    default: {
      const unreachable: never = route;
      return unreachable;
    }
  }
};

export function App() {
  const route = useRoute();
  const stream = useSessionStore((s) => s.stream);
  const auth = useSessionStore((s) => s.auth);
  const title = titleOf(route);
  useEffect(() => {
    document.title = title;
  }, [title]);

  return (
    <div className="app">
      <header className="topbar">
        {/* Not a heading: each page's h1 names the page (Guests, New guest, the guest's name). */}
        <a className="brand" href={hrefFor({ page: 'dashboard' })}>
          virtdeck
        </a>
        {auth !== 'unauthorized' ? (
          <nav className="topnav">
            <a href={hrefFor({ page: 'dashboard' })} aria-current={route.page === 'dashboard' ? 'page' : undefined} data-testid="nav-guests">
              Guests
            </a>
            <a href={hrefFor({ page: 'storage' })} aria-current={route.page === 'storage' ? 'page' : undefined} data-testid="nav-storage">
              Storage
            </a>
          </nav>
        ) : null}
        <span className="spacer" />
        {auth !== 'unauthorized' ? (
          <span className={`stream stream-${stream}`} data-testid="stream-status" role="status">
            {STREAM_TEXT[stream]}
          </span>
        ) : null}
      </header>
      {auth === 'unauthorized' ? (
        <main className="content">
          <SignInPage />
        </main>
      ) : (
        <>
          <NoticeBar />
          <main className="content">
            <Page route={route} />
          </main>
        </>
      )}
    </div>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'dashboard':
      return <Dashboard />;
    case 'guest':
      return <GuestPage key={`${route.host}/${route.name}`} host={route.host} name={route.name} tab={route.tab} />;
    case 'new':
      return <NewGuestPage />;
    case 'storage':
      return <StoragePage />;
    case 'not-found':
      return (
        <section className="not-found">
          <h1>Page not found</h1>
          <p className="notice warning">
            There is no page at {route.path}. <a href={hrefFor({ page: 'dashboard' })}>All guests</a>
          </p>
        </section>
      );
    default: {
      const unreachable: never = route;
      return unreachable;
    }
  }
}

/** How long a notice stays when nobody dismisses it. */
const NOTICE_MS = 20_000;

function NoticeBar() {
  const notice = useSessionStore((s) => s.notice);
  const dismiss = useSessionStore((s) => s.dismissNotice);
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(dismiss, NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice, dismiss]);
  if (!notice) return null;
  return (
    <div className={`notice ${notice.kind}`} role="status" data-testid="notice">
      <span>{notice.text}</span>
      <button type="button" onClick={dismiss} aria-label="Dismiss">
        ×
      </button>
    </div>
  );
}
