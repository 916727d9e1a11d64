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
  onConfirm,
  onCancel,
}: {
  name: string;
  stored: string;
  proposed: string;
  saving: boolean;
  error?: string;
  note?: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const confirmRef = useRef<HTMLButtonElement>(null);

  useEffect(() => confirmRef.current?.focus(), []);

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
        {error ? (
          <p className="error" role="alert" data-testid="save-error">
            {error}
          </p>
        ) : null}
        <div className="modal-actions">
          <button type="button" onClick={onCancel} disabled={saving}>
            Keep editing
          </button>
          <button type="button" className="primary" ref={confirmRef} onClick={onConfirm} disabled={saving} data-testid="confirm-save">
            {saving ? 'Saving…' : 'Save'}
          </button>
        </div>
      </div>
    </div>
  );
}
