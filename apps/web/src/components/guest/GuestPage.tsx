import { lazy, Suspense, useEffect, useState, type KeyboardEvent } from 'react';
import { api, errorMessage } from '../../api/client';
import type { GuestSummary } from '../../api/types';
import { formatMemoryKiB, formatTime, formatVcpus } from '../../format';
import { reasonWords } from '../../reasonWords';
import { GUEST_TABS, hrefFor, navigate, type GuestTab } from '../../router';
import { unsavedEditsOf, useDraftStore } from '../../store/draftStore';
import { LOCAL_HOST } from '../../api/types';
import { guestKey, useGuestStore, type GuestPlace } from '../../store/guestStore';
import { useHostsStore } from '../../store/hostsStore';
import { useSessionStore } from '../../store/sessionStore';
import { ErrorLine } from '../common/ErrorLine';
import { StateBadge } from '../common/StateBadge';
import { usePendingValue } from '../common/usePendingValue';
import { prefetchEditor, useEditorPages } from '../editor/loadEditorPages';
import { CommandLinePane } from './CommandLinePane';
import { EventLog } from './EventLog';
import { GraphsPane } from './GraphsPane';
import { GuestActions } from './GuestActions';
import { QemuLogPane } from './QemuLogPane';
import { SnapshotsPane } from './SnapshotsPane';

// xterm.js, noVNC and Monaco are large: each loads only when its tab is opened.
const ConsolePane = lazy(() => import('./ConsolePane'));
const ScreenPane = lazy(() => import('./screen/ScreenPane'));
// The device lists read the definition with @virtdeck/schema, which is large too.
const DevicesPane = lazy(() => import('./DevicesPane'));

export function GuestPage({ host, name, tab }: { host: string; name: string; tab: GuestTab }) {
  const key = guestKey(host, name);
  const guest = useGuestStore((s) => s.guests[key]);
  const removedAt = useGuestStore((s) => s.removed[key]);
  const removingHere = useGuestStore((s) => s.removing[key]);
  const loaded = useGuestStore((s) => s.loaded);
  const wentTo = useGuestStore((s) => s.wentTo[key]);
  const arrived = useGuestStore((s) => wentTo !== undefined && s.guests[guestKey(wentTo.host, wentTo.name)] !== undefined);

  // A guest deleted, renamed or moved while its page is open (here or elsewhere): leave or follow it, and say why.
  useEffect(() => {
    // A rename from this page goes to the new name's page itself (GuestDefinition).
    if (guest || removedAt === undefined || removingHere === 'rename') return;
    const { notify } = useSessionStore.getState();
    // The Definition tab, closing with unsaved edits, has kept them as a draft by now.
    const kept = useDraftStore.getState().draft?.origin === unsavedEditsOf(host, name) ? ' Your unsaved edits of its definition are kept under New guest.' : '';
    if (wentTo !== undefined) {
      // Where it went is announced right after it goes from here (a move's target may announce it first): follow once it is there.
      if (!arrived) return;
      notify('info', `${wentHow(name, host, wentTo)} elsewhere (another browser or the API), so this page now shows it ${wentTo.host === host ? 'under its new name' : 'there'}.${kept}`);
      navigate({ page: 'guest', host: wentTo.host, name: wentTo.name, tab }, { replace: true, force: true });
      return;
    }
    if (removingHere) notify('info', `Deleted ${name}.`);
    else notify('warning', `The guest '${name}' was deleted elsewhere (another browser or the API), so its page was closed.${kept}`);
    useGuestStore.getState().expectRemoval(key, false);
    // Unsaved edits of its definition are kept as a draft by the editor as it closes.
    navigate({ page: 'dashboard' }, { replace: true, force: true });
  }, [guest, removedAt, removingHere, wentTo, arrived, host, name, tab, key]);

  if (!guest) {
    if (!loaded) return <p className="hint">Loading…</p>;
    if (removingHere === 'rename') return <p className="hint">Renaming {name}…</p>;
    if (wentTo !== undefined) return <p className="hint">{wentHow(name, host, wentTo)}…</p>;
    const where = host === LOCAL_HOST ? '' : ` on ${host}`;
    return (
      <section className="guest-page not-found" data-testid="guest-missing">
        <h1>{name}</h1>
        <p className="notice warning" role="alert">
          {removedAt !== undefined ? `The guest '${name}'${where} was deleted.` : `There is no guest named '${name}'${where}.`}{' '}
          <a href={hrefFor({ page: 'dashboard' })}>Back to all guests</a>
        </p>
      </section>
    );
  }

  return (
    <section className="guest-page" data-testid={`guest-page-${name}`}>
      <GuestHeader guest={guest} />
      <GuestTabs host={host} name={name} tab={tab} />
      <div className="tab-panel" role="tabpanel" id={TAB_PANEL_ID} aria-labelledby={tabId(tab)}>
        <Suspense fallback={<p className="hint">Loading…</p>}>
          <TabContent guest={guest} tab={tab} />
        </Suspense>
      </div>
    </section>
  );
}

const TAB_PANEL_ID = 'guest-tab-panel';
const tabId = (tab: GuestTab) => `guest-tab-${tab}`;
const TAB_ORDER = Object.keys(GUEST_TABS) as GuestTab[];

/** Where each key moves the focus in the tab list, from the tab at `index` (arrows wrap round, as WAI-ARIA's tabs pattern has it). */
function tabIndexAfter(key: string, index: number, count: number): number | undefined {
  switch (key) {
    case 'ArrowRight':
      return (index + 1) % count;
    case 'ArrowLeft':
      return (index - 1 + count) % count;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return undefined;
  }
}

/**
 * The guest's views as one tab list (WAI-ARIA tabs, manual activation): one Tab stop, the open
 * tab's; the arrows, Home and End move the focus among the tabs, and Enter or Space opens the
 * focused one. Opening is left to the user because a tab's pane can be heavy (Monaco, noVNC) and
 * the console's terminal takes the focus when it opens.
 */
function GuestTabs({ host, name, tab }: { host: string; name: string; tab: GuestTab }) {
  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    const tabs = [...event.currentTarget.querySelectorAll<HTMLElement>('[role="tab"]')];
    const from = tabs.indexOf(event.target as HTMLElement);
    if (from < 0) return;
    if (event.key === ' ') {
      event.preventDefault();
      tabs[from]!.click();
      return;
    }
    const to = tabIndexAfter(event.key, from, tabs.length);
    if (to === undefined) return;
    event.preventDefault();
    tabs[to]!.focus();
  };
  return (
    <nav className="tabs" role="tablist" aria-label={`${name} views`} onKeyDown={onKeyDown}>
      {TAB_ORDER.map((t) => (
        <a
          key={t}
          id={tabId(t)}
          role="tab"
          aria-selected={t === tab}
          aria-controls={t === tab ? TAB_PANEL_ID : undefined}
          tabIndex={t === tab ? 0 : -1}
          className={t === tab ? 'tab active' : 'tab'}
          href={hrefFor({ page: 'guest', host, name, tab: t })}
          data-testid={`tab-${t}`}
          // Monaco is big: start loading it as soon as the pointer or the focus is on its way to the tab.
          onPointerEnter={t === 'xml' || t === 'history' ? prefetchEditor : undefined}
          onFocus={t === 'xml' || t === 'history' ? prefetchEditor : undefined}
        >
          {GUEST_TABS[t]}
        </a>
      ))}
    </nav>
  );
}

function TabContent({ guest, tab }: { guest: GuestSummary; tab: GuestTab }) {
  switch (tab) {
    case 'console':
      return <ConsolePane guest={guest} />;
    case 'screen':
      return <ScreenPane guest={guest} />;
    case 'graphs':
      return <GraphsPane guest={guest} />;
    case 'devices':
      return <DevicesPane guest={guest} />;
    case 'xml':
    case 'history':
      return <EditorTab guest={guest} tab={tab} />;
    case 'snapshots':
      return <SnapshotsPane guest={guest} />;
    case 'command-line':
      return <CommandLinePane guest={guest} />;
    case 'events':
      return <EventLog host={guest.host} name={guest.name} />;
    case 'qemu-log':
      return <QemuLogPane guest={guest} />;
    default: {
      const unreachable: never = tab;
      return unreachable;
    }
  }
}

function GuestHeader({ guest }: { guest: GuestSummary }) {
  return (
    <header className="guest-header">
      <div className="guest-heading">
        <a href={hrefFor({ page: 'dashboard' })} className="back" aria-label="All guests">
          ←
        </a>
        <h1>{guest.name}</h1>
        <HostBadge host={guest.host} />
        <StateBadge name={guest.name} state={guest.state} reason={guest.reason} />
        <span className="guest-meta" data-testid="guest-meta" title={`Since ${formatTime(guest.since)}`}>
          {reasonWords(guest.reason)} · {guest.accelerator} · {formatVcpus(guest.vcpus)} · {formatMemoryKiB(guest.memoryKiB)}
          {guest.pid !== undefined ? ` · pid ${guest.pid}` : ''}
        </span>
        {guest.pendingChanges ? (
          <span className="tag" data-testid={`vm-${guest.name}-pending`}>
            changes apply at next start
          </span>
        ) : null}
      </div>
      {guest.title ? <p className="guest-title">{guest.title}</p> : null}
      {guest.error ? <ErrorLine message={guest.error} testId={`vm-${guest.name}-last-error`} /> : null}
      {guest.hint ? (
        <p className="notice warning guest-hint" role="status" data-testid={`vm-${guest.name}-hint`}>
          {guest.hint.message} <a href={hrefFor({ page: 'guest', host: guest.host, name: guest.name, tab: 'qemu-log' })}>Open QEMU&apos;s log</a>
        </p>
      ) : null}
      <div className="guest-controls">
        <GuestActions guest={guest} />
        <AutostartToggle guest={guest} />
      </div>
    </header>
  );
}

/** Which host the guest is on, and where that host stands (a lost host's guest shows its last known state). */
function HostBadge({ host }: { host: string }) {
  const summary = useHostsStore((s) => s.hosts[host]);
  const state = summary?.state ?? 'connecting';
  const label = host === LOCAL_HOST ? 'this machine (virtdeck)' : `${host} · ${summary?.uri ?? 'libvirt'}`;
  return (
    <span className={state === 'connected' ? 'badge' : `badge badge-host-${state}`} title={summary?.error ?? `Host ${host}: ${state}`} data-testid="guest-host">
      on {label}
      {state === 'connected' ? '' : ` · ${state}`}
    </span>
  );
}

/** `virsh autostart`: start the guest whenever virtdeck's server (or, on a libvirt host, libvirtd) starts. */
function AutostartToggle({ guest }: { guest: GuestSummary }) {
  const [checked, choose] = usePendingValue(guest.autostart);
  const [busy, setBusy] = useState(false);
  const local = guest.host === LOCAL_HOST;
  const [error, setError] = useState<string>();
  const change = (autostart: boolean) => {
    setBusy(true);
    setError(undefined);
    const request = api.setAutostart(guest.host, guest.name, autostart);
    choose(autostart, request);
    request.then(
      () => setBusy(false),
      (e: unknown) => {
        setBusy(false);
        setError(errorMessage(e));
      },
    );
  };
  return (
    <label className="autostart" title={local ? 'Start this guest whenever the virtdeck server starts' : `Start this guest whenever libvirtd on ${guest.host} starts`}>
      <input type="checkbox" checked={checked} disabled={busy} onChange={(e) => change(e.target.checked)} data-testid={`vm-${guest.name}-autostart`} />
      {local ? 'Start with the server' : 'Start with libvirtd'}
      {error ? (
        <span className="error small" role="alert">
          {error}
        </span>
      ) : null}
    </label>
  );
}

/** How the guest `name` of `host` left for `to`: moved to another host, or renamed on its own. */
function wentHow(name: string, host: string, to: GuestPlace): string {
  return to.host !== host ? `${name} was moved to ${to.host}` : `${name} was renamed to ${to.name}`;
}

/** The Definition and History tabs, from the editor pages' chunk (Monaco). */
function EditorTab({ guest, tab }: { guest: GuestSummary; tab: 'xml' | 'history' }) {
  const pages = useEditorPages();
  if (!pages) return <p className="hint">Loading…</p>;
  if (pages instanceof Error) return <p className="error">The editor could not be loaded: {pages.message}</p>;
  return tab === 'xml' ? <pages.GuestDefinition guest={guest} /> : <pages.DefinitionHistory guest={guest} />;
}
