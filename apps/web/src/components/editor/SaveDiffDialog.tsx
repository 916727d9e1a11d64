import { useEffect, useRef } from 'react';
import { DiffView } from './DiffView';

/**
 * What a save would change, against the definition stored on the server, in Monaco's
 * diff view. Saving is one more click (or Enter) from here.
 */
export function SaveDiffDialog({
  name,
  stored,
  proposed,
  saving,
  error,
  note,
  refusal,
  onConfirm,
  onCancel,
}: {
  name: string;
  stored: string;
  proposed: string;
  saving: boolean;
  error?: string;
  note?: string;
  /** Why this save cannot be made as it is (the server would refuse it): said before Save, which is then disabled. */
  refusal?: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const confirmRef = useRef<HTMLButtonElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);

  useEffect(() => (refusal ? cancelRef : confirmRef).current?.focus(), [refusal]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && !saving && onCancel();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onCancel, saving]);

  const unchanged = stored === proposed;
  return (
    <div className="modal-backdrop">
      <div className="modal wide" role="dialog" aria-modal="true" aria-labelledby="save-title" data-testid="save-diff">
        <h2 id="save-title">Save {name}?</h2>
        <p className="hint small">{unchanged ? 'The text is the same as the stored definition.' : 'Left: the stored definition. Right: what will be saved.'}</p>
        <DiffView original={stored} modified={proposed} labels={{ original: 'Saved definition', modified: 'Definition to save' }} />
        {note ? <p className="tag-note">{note}</p> : null}
        {refusal ? (
          <p className="error" role="alert" data-testid="save-refused">
            {refusal}
          </p>
        ) : null}
        {error ? (
          <p className="error" role="alert" data-testid="save-error">
            {error}
          </p>
        ) : null}
        <div className="modal-actions">
          <button type="button" ref={cancelRef} onClick={onCancel} disabled={saving}>
            Keep editing
          </button>
          <button type="button" className="primary" ref={confirmRef} onClick={onConfirm} disabled={saving || refusal !== undefined} data-testid="confirm-save">
            {saving ? 'Saving…' : 'Save'}
          </button>
        </div>
      </div>
    </div>
  );
}
