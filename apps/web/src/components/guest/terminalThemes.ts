import type { ITheme } from '@xterm/xterm';
import type { ColorScheme } from '../../theme/colorScheme';

/**
 * The serial console's colours. xterm.js's own ANSI palette is made for a dark background;
 * on the light one, "white" and "yellow" output would vanish, so each colour there is a
 * dark shade of itself. The terminal also raises any colour below 4.5:1 (minimumContrastRatio).
 */
export const TERMINAL_THEMES = {
  light: {
    background: '#fbfcfd',
    foreground: '#1d2430',
    cursor: '#1d2430',
    cursorAccent: '#fbfcfd',
    selectionBackground: '#b9cdf5',
    black: '#1d2430',
    red: '#b42318',
    green: '#17602b',
    yellow: '#7a5a00',
    blue: '#2457c5',
    magenta: '#8a2c8f',
    cyan: '#0b6470',
    white: '#5b6678',
    brightBlack: '#4a5466',
    brightRed: '#a0180f',
    brightGreen: '#1f6e33',
    brightYellow: '#6b4f00',
    brightBlue: '#1d4aa8',
    brightMagenta: '#7a1f80',
    brightCyan: '#0a5862',
    brightWhite: '#3d4756',
  },
  dark: {
    background: '#11151c',
    foreground: '#d8dee9',
    cursor: '#d8dee9',
    cursorAccent: '#11151c',
    selectionBackground: '#3a4b6b',
  },
} as const satisfies Record<ColorScheme, ITheme>;
