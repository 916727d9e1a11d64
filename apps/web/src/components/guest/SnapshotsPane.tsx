import { guestCondition, isAllowed } from '@virtdeck/schema';
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { api, errorMessage } from '../../api/client';
import type { CloneMode, GuestSummary, SnapshotSummary } from '../../api/types';
import { formatTime } from '../../format';
import { navigate } from '../../router';
import { useSessionStore } from '../../store/sessionStore';
import { ConfirmDialog } from '../common/ConfirmDialog';
import { snapshotTree, type SnapshotNode } from './snapshotTree';

type Pending = { kind: 'revert' | 'delete'; snapshot: SnapshotSummary };

/** The guest's snapshots as a tree (current one marked), taking, reverting and deleting them, and cloning the guest. */
export function SnapshotsPane({ guest }: { guest: GuestSummary }) {
  const [snapshots, setSnapshots] = useState<SnapshotSummary[]>();
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState<Pending>();
  const [busy, setBusy] = useState(false);
  const [cloning, setCloning] = useState(false);
  // A revert or a start changes the guest: read the list again then.
  const key = `${guest.name}:${guest.since}:${guest.state}`;

  const reload = useCallback(
    (signal?: AbortSignal) =>
      api.snapshots(guest.name, signal).then(
        (list) => setSnapshots(list),
        (e: unknown) => !signal?.aborted && setError(errorMessage(e)),
      ),
    [guest.name],
  );
  useEffect(() => {
    const abort = new AbortController();
    void reload(abort.signal);
    return () => abort.abort();
  }, [reload, key]);

  const confirm = async () => {
    if (!pending) return;
    setBusy(true);
    setError(undefined);
    try {
      if (pending.kind === 'revert') await api.revertSnapshot(guest.name, pending.snapshot.name);
      else await api.deleteSnapshot(guest.name, pending.snapshot.name);
      setPending(undefined);
      await reload();
    } catch (e) {
      setPending(undefined);
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const running = guest.state === 'running' || guest.state === 'paused' || guest.state === 'shutdown';
  return (
    <div className="snapshots-pane" data-testid="snapshots">
      <TakeSnapshot guest={guest} running={running} onTaken={() => reload()} onError={setError} />
      {error ? (
        <p className="error" role="alert" data-testid="snapshot-error">
          {error}
        </p>
      ) : null}
      {snapshots === undefined ? (
        <p className="hint">Loading snapshots…</p>
      ) : snapshots.length === 0 ? (
        <p className="hint" data-testid="snapshots-empty">
          No snapshots yet.
        </p>
      ) : (
        <SnapshotList nodes={snapshotTree(snapshots)} onRevert={(snapshot) => setPending({ kind: 'revert', snapshot })} onDelete={(snapshot) => setPending({ kind: 'delete', snapshot })} />
      )}
      <section className="clone-section">
        <h2>Clone</h2>
        <p className="hint">A copy of this guest with its own name, UUID, MAC addresses and disks. {guestCondition(guest).qemu ? 'Shut it off first: its disks must not change while they are copied.' : ''}</p>
        <button type="button" onClick={() => setCloning(true)} disabled={!isAllowed('clone', guestCondition(guest))} data-testid="clone-open">
          Clone…
        </button>
      </section>
      {pending ? (
        <ConfirmDialog
          title={pending.kind === 'revert' ? `Revert ${guest.name} to '${pending.snapshot.name}'?` : `Delete the snapshot '${pending.snapshot.name}'?`}
          confirmLabel={pending.kind === 'revert' ? 'Revert' : 'Delete'}
          busy={busy}
          onConfirm={() => void confirm()}
          onCancel={() => setPending(undefined)}
          testId={`snapshot-confirm-${pending.kind}`}
        >
          <p>{pending.kind === 'revert' ? revertLoss(guest, pending.snapshot) : deleteLoss(pending.snapshot)}</p>
        </ConfirmDialog>
      ) : null}
      {cloning ? <CloneDialog guest={guest} onClose={() => setCloning(false)} /> : null}
    </div>
  );
}

/** What a revert throws away, said before it is done. */
export function revertLoss(guest: GuestSummary, snapshot: SnapshotSummary): string {
  const since = `The guest's current state since '${snapshot.name}' (${formatTime(snapshot.createdAt)}) is lost:`;
  const what = snapshot.memory
    ? `everything written to its disks and, if it runs, its memory. It resumes ${snapshot.state === 'paused' ? 'paused' : 'running'} where it was then.`
    : `everything written to its disks${guest.state === 'shutoff' ? '' : ', and it is forced off now (this snapshot holds no memory)'}.`;
  return `${since} ${what} Its definition goes back to the one of that time.`;
}

function deleteLoss(snapshot: SnapshotSummary): string {
  if (snapshot.broken !== undefined) return `The file of '${snapshot.name}', which cannot be read as a snapshot, is deleted; a snapshot of that name inside the disk images stays there.`;
  return `'${snapshot.name}' is removed from the disk images and can no longer be reverted to; the guest's current state is kept.${snapshot.parent ? ` Snapshots taken after it then follow '${snapshot.parent}'.` : ''}`;
}

function TakeSnapshot({ guest, running, onTaken, onError }: { guest: GuestSummary; running: boolean; onTaken: () => void; onError: (message: string | undefined) => void }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    onError(undefined);
    try {
      await api.createSnapshot(guest.name, { name: name.trim(), ...(description.trim() ? { description: description.trim() } : {}) });
      setName('');
      setDescription('');
      onTaken();
    } catch (error) {
      onError(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="pane-toolbar snapshot-form" onSubmit={(e) => void submit(e)}>
      <label className="field">
        Name
        <input value={name} onChange={(e) => setName(e.target.value)} required data-testid="snapshot-name" />
      </label>
      <label className="field">
        Description
        <input value={description} onChange={(e) => setDescription(e.target.value)} data-testid="snapshot-description" />
      </label>
      <span className="hint" data-testid="snapshot-kind">
        {running ? 'With its memory: the guest pauses while it is saved.' : 'Of its disks (the guest is off).'}
      </span>
      <button type="submit" disabled={busy || name.trim() === ''} data-testid="snapshot-create">
        {busy ? 'Taking snapshot…' : 'Take snapshot'}
      </button>
    </form>
  );
}

function SnapshotList({ nodes, onRevert, onDelete }: { nodes: SnapshotNode[]; onRevert: (s: SnapshotSummary) => void; onDelete: (s: SnapshotSummary) => void }) {
  return (
    <ul className="snapshot-tree">
      {nodes.map(({ snapshot, children }) => (
        <li key={snapshot.name}>
          <div className={snapshot.current ? 'snapshot current' : 'snapshot'} data-testid={`snapshot-${snapshot.name}`}>
            <strong>{snapshot.name}</strong>
            {snapshot.current ? (
              <span className="tag" data-testid={`snapshot-${snapshot.name}-current`}>
                current
              </span>
            ) : null}
            {snapshot.broken !== undefined ? (
              <span className="error small" data-testid={`snapshot-${snapshot.name}-broken`}>
                {snapshot.broken}
              </span>
            ) : (
              <span className="hint">
                {formatTime(snapshot.createdAt)} · {snapshot.state}
                {snapshot.memory ? ' · with memory' : ' · disks only'}
              </span>
            )}
            {snapshot.description ? <span className="snapshot-description">{snapshot.description}</span> : null}
            <span className="spacer" />
            {snapshot.broken === undefined ? (
              <button type="button" onClick={() => onRevert(snapshot)} data-testid={`snapshot-${snapshot.name}-revert`}>
                Revert
              </button>
            ) : null}
            <button type="button" className="danger-outline" onClick={() => onDelete(snapshot)} data-testid={`snapshot-${snapshot.name}-delete`}>
              Delete
            </button>
          </div>
          {children.length > 0 ? <SnapshotList nodes={children} onRevert={onRevert} onDelete={onDelete} /> : null}
        </li>
      ))}
    </ul>
  );
}

const MODES: Record<CloneMode, string> = {
  full: 'Full copy: each disk copied in full (qcow2). Independent of this guest; takes the disks’ space and time to copy.',
  linked: 'Linked: each disk a small qcow2 overlay on this guest’s image. Made at once, but this guest’s disks must then stay unchanged.',
};

function CloneDialog({ guest, onClose }: { guest: GuestSummary; onClose: () => void }) {
  const [name, setName] = useState(`${guest.name}-clone`);
  const [mode, setMode] = useState<CloneMode>('full');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const nameRef = useRef<HTMLInputElement>(null);
  useEffect(() => nameRef.current?.select(), []);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && !busy && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [busy, onClose]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const clone = await api.clone(guest.name, name.trim(), mode);
      useSessionStore.getState().notify('info', `Cloned ${guest.name} as ${clone.name} (${mode === 'full' ? 'full copy' : 'linked'}).`);
      navigate({ page: 'guest', host: clone.host, name: clone.name, tab: 'console' });
    } catch (failure) {
      setError(errorMessage(failure));
      setBusy(false);
    }
  };
  return (
    <div className="modal-backdrop">
      <form className="modal" role="dialog" aria-modal="true" aria-labelledby="clone-title" data-testid="clone-dialog" onSubmit={(e) => void submit(e)}>
        <h2 id="clone-title">Clone {guest.name}</h2>
        <label className="field">
          Name of the clone
          <input ref={nameRef} value={name} onChange={(e) => setName(e.target.value)} required data-testid="clone-name" />
        </label>
        <fieldset className="clone-modes">
          <legend>Disks</legend>
          {(Object.keys(MODES) as CloneMode[]).map((m) => (
            <label key={m} className="field checkbox">
              <input type="radio" name="clone-mode" value={m} checked={mode === m} onChange={() => setMode(m)} data-testid={`clone-mode-${m}`} />
              {MODES[m]}
            </label>
          ))}
        </fieldset>
        {error ? (
          <p className="error" role="alert" data-testid="clone-error">
            {error}
          </p>
        ) : null}
        <div className="modal-actions">
          <button type="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" disabled={busy || name.trim() === ''} data-testid="clone-submit">
            {busy ? 'Cloning…' : 'Clone'}
          </button>
        </div>
      </form>
    </div>
  );
}
