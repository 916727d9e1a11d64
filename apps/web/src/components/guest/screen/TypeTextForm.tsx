import { useState, type FormEvent } from 'react';
import { api, errorMessage } from '../../../api/client';

/**
 * "Type this text": the server types it on the guest's keyboard (US layout), for a long
 * password or command an installer wants and the clipboard cannot give a VNC screen.
 */
export function TypeTextForm({ host, name, onClose }: { host: string; name: string; onClose: () => void }) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; message: string }>();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setOutcome(undefined);
    api.typeText(host, name, text).then(
      () => {
        setBusy(false);
        setOutcome({ ok: true, message: `Typed ${text.length} characters.` });
      },
      (error: unknown) => {
        setBusy(false);
        setOutcome({ ok: false, message: errorMessage(error) });
      },
    );
  };
  return (
    <form className="screen-type" onSubmit={submit} data-testid="screen-type-form">
      <label htmlFor="screen-type-text">Type this text on the guest&apos;s keyboard (US layout; a line break is Enter)</label>
      <textarea id="screen-type-text" rows={2} value={text} onChange={(e) => setText(e.target.value)} autoFocus data-testid="screen-type-text" />
      <div className="screen-type-actions">
        <button type="submit" className="primary" disabled={busy || text === ''} data-testid="screen-type-submit">
          {busy ? 'Typing…' : 'Type'}
        </button>
        <button type="button" onClick={onClose}>
          Close
        </button>
        {outcome ? (
          <span className={outcome.ok ? 'hint' : 'error small'} role={outcome.ok ? 'status' : 'alert'} data-testid="screen-type-outcome">
            {outcome.message}
          </span>
        ) : null}
      </div>
    </form>
  );
}
