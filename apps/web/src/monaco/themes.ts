import type { editor } from 'monaco-editor/editor/editor.api';
import type { ColorScheme } from '../theme/colorScheme';

/**
 * Monaco's 'vs' and 'vs-dark' with the XML colours that miss WCAG AA's 4.5:1 made darker
 * (light) or lighter (dark): 'vs' draws attribute names in #ff0000 (4:1 on white), 'vs-dark'
 * its delimiters and comments near 4.2:1. The diff view's tints are made fainter so the
 * same colours keep 4.5:1 on changed lines.
 */
export const MONACO_THEMES = {
  light: {
    base: 'vs',
    inherit: true,
    rules: [
      { token: 'attribute.name', foreground: 'b00000' },
      { token: 'comment', foreground: '005f00' },
      { token: 'metatag.xml', foreground: '595959' },
    ],
    colors: {
      'diffEditor.insertedTextBackground': '#9ccc2c26',
      'diffEditor.insertedLineBackground': '#9bb9551a',
      'diffEditor.removedTextBackground': '#ff000026',
      'diffEditor.removedLineBackground': '#ff00001a',
    },
  },
  dark: {
    base: 'vs-dark',
    inherit: true,
    rules: [
      { token: 'tag', foreground: '6cb6ff' },
      { token: 'metatag.xml', foreground: '6cb6ff' },
      { token: 'delimiter.xml', foreground: 'b0b0b0' },
      { token: 'attribute.value', foreground: 'e0a888' },
      { token: 'comment', foreground: '8cc278' },
    ],
    colors: {
      'editor.background': '#161b22',
      'diffEditor.insertedTextBackground': '#9ccc2c26',
      'diffEditor.insertedLineBackground': '#9bb9551a',
      'diffEditor.removedTextBackground': '#ff000026',
      'diffEditor.removedLineBackground': '#ff00001a',
    },
  },
} satisfies Record<ColorScheme, editor.IStandaloneThemeData>;

export const monacoThemeName = (scheme: ColorScheme): string => `virtdeck-${scheme}`;
