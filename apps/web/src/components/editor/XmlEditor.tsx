import { useEffect, useLayoutEffect, useRef } from 'react';
import type { editor } from 'monaco-editor/editor/editor.api';
import type { EditorSession } from '../../editor/EditorSession';
import { registerDomainLanguageFeatures } from '../../monaco/providers';
import { monaco } from '../../monaco/setup';

registerDomainLanguageFeatures(monaco);
performance.mark('virtdeck:monaco-evaluated');

/** Monaco on a session's model; everything else is the session's business. */
export function XmlEditor({
  session,
  onEditor,
  readOnly,
}: {
  session: EditorSession;
  onEditor?: (editor: editor.IStandaloneCodeEditor | undefined) => void;
  readOnly?: boolean;
}) {
  const host = useRef<HTMLDivElement>(null);
  const onEditorRef = useRef(onEditor);
  useEffect(() => {
    onEditorRef.current = onEditor;
  });

  // Created before the page is painted: the frame that shows the page shows the editor too.
  useLayoutEffect(() => {
    const element = host.current;
    if (!element) return;
    performance.mark('virtdeck:editor-create');
    const instance = monaco.editor.create(element, {
      model: session.model,
      readOnly,
      automaticLayout: true,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      fontSize: 13,
      tabSize: 2,
      wordBasedSuggestions: 'off',
      quickSuggestions: { other: true, strings: true, comments: false },
      suggestOnTriggerCharacters: true,
      fixedOverflowWidgets: true,
      lightbulb: { enabled: monaco.editor.ShowLightbulbIconMode.OnCode },
      renderValidationDecorations: 'on',
      formatOnPaste: false,
      ariaLabel: 'Domain XML',
    });
    onEditorRef.current?.(instance);
    instance.focus();
    performance.mark('virtdeck:editor-created');
    // The checks start after the editor's first frame, which this one's callback follows.
    const frame = requestAnimationFrame(() => session.start());
    return () => {
      cancelAnimationFrame(frame);
      onEditorRef.current?.(undefined);
      instance.dispose();
    };
  }, [session, readOnly]);

  return <div className="xml-editor" ref={host} data-testid="xml-editor" />;
}
