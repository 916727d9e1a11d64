import type { editor } from 'monaco-editor/editor/editor.api';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { errorMessage } from '../../api/client';
import type { ApiDiagnostic, HostInfo } from '../../api/types';
import type { FormChange } from '../../editor/domainForm';
import type { EditorSession } from '../../editor/EditorSession';
import { useEditorSnapshot } from '../../editor/useEditorSession';
import { CommandPreview } from './CommandPreview';
import { DomainFormPanel } from './DomainFormPanel';
import { ProblemsList } from './ProblemsList';
import { XmlEditor } from './XmlEditor';

type BottomTab = 'command-line' | 'problems';

/** Editor, form, command line preview and problems around one session, with the save button. */
export function EditorWorkbench({
  session,
  host,
  saveLabel,
  saving,
  onSave,
  banner,
}: {
  session: EditorSession;
  host: HostInfo | undefined;
  saveLabel: string;
  saving: boolean;
  onSave: () => void;
  banner?: ReactNode;
}) {
  const snapshot = useEditorSnapshot(session);
  const [instance, setInstance] = useState<editor.IStandaloneCodeEditor>();
  const [formError, setFormError] = useState<string>();
  const [bottom, setBottom] = useState<BottomTab>('command-line');
  const onSaveRef = useRef(onSave);
  useEffect(() => {
    onSaveRef.current = onSave;
  });
  // Ctrl/Cmd+S saves wherever the focus is on the page (editor, form), not the browser's "save page".
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 's') {
        event.preventDefault();
        if (!event.repeat) onSaveRef.current();
      }
    };
    window.addEventListener('keydown', onKey, { capture: true });
    return () => window.removeEventListener('keydown', onKey, { capture: true });
  }, []);
  if (!snapshot) return null;

  const problems = [
    ...snapshot.rejected.map((diagnostic) => ({ diagnostic, source: 'save refused' })),
    ...snapshot.diagnostics.map((diagnostic) => ({ diagnostic, source: 'virtdeck' })),
    ...snapshot.serverDiagnostics.map((diagnostic) => ({ diagnostic, source: 'host check' })),
  ];
  // By what each problem does to a start, as the command-line pane and the problems list label them: an
  // error of this host (a disk without a source) stops the start as surely as one of the document.
  const count = (severity: ApiDiagnostic['severity']) => problems.filter((p) => p.diagnostic.severity === severity).length;
  const errors = count('error');
  const warnings = count('warning');

  /** The promise settles when the XML has the change (a control shows its new value until then). */
  const applyForm = (change: FormChange): Promise<void> => {
    setFormError(undefined);
    const applied = session.applyFormChange(change);
    applied.catch((e: unknown) => setFormError(errorMessage(e)));
    return applied;
  };

  const reveal = (d: ApiDiagnostic) => {
    if (!instance) return;
    instance.setSelection({ startLineNumber: d.range.start.line, startColumn: d.range.start.column, endLineNumber: d.range.end.line, endColumn: d.range.end.column });
    instance.revealLineInCenter(d.range.start.line);
    instance.focus();
  };

  return (
    <div className="workbench" data-testid="workbench">
      <div className="pane-toolbar">
        <button type="button" className="primary" onClick={onSave} disabled={saving} data-testid="save" title="Ctrl+S / Cmd+S">
          {saving ? `${saveLabel}…` : saveLabel}
        </button>
        <button type="button" onClick={() => void instance?.getAction('editor.action.formatDocument')?.run()} disabled={!instance} data-testid="format" title="Shift+Alt+F">
          Format
        </button>
        {snapshot.dirty ? (
          <span className="tag" data-testid="dirty">
            unsaved changes
          </span>
        ) : null}
        <span className="spacer" />
        <button type="button" className="link" onClick={() => setBottom('problems')} data-testid="problem-counts">
          {errors === 0 ? '0 errors' : `${errors} ${errors === 1 ? 'error stops' : 'errors stop'} a start`} · {warnings} {warnings === 1 ? 'warning' : 'warnings'}
        </button>
        <span className="hint small" data-testid="check-status">
          {snapshot.validateMs !== undefined ? `checked in ${Math.max(1, Math.round(snapshot.validateMs))} ms` : 'checking…'}
          {snapshot.serverCheck === 'pending' ? ' · host check…' : snapshot.serverCheck === 'failed' ? ' · host check unavailable' : ''}
        </span>
      </div>
      {banner}
      <div className="workbench-main">
        <XmlEditor session={session} onEditor={setInstance} />
        <aside className="workbench-side" aria-label="Settings">
          {formError ? (
            <p className="error" role="alert">
              {formError}
            </p>
          ) : null}
          <DomainFormPanel form={snapshot.form} host={host} emulator={snapshot.emulator ?? undefined} onChange={applyForm} />
        </aside>
      </div>
      <div className="workbench-bottom">
        <div className="tabs small" role="tablist">
          <button type="button" role="tab" aria-selected={bottom === 'command-line'} className={bottom === 'command-line' ? 'tab active' : 'tab'} onClick={() => setBottom('command-line')}>
            QEMU command line
          </button>
          <button type="button" role="tab" aria-selected={bottom === 'problems'} className={bottom === 'problems' ? 'tab active' : 'tab'} onClick={() => setBottom('problems')} data-testid="problems-tab">
            Problems ({problems.length})
          </button>
        </div>
        <div className="bottom-panel">
          {bottom === 'command-line' ? <CommandPreview commandLine={snapshot.commandLine} /> : <ProblemsList problems={problems} onReveal={reveal} />}
        </div>
      </div>
    </div>
  );
}
