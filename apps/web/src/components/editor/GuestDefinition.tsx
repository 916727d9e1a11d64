import { useEffect, useState } from 'react';
import { api, ApiError, errorMessage } from '../../api/client';
import type { GuestSummary } from '../../api/types';
import { useEditorSession } from '../../editor/useEditorSession';
import { useDraftStore } from '../../store/draftStore';
import { isActive, useGuestStore } from '../../store/guestStore';
import { useHostStore } from '../../store/hostStore';
import { EditorWorkbench } from './EditorWorkbench';
import { SaveDiffDialog } from './SaveDiffDialog';
import { useUnsavedGuard } from './useUnsavedGuard';

interface Review {
  stored: string;
  proposed: string;
  saving: boolean;
  error?: string;
}

type Message = { kind: 'info' | 'error'; text: string };

/** The guest page's Definition tab: the saved XML in the editor, saved back with a diff first. */
export function GuestDefinition({ guest }: { guest: GuestSummary }) {
  const { name } = guest;
  const host = useHostStore((s) => s.host);
  const [loaded, setLoaded] = useState<{ text?: string; error?: string }>();
  const [review, setReview] = useState<Review>();
  const [message, setMessage] = useState<Message>();
  const session = useEditorSession(`virtdeck:/guest/${encodeURIComponent(name)}.xml`, loaded?.text, host);
  useUnsavedGuard(session);

  useEffect(() => void useHostStore.getState().load(), []);

  useEffect(() => {
    const abort = new AbortController();
    api.guestXml(name, { signal: abort.signal }).then(
      (text) => setLoaded({ text }),
      (e: unknown) => !abort.signal.aborted && setLoaded({ error: errorMessage(e) }),
    );
    return () => abort.abort();
  }, [name]);

  // Unsaved edits of a guest deleted elsewhere are kept as a draft for "New guest".
  useEffect(() => {
    if (!session) return;
    return () => {
      const text = session.unsavedTextAtClose;
      if (text !== undefined && !useGuestStore.getState().guests[name]) useDraftStore.getState().keep({ text, origin: `unsaved edits of ${name}` });
    };
  }, [session, name]);

  if (loaded?.error) return <p className="error">The definition could not be loaded: {loaded.error}</p>;
  if (!session) return <p className="hint">Loading the definition…</p>;

  const save = async () => {
    if (review) return;
    setMessage(undefined);
    const snapshot = await session.settled();
    const errors = snapshot.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) {
      const first = errors[0]!;
      setMessage({
        kind: 'error',
        text: `Not saved: the definition has ${errors.length} ${errors.length === 1 ? 'error' : 'errors'} (first on line ${first.range.start.line}: ${first.message}).`,
      });
      return;
    }
    try {
      setReview({ stored: await api.guestXml(name), proposed: session.text, saving: false });
    } catch (e) {
      setMessage({ kind: 'error', text: `The stored definition could not be read: ${errorMessage(e)}` });
    }
  };

  const confirm = async () => {
    if (!review) return;
    setReview({ ...review, saving: true, error: undefined });
    try {
      await api.redefine(name, review.proposed);
      if (session.text === review.proposed) session.markSaved();
      setReview(undefined);
      setMessage({ kind: 'info', text: isActive(guest) ? `Saved. ${name} is running: the changes apply at its next start.` : 'Saved.' });
    } catch (e) {
      if (e instanceof ApiError && e.diagnostics.length > 0) {
        session.showRejected(e.diagnostics);
        setReview(undefined);
        setMessage({ kind: 'error', text: `The server refused the definition: ${e.message}. Its diagnostics are marked in the text.` });
      } else setReview({ ...review, saving: false, error: errorMessage(e) });
    }
  };

  const banner = (
    <>
      {isActive(guest) ? (
        <p className="notice info slim" data-testid="applies-next-start">
          {name} is {guest.state}: edits you save apply at its next start.
          {guest.pendingChanges ? ' The saved definition already differs from the running one.' : ''}
        </p>
      ) : null}
      {message ? (
        <p className={`notice ${message.kind === 'error' ? 'error' : 'info'} slim`} role={message.kind === 'error' ? 'alert' : 'status'} data-testid="save-message">
          {message.text}
        </p>
      ) : null}
    </>
  );

  return (
    <>
      <EditorWorkbench session={session} host={host} saveLabel="Save" saving={review?.saving ?? false} onSave={() => void save()} banner={banner} />
      {review ? (
        <SaveDiffDialog
          name={name}
          stored={review.stored}
          proposed={review.proposed}
          saving={review.saving}
          error={review.error}
          note={isActive(guest) ? `${name} is ${guest.state}: the saved definition applies at its next start.` : undefined}
          onConfirm={() => void confirm()}
          onCancel={() => setReview(undefined)}
        />
      ) : null}
    </>
  );
}
