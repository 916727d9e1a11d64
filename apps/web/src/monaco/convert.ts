import type { Range, Severity, TextEdit } from '@virtdeck/schema';
import type { ApiDiagnostic } from '../api/types';
import type { Monaco } from './setup';
import type { editor, IRange, languages } from 'monaco-editor/editor/editor.api';

/**
 * Positions in @virtdeck/schema are 1-based lines and 1-based UTF-16 columns, exactly as
 * Monaco counts them, so ranges carry over without any arithmetic.
 */
export const toMonacoRange = (range: Range): IRange => ({
  startLineNumber: range.start.line,
  startColumn: range.start.column,
  endLineNumber: range.end.line,
  endColumn: range.end.column,
});

export function markerSeverity(monaco: Monaco, severity: Severity): number {
  switch (severity) {
    case 'error':
      return monaco.MarkerSeverity.Error;
    case 'warning':
      return monaco.MarkerSeverity.Warning;
    case 'info':
      return monaco.MarkerSeverity.Info;
    default: {
      const unreachable: never = severity;
      return unreachable;
    }
  }
}

/**
 * A host diagnostic (scope 'host') is no fault of the text: while editing it shows one step
 * milder than it will be at start (an error as a warning, a warning as information), and its
 * hover says it is about this host. Document diagnostics show as they are.
 */
export function shownSeverity(diagnostic: Pick<ApiDiagnostic, 'severity' | 'scope'>): Severity {
  if (diagnostic.scope === 'document') return diagnostic.severity;
  return diagnostic.severity === 'error' ? 'warning' : 'info';
}

export function toMarker(monaco: Monaco, diagnostic: ApiDiagnostic, source: string): editor.IMarkerData {
  const host = diagnostic.scope === 'host';
  return {
    ...toMonacoRange(diagnostic.range),
    severity: markerSeverity(monaco, shownSeverity(diagnostic)),
    message: host ? `On this host: ${diagnostic.message}` : diagnostic.message,
    code: diagnostic.code,
    source: host ? `${source}, on this host` : source,
  };
}

/** Does this Monaco marker stand for this diagnostic? (Markers keep no reference to where they came from.) */
export function markerMatches(marker: editor.IMarkerData, diagnostic: ApiDiagnostic): boolean {
  return (
    marker.code === diagnostic.code &&
    marker.message.endsWith(diagnostic.message) &&
    marker.startLineNumber === diagnostic.range.start.line &&
    marker.startColumn === diagnostic.range.start.column
  );
}

export function toWorkspaceEdits(resource: editor.ITextModel['uri'], versionId: number, edits: readonly TextEdit[]): languages.IWorkspaceTextEdit[] {
  return edits.map((edit) => ({ resource, versionId, textEdit: { range: toMonacoRange(edit.range), text: edit.newText } }));
}

export const toEditOperations = (edits: readonly TextEdit[]): editor.IIdentifiedSingleEditOperation[] =>
  edits.map((edit) => ({ range: toMonacoRange(edit.range), text: edit.newText }));
