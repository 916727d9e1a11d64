import { HISTORY_LIMIT } from '@virtdeck/schema';
import { useEffect, useMemo, useState } from 'react';
import { api, errorMessage } from '../../api/client';
import type { DefinitionVersion, GuestSummary } from '../../api/types';
import { formatBytes, formatTime } from '../../format';
import { isActive } from '../../store/guestStore';
import { versionUnderName } from '../../editor/versionUnderName';
import { DiffView } from './DiffView';
import { SaveDiffDialog } from './SaveDiffDialog';

interface Loaded {
  versions: DefinitionVersion[];
  current: string;
}

/**
 * The definitions a guest had before its saves: each against the current one in the diff
 * view, and restored through the save dialog, so a restore is a save like any other (and
 * the definition it replaces is kept in turn).
 */
export function DefinitionHistory({ guest }: { guest: GuestSummary }) {
  const { name, host } = guest;
  const [loaded, setLoaded] = useState<Loaded>();
  const [error, setError] = useState<string>();
  const [selected, setSelected] = useState<{ id: string; text?: string; error?: string }>();
  const [restore, setRestore] = useState<{ saving: boolean; error?: string }>();
  const [message, setMessage] = useState<string>();

  // Every save announces the guest anew: read the history again then.
  useEffect(() => {
    const abort = new AbortController();
    Promise.all([api.history(host, name, abort.signal), api.guestXml(host, name, { signal: abort.signal })]).then(
      ([versions, current]) => {
        setLoaded({ versions, current });
        setError(undefined);
        setSelected((s) => (s && versions.some((v) => v.id === s.id) ? s : versions[0] ? { id: versions[0].id } : undefined));
      },
      (e: unknown) => !abort.signal.aborted && setError(errorMessage(e)),
    );
    return () => abort.abort();
  }, [host, name, guest]);

  const selectedId = selected?.id;
  const needsText = selected !== undefined && selected.text === undefined && selected.error === undefined;
  useEffect(() => {
    if (!selectedId || !needsText) return;
    const abort = new AbortController();
    api.version(host, name, selectedId, abort.signal).then(
      (text) => setSelected({ id: selectedId, text }),
      (e: unknown) => !abort.signal.aborted && setSelected({ id: selectedId, error: errorMessage(e) }),
    );
    return () => abort.abort();
  }, [host, name, selectedId, needsText]);

  const selectedText = selected?.text;
  const toRestore = useMemo(() => (selectedText === undefined ? undefined : versionUnderName(selectedText, name)), [selectedText, name]);

  if (error) return <p className="error">{error}</p>;
  if (!loaded) return <p className="hint">Loading the history…</p>;
  const { versions, current } = loaded;
  const version = versions.find((v) => v.id === selectedId);

  const confirmRestore = async () => {
    if (!version || !toRestore) return;
    setRestore({ saving: true });
    try {
      await api.redefine(host, name, toRestore.text);
      setRestore(undefined);
      const later = isActive(guest) ? ` ${name} is ${guest.state}: the restored definition applies at its next start.` : '';
      setMessage(`Restored the definition saved ${formatTime(version.savedAt)}; the one it replaced is now the newest version here.${later}`);
    } catch (e) {
      setRestore({ saving: false, error: errorMessage(e) });
    }
  };

  return (
    <div className="history-pane" data-testid="history">
      <div className="pane-toolbar">
        <span>Every save keeps the definition it replaces (the last {HISTORY_LIMIT} saves).</span>
      </div>
      {message ? (
        <p className="notice info slim" role="status" data-testid="history-message">
          {message}
        </p>
      ) : null}
      {versions.length === 0 ? (
        <p className="hint history-empty" data-testid="history-empty">
          No earlier definitions yet: the first save of {name} keeps the one it replaces.
        </p>
      ) : (
        <div className="history-layout">
          <ol className="history-list" aria-label={`Earlier definitions of ${name}`}>
            {versions.map((v) => (
              <li key={v.id}>
                <button
                  type="button"
                  className={v.id === selectedId ? 'history-entry active' : 'history-entry'}
                  aria-pressed={v.id === selectedId}
                  onClick={() => setSelected({ id: v.id })}
                  data-testid={`version-${v.id}`}
                >
                  <span>Saved {formatTime(v.savedAt)}</span>
                  <span className="hint small">
                    replaced {formatTime(v.replacedAt)} · {formatBytes(v.bytes)}
                  </span>
                </button>
              </li>
            ))}
          </ol>
          <div className="history-detail">
            {selected?.error ? <p className="error">{selected.error}</p> : null}
            {selected?.text !== undefined && toRestore && version ? (
              <>
                <div className="pane-toolbar">
                  <span>Left: the definition saved {formatTime(version.savedAt)}. Right: the current one.</span>
                  <span className="spacer" />
                  <button type="button" onClick={() => setRestore({ saving: false })} disabled={toRestore.text === current} data-testid="restore-version">
                    {toRestore.text === current ? 'Same as the current one' : 'Restore this version…'}
                  </button>
                </div>
                <DiffView original={selected.text} modified={current} labels={{ original: 'Earlier version', modified: 'Current definition' }} testId="history-diff" />
              </>
            ) : selected?.error ? null : (
              <p className="hint">Loading the version…</p>
            )}
          </div>
        </div>
      )}
      {restore && toRestore ? (
        <SaveDiffDialog
          name={name}
          stored={current}
          proposed={toRestore.text}
          saving={restore.saving}
          error={restore.error}
          note={
            [
              toRestore.namedThen !== undefined ? `This version was saved when the guest was called ${toRestore.namedThen}: it is restored under its name now, ${name}.` : '',
              isActive(guest) ? `${name} is ${guest.state}: the restored definition applies at its next start.` : '',
            ]
              .filter(Boolean)
              .join(' ') || undefined
          }
          onConfirm={() => void confirmRestore()}
          onCancel={() => setRestore(undefined)}
        />
      ) : null}
    </div>
  );
}
