import type { CommandLinePreview } from '../../editor/protocol';
import { CopyButton } from '../common/CopyButton';

/** The QEMU command line the text in the editor becomes, recomputed by the worker on every change. */
export function CommandPreview({ commandLine }: { commandLine: CommandLinePreview | { error: string } | null }) {
  if (!commandLine) return <p className="hint small">The command line appears once the definition can be read and the host capabilities are loaded.</p>;
  if ('error' in commandLine) {
    return (
      <p className="hint small" data-testid="command-preview-error">
        No command line: {commandLine.error}
      </p>
    );
  }
  return (
    <div className={commandLine.stale === true ? 'command-preview stale' : 'command-preview'} data-testid="command-preview">
      <div className="pane-toolbar">
        {commandLine.stale === true ? (
          <span className="hint small stale-note" data-testid="command-preview-stale" role="status">
            Stale: the text does not parse. This is the command line of the last text that did.
          </span>
        ) : commandLine.invalid === true ? (
          <span className="hint small" data-testid="command-preview-invalid">
            The definition has errors (see Problems): this host is checked once it is valid.
          </span>
        ) : (
          <span className="hint small" data-testid="command-preview-source">
            {commandLine.builtBy === 'libvirt'
              ? "libvirt's own command line for it (virsh domxml-to-native) on the guest's host."
              : commandLine.builtBy === 'virtdeck'
                ? `virtdeck's builder, from the guest's host's capabilities${commandLine.note ? `: ${commandLine.note}` : '.'}`
                : 'As on this host, before the server adds its monitor and console sockets at start.'}
          </span>
        )}
        <span className="spacer" />
        <CopyButton text={commandLine.line} label="Copy as one line" testId="copy-command-preview" />
      </div>
      {commandLine.diagnostics.length > 0 ? (
        <ul className="preview-notes" data-testid="command-preview-notes">
          {commandLine.diagnostics.map((d, i) => (
            <li key={i} className={d.severity}>
              <span className={`severity ${d.severity}`}>{d.severity}</span> line {d.range.start.line}: {d.message}
            </li>
          ))}
        </ul>
      ) : null}
      <code className="command-line-text" data-testid="command-preview-line">
        {commandLine.line}
      </code>
    </div>
  );
}
