import { useEffect, useRef, useState } from 'react';
import { api, ApiError, errorMessage } from '../../api/client';
import { LOCAL_HOST, type GuestSummary } from '../../api/types';
import { arrivedGuestXml, loadGuestXml } from '../../editor/guestXmlPrefetch';
import { useEditorSession } from '../../editor/useEditorSession';
import { unsavedEditsOf, useDraftStore } from '../../store/draftStore';
import { useEventLogStore } from '../../store/eventLogStore';
import { guestKey, isActive, useGuestStore } from '../../store/guestStore';
import { useHostStore } from '../../store/hostStore';
import { useSessionStore } from '../../store/sessionStore';
import { navigate } from '../../router';
import { EditorWorkbench } from './EditorWorkbench';
import { SaveDiffDialog } from './SaveDiffDialog';
import { useUnsavedGuard } from './useUnsavedGuard';

interface Review {
  stored: string;
  proposed: string;
  /** The name the proposed text gives, when it is not the guest's: the save renames it. */
  renameTo?: string;
  saving: boolean;
  /** Someone else saved since this editor loaded the definition. */
  changedElsewhere: boolean;
  error?: string;
}

type Message = { kind: 'info' | 'warning' | 'error'; text: string };

/** When the guest's definition was last saved (by anyone), from the live event stream. */
const lastDefinedAt = (key: string) => (s: ReturnType<typeof useEventLogStore.getState>) =>
  s.events[key]?.findLast((e) => e.event === 'defined')?.timestamp;

/** The guest page's Definition tab: the saved XML in the editor, saved back with a diff first. */
export function GuestDefinition({ guest }: { guest: GuestSummary }) {
  const { name, host: hostId } = guest;
  const key = guestKey(hostId, name);
  // That host's capabilities (a libvirt host's domcapabilities): the form's machine types, CPU models and accelerators.
  const host = useHostStore((s) => s.hosts[hostId]);
  const [loaded, setLoaded] = useState<{ text?: string; error?: string } | undefined>(() => {
    const text = arrivedGuestXml(hostId, name);
    return text === undefined ? undefined : { text };
  });
  const [review, setReview] = useState<Review>();
  const [message, setMessage] = useState<Message>();
  const modelPath = hostId === LOCAL_HOST ? '' : `/hosts/${encodeURIComponent(hostId)}`;
  const session = useEditorSession(`virtdeck:${modelPath}/guest/${encodeURIComponent(name)}.xml`, loaded?.text, host, hostId);
  useUnsavedGuard(session);
  const definedAt = useEventLogStore(lastDefinedAt(key));
  const seenDefinedAt = useRef(definedAt);
  /** The stored definition this editor started from (or last saved): a save compares against it. */
  const baseline = useRef<string | undefined>(undefined);

  useEffect(() => void useHostStore.getState().load(hostId), [hostId]);

  useEffect(() => {
    const abort = new AbortController();
    loadGuestXml(hostId, name, abort.signal).then(
      (text) => {
        if (abort.signal.aborted) return;
        baseline.current = text;
        // The same text as the first render had (arrivedGuestXml): nothing to render again.
        setLoaded((shown) => (shown?.text === text ? shown : { text }));
      },
      (e: unknown) => !abort.signal.aborted && setLoaded({ error: errorMessage(e) }),
    );
    return () => abort.abort();
  }, [hostId, name]);

  // Saved elsewhere (another page, the API): follow it when there is nothing unsaved here, say so otherwise.
  useEffect(() => {
    if (!session || definedAt === undefined || definedAt === seenDefinedAt.current) return;
    seenDefinedAt.current = definedAt;
    const abort = new AbortController();
    api.guestXml(hostId, name, { signal: abort.signal }).then(
      (stored) => {
        if (stored === baseline.current) return;
        baseline.current = stored;
        if (stored === session.text) session.markSaved();
        else if (!session.getSnapshot().dirty) {
          session.replaceText(stored, { saved: true });
          setMessage({ kind: 'info', text: 'The definition was changed elsewhere; this is the new version.' });
        } else setMessage({ kind: 'warning', text: 'The definition was changed elsewhere. Saving shows their version on the left of the comparison.' });
      },
      () => undefined,
    );
    return () => abort.abort();
  }, [definedAt, session, hostId, name]);

  // Unsaved edits of a guest deleted elsewhere are kept as a draft for "New guest".
  useEffect(() => {
    if (!session) return;
    return () => {
      const text = session.unsavedTextAtClose;
      const { guests, removing } = useGuestStore.getState();
      if (text !== undefined && !guests[key] && removing[key] !== 'rename') useDraftStore.getState().keep({ text, origin: unsavedEditsOf(hostId, name) });
    };
  }, [session, hostId, name, key]);

  if (loaded?.error) return <p className="error">The definition could not be loaded: {loaded.error}</p>;
  if (!session) return <p className="hint">Loading the definition…</p>;

  const save = async () => {
    if (review) return;
    setMessage(undefined);
    const snapshot = await session.settled();
    // Only what libvirt would reject stops a save; what this host lacks stops a start.
    const errors = snapshot.diagnostics.filter((d) => d.severity === 'error' && d.scope === 'document');
    if (errors.length > 0) {
      const first = errors[0]!;
      setMessage({
        kind: 'error',
        text: `Not saved: the definition has ${errors.length} ${errors.length === 1 ? 'error' : 'errors'} (first on line ${first.range.start.line}: ${first.message}).`,
      });
      return;
    }
    try {
      const stored = await api.guestXml(hostId, name);
      const newName = snapshot.form?.name;
      setReview({
        stored,
        proposed: session.text,
        saving: false,
        changedElsewhere: baseline.current !== undefined && stored !== baseline.current,
        ...(newName && newName !== name ? { renameTo: newName } : {}),
      });
    } catch (e) {
      setMessage({ kind: 'error', text: `The stored definition could not be read: ${errorMessage(e)}` });
    }
  };

  const confirm = async () => {
    if (!review) return;
    setReview({ ...review, saving: true, error: undefined });
    if (review.renameTo) return rename(review);
    try {
      await api.redefine(hostId, name, review.proposed);
      baseline.current = review.proposed;
      if (session.text === review.proposed) session.markSaved();
      setReview(undefined);
      setMessage({ kind: 'info', text: isActive(guest) ? `Saved. ${name} is ${guest.state}: the changes apply at its next start.` : 'Saved.' });
    } catch (e) {
      if (e instanceof ApiError && e.diagnostics.length > 0) {
        session.showRejected(e.diagnostics);
        setReview(undefined);
        setMessage({ kind: 'error', text: `The server refused the definition: ${e.message}. Its diagnostics are marked in the text.` });
      } else setReview({ ...review, saving: false, error: errorMessage(e) });
    }
  };

  /** Saving under another name renames the guest (the server moves everything); its page moves too. */
  const rename = async (current: Review) => {
    const { expectRemoval } = useGuestStore.getState();
    expectRemoval(key, 'rename');
    try {
      const renamed = await api.redefine(hostId, name, current.proposed);
      useGuestStore.getState().upsert(renamed);
      useSessionStore.getState().notify('info', `Renamed ${name} to ${renamed.name}.`);
      navigate({ page: 'guest', host: renamed.host, name: renamed.name, tab: 'xml' }, { replace: true, force: true });
    } catch (e) {
      setReview({ ...current, saving: false, error: `${name} was not renamed to ${current.renameTo}: ${errorMessage(e)}` });
    } finally {
      expectRemoval(key, false);
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
        <p className={`notice ${message.kind} slim`} role={message.kind === 'info' ? 'status' : 'alert'} data-testid="save-message">
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
          refusal={
            review.renameTo && isActive(guest)
              ? `${name} is ${guest.state}, so it cannot be renamed to ${review.renameTo}: a guest is renamed when it is shut off (as virsh domrename does). Shut it down first, or give it back the name ${name} to save the other changes.`
              : undefined
          }
          note={
            [
              review.renameTo && !isActive(guest) ? `Saving renames ${name} to ${review.renameTo}: its definition, logs, events and history move to the new name (disk images stay where they are).` : '',
              review.changedElsewhere ? 'The stored definition changed since you opened it: the left side is that version, which this save replaces.' : '',
              isActive(guest) && !review.renameTo ? `${name} is ${guest.state}: the saved definition applies at its next start.` : '',
            ]
              .filter(Boolean)
              .join(' ') || undefined
          }
          onConfirm={() => void confirm()}
          onCancel={() => setReview(undefined)}
        />
      ) : null}
    </>
  );
}
