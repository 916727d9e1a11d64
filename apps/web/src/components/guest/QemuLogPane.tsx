import { useEffect, useState } from 'react';
import { api, errorMessage } from '../../api/client';
import type { GuestSummary } from '../../api/types';
import { CopyButton } from '../common/CopyButton';

/** Everything QEMU printed, in full: a start error shows its last lines, this shows the rest. */
export function QemuLogPane({ guest }: { guest: GuestSummary }) {
  const [result, setResult] = useState<{ text?: string; error?: string }>();
  // Each state change may come with new output (a launch, an exit): read it again then.
  const key = `${guest.host}/${guest.name}:${guest.since}:${guest.state}`;

  useEffect(() => {
    const abort = new AbortController();
    api.qemuLog(guest.host, guest.name, abort.signal).then(
      (text) => setResult({ text }),
      (e: unknown) => !abort.signal.aborted && setResult({ error: errorMessage(e) }),
    );
    return () => abort.abort();
  }, [guest.host, guest.name, key]);

  if (!result) return <p className="hint">Loading QEMU's log…</p>;
  if (result.error) return <p className="error">{result.error}</p>;
  const text = result.text ?? '';
  return (
    <div className="qemu-log-pane" data-testid="qemu-log">
      <div className="pane-toolbar">
        <span>{text === '' ? 'QEMU has not been started yet: nothing logged.' : "QEMU's standard output and error, every launch since the guest was defined."}</span>
        <span className="spacer" />
        {text === '' ? null : <CopyButton text={text} label="Copy" testId="copy-qemu-log" />}
      </div>
      {text === '' ? null : <pre className="argv">{text}</pre>}
    </div>
  );
}
