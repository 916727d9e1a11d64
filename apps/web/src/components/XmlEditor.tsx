import Editor, { loader } from '@monaco-editor/react';
import { monaco } from '../monaco/setup';

// Hand @monaco-editor/react the bundled Monaco so it never reaches for a CDN.
loader.config({ monaco });

export default function XmlEditor({ value, readOnly }: { value: string; readOnly?: boolean }) {
  return (
    <Editor
      height="100%"
      language="xml"
      value={value}
      options={{ readOnly, minimap: { enabled: false }, scrollBeyondLastLine: false, fontSize: 13, automaticLayout: true }}
    />
  );
}
