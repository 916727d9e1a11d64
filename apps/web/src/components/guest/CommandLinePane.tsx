import { useEffect, useState } from 'react';
import { api, errorMessage } from '../../api/client';
import { LOCAL_HOST, type CommandLine, type GuestSummary } from '../../api/types';
import { CopyButton } from '../common/CopyButton';

/** The QEMU command line the saved definition becomes, as the server would start it. */
export function CommandLinePane({ guest }: { guest: GuestSummary }) {
  const [result, setResult] = useState<{ key: string; line?: CommandLine; error?: string }>();
  // A redefinition announces the guest again: fetch anew when its summary changes.
  const key = `${guest.host}/${guest.name}:${guest.since}:${guest.accelerator}:${guest.vcpus}:${guest.memoryKiB}:${guest.pendingChanges ?? ''}`;

  useEffect(() => {
    const abort = new AbortController();
    api.commandLine(guest.host, guest.name, abort.signal).then(
      (line) => setResult({ key, line }),
      (e: unknown) => !abort.signal.aborted && setResult({ key, error: errorMessage(e) }),
    );
    return () => abort.abort();
  }, [guest.host, guest.name, key]);

  if (!result) return <p className="hint">Loading the command line…</p>;
  if (result.error) return <p className="error">{result.error}</p>;
  const line = result.line;
  if (!line) return null;
  return (
    <div className="command-line-pane" data-testid="command-line">
      <div className="pane-toolbar">
        <span data-testid="command-line-source">
          {line.argv.length} arguments.{' '}
          {line.builtBy === 'libvirt'
            ? `libvirt's own command line for it (virsh domxml-to-native on ${guest.host}); libvirt starts QEMU itself.`
            : guest.host === LOCAL_HOST
              ? 'virtdeck starts QEMU with this argv directly, never through a shell.'
              : `virtdeck's builder, from ${guest.host}'s capabilities (libvirt starts QEMU itself)${line.note ? `: ${line.note}` : '.'}`}
        </span>
        <span className="spacer" />
        <CopyButton text={line.line} label="Copy as one line" testId="copy-command-line" />
      </div>
      <pre className="argv">
        {line.argv.map((arg, i) => (
          <div key={i} className={arg.startsWith('-') ? 'argv-option' : 'argv-value'}>
            {arg}
          </div>
        ))}
      </pre>
    </div>
  );
}
