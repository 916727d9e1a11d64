import { useEffect, useRef } from 'react';
import { loadDiffEditor, monaco } from '../../monaco/setup';

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
  const host = useRef<HTMLDivElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    confirmRef.current?.focus();
    let dispose: (() => void) | undefined;
    let closed = false;
    void loadDiffEditor().then(() => {
      if (closed) return;
      const original = monaco.editor.createModel(stored, 'xml');
      const modified = monaco.editor.createModel(proposed, 'xml');
      const diff = monaco.editor.createDiffEditor(element, {
        readOnly: true,
        originalEditable: false,
        automaticLayout: true,
        renderSideBySide: element.clientWidth > 900,
        minimap: { enabled: false },
        scrollBeyondLastLine: false,
        fontSize: 12,
      });
      diff.setModel({ original, modified });
      dispose = () => {
        diff.dispose();
        original.dispose();
        modified.dispose();
      };
    });
    return () => {
      closed = true;
      dispose?.();
    };
  }, [stored, proposed]);

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
        <div className="diff-host" ref={host} />
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
