// The editor core, the XML grammar and only the contributions virtdeck uses: the full
// `monaco-editor` entry would pull in every language, its workers and features we never show.
import * as monaco from 'monaco-editor/editor/editor.api';
import { conf as xmlConfiguration, language as xmlLanguage } from 'monaco-editor/languages/definitions/xml/xml';
import 'monaco-editor/features/codicon/register';
import 'monaco-editor/features/bracketMatching/register';
import 'monaco-editor/features/clipboard/register';
import 'monaco-editor/features/codeAction/register';
import 'monaco-editor/features/comment/register';
import 'monaco-editor/features/contextmenu/register';
import 'monaco-editor/features/cursorUndo/register';
import 'monaco-editor/features/find/register';
import 'monaco-editor/features/folding/register';
import 'monaco-editor/features/format/register';
import 'monaco-editor/features/gotoError/register';
import 'monaco-editor/features/gotoLine/register';
import 'monaco-editor/features/hover/register';
import 'monaco-editor/features/indentation/register';
import 'monaco-editor/features/linesOperations/register';
import 'monaco-editor/features/multicursor/register';
import 'monaco-editor/features/snippet/register';
import 'monaco-editor/features/wordOperations/register';
// Not reachable through a feature entry point in this Monaco version.
import 'monaco-editor/editor/browser/coreCommands';
import 'monaco-editor/editor/contrib/suggest/browser/suggestController';
import 'monaco-editor/editor/contrib/gotoError/browser/markerSelectionStatus';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import { currentColorScheme, onColorSchemeChange, type ColorScheme } from '../theme/colorScheme';
import { MONACO_THEMES, monacoThemeName } from './themes';

self.MonacoEnvironment = {
  getWorker: () => new EditorWorker(),
};

// The XML grammar registered here rather than through its lazy loader: one request less
// before the first definition is coloured.
monaco.languages.register({ id: 'xml', extensions: ['.xml'], aliases: ['XML', 'xml'], mimetypes: ['application/xml', 'text/xml'] });
monaco.languages.setLanguageConfiguration('xml', xmlConfiguration);
monaco.languages.setMonarchTokensProvider('xml', xmlLanguage);

// The theme is global to Monaco: every editor and diff view follows the system setting, live.
for (const scheme of Object.keys(MONACO_THEMES) as ColorScheme[]) monaco.editor.defineTheme(monacoThemeName(scheme), MONACO_THEMES[scheme]);
monaco.editor.setTheme(monacoThemeName(currentColorScheme()));
onColorSchemeChange((scheme) => monaco.editor.setTheme(monacoThemeName(scheme)));

/** The diff view is needed only when a save is reviewed: its code loads then. */
export const loadDiffEditor = (): Promise<unknown> => import('monaco-editor/features/diffEditor/register');

export { monaco };
export type Monaco = typeof monaco;
