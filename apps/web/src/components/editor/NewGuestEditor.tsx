import { useEffect, useState } from 'react';
import { api, ApiError, errorMessage } from '../../api/client';
import { useEditorSession } from '../../editor/useEditorSession';
import { hrefFor, navigate } from '../../router';
import { selectLocalHost, useHostStore } from '../../store/hostStore';
import { EditorWorkbench } from './EditorWorkbench';
import { LEAVE_QUESTION, useUnsavedGuard } from './useUnsavedGuard';

let nextDraft = 1;

/**
 * The editor for a guest that does not exist yet: Define creates it. With `startOnDefine` (an
 * installer) it also starts it and opens its screen, where the installer is answered.
 */
export function NewGuestEditor({ initialText, origin, startOnDefine = false, onStartOver }: { initialText: string; origin: string; startOnDefine?: boolean; onStartOver: () => void }) {
  const host = useHostStore(selectLocalHost);
  const [uri] = useState(() => `virtdeck:/draft/${nextDraft++}.xml`);
  const session = useEditorSession(uri, initialText, host);
  const [saving, setSaving] = useState(false);
  const [message, setMessage] = useState<string>();
  const [startFailure, setStartFailure] = useState<{ host: string; guest: string; message: string }>();
  useUnsavedGuard(session);

  useEffect(() => void useHostStore.getState().load(), []);

  // A new text counts as unsaved: leaving asks, like any edit.
  useEffect(() => {
    if (session && !session.getSnapshot().dirty) session.markUnsaved();
  }, [session]);

  if (!session) return <p className="hint">Loading the editor…</p>;

  const define = async () => {
    if (saving) return;
    setMessage(undefined);
    const snapshot = await session.settled();
    // Only what libvirt would reject stops a save; what this host lacks stops a start.
    const errors = snapshot.diagnostics.filter((d) => d.severity === 'error' && d.scope === 'document');
    if (errors.length > 0) {
      const first = errors[0]!;
      setMessage(`Not defined: the definition has ${errors.length} ${errors.length === 1 ? 'error' : 'errors'} (first on line ${first.range.start.line}: ${first.message}).`);
      return;
    }
    setSaving(true);
    try {
      const guest = await api.define(session.text);
      session.markSaved();
      if (!startOnDefine) {
        navigate({ page: 'guest', host: guest.host, name: guest.name, tab: 'console' });
        return;
      }
      try {
        await api.act(guest.host, guest.name, 'start');
      } catch (e) {
        // Defined, not started: say why here, where the definition can still be read, and link its page.
        setStartFailure({ guest: guest.name, host: guest.host, message: errorMessage(e) });
        return;
      }
      navigate({ page: 'guest', host: guest.host, name: guest.name, tab: 'screen' });
    } catch (e) {
      if (e instanceof ApiError && e.diagnostics.length > 0) {
        session.showRejected(e.diagnostics);
        setMessage(`The server refused the definition: ${e.message}. Its diagnostics are marked in the text.`);
      } else setMessage(errorMessage(e));
    } finally {
      setSaving(false);
    }
  };

  const banner = (
    <>
      <p className="notice info slim">
        A new guest from {origin}. <strong>{startOnDefine ? 'Define and start' : 'Define'}</strong> saves it on the server (Ctrl+S){startOnDefine ? ', starts it and opens its screen' : ''}.{' '}
        <button type="button" className="link" onClick={() => (!session.getSnapshot().dirty || window.confirm(LEAVE_QUESTION)) && onStartOver()}>
          Start over
        </button>
      </p>
      {startFailure ? (
        <p className="notice error slim" role="alert" data-testid="start-failure">
          {startFailure.guest} is defined but did not start: {startFailure.message}{' '}
          <a href={hrefFor({ page: 'guest', host: startFailure.host, name: startFailure.guest, tab: 'console' })}>Open its page</a>
        </p>
      ) : null}
      {message ? (
        <p className="notice error slim" role="alert" data-testid="save-message">
          {message}
        </p>
      ) : null}
    </>
  );
  return (
    <section className="new-guest-editor" data-testid="new-guest-editor">
      <EditorWorkbench session={session} host={host} saveLabel={startOnDefine ? 'Define and start' : 'Define'} saving={saving} onSave={() => void define()} banner={banner} />
    </section>
  );
}
