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

export function toMarker(monaco: Monaco, diagnostic: ApiDiagnostic, source: string): editor.IMarkerData {
  return {
    ...toMonacoRange(diagnostic.range),
    severity: markerSeverity(monaco, diagnostic.severity),
    message: diagnostic.message,
    code: diagnostic.code,
    source,
  };
}

/** Does this Monaco marker stand for this diagnostic? (Markers keep no reference to where they came from.) */
export function markerMatches(marker: editor.IMarkerData, diagnostic: ApiDiagnostic): boolean {
  return (
    marker.code === diagnostic.code &&
    marker.message === diagnostic.message &&
    marker.startLineNumber === diagnostic.range.start.line &&
    marker.startColumn === diagnostic.range.start.column
  );
}

export function toWorkspaceEdits(resource: editor.ITextModel['uri'], versionId: number, edits: readonly TextEdit[]): languages.IWorkspaceTextEdit[] {
  return edits.map((edit) => ({ resource, versionId, textEdit: { range: toMonacoRange(edit.range), text: edit.newText } }));
}

export const toEditOperations = (edits: readonly TextEdit[]): editor.IIdentifiedSingleEditOperation[] =>
  edits.map((edit) => ({ range: toMonacoRange(edit.range), text: edit.newText }));
