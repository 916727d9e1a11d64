import { useEffect, useRef } from 'react';
import { loadDiffEditor, monaco } from '../../monaco/setup';

/**
 * Two definitions in Monaco's read-only diff view, side by side where there is room; the
 * labels name each side for screen readers.
 */
export function DiffView({
  original,
  modified,
  labels,
  testId,
}: {
  original: string;
  modified: string;
  labels: { original: string; modified: string };
  testId?: string;
}) {
  const host = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    let dispose: (() => void) | undefined;
    let closed = false;
    void loadDiffEditor().then(() => {
      if (closed) return;
      const originalModel = monaco.editor.createModel(original, 'xml');
      const modifiedModel = monaco.editor.createModel(modified, 'xml');
      const diff = monaco.editor.createDiffEditor(element, {
        readOnly: true,
        originalEditable: false,
        automaticLayout: true,
        renderSideBySide: element.clientWidth > 900,
        minimap: { enabled: false },
        scrollBeyondLastLine: false,
        fontSize: 12,
      });
      diff.setModel({ original: originalModel, modified: modifiedModel });
      // Monaco 0.57's diff editor empties its sides' labels (originalAriaLabel and
      // modifiedAriaLabel included) whenever it passes its options on, so each side keeps its own.
      const sides = [
        [diff.getOriginalEditor(), labels.original],
        [diff.getModifiedEditor(), labels.modified],
      ] as const;
      for (const [side, label] of sides) {
        const keepLabel = () => {
          if (side.getOption(monaco.editor.EditorOption.ariaLabel) !== label) side.updateOptions({ ariaLabel: label });
        };
        keepLabel();
        side.onDidChangeConfiguration(keepLabel);
      }
      dispose = () => {
        diff.dispose();
        originalModel.dispose();
        modifiedModel.dispose();
      };
    });
    return () => {
      closed = true;
      dispose?.();
    };
  }, [original, modified, labels.original, labels.modified]);

  return <div className="diff-host" ref={host} data-testid={testId} />;
}
