// monaco-editor ships the XML grammar module without type declarations.
declare module 'monaco-editor/languages/definitions/xml/xml' {
  import type { languages } from 'monaco-editor/editor/editor.api';
  export const conf: languages.LanguageConfiguration;
  export const language: languages.IMonarchLanguage;
}
