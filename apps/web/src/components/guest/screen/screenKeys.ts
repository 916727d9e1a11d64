/** One key of a combination: its X keysym and the physical key (KeyboardEvent.code) QEMU turns into a scancode. */
export interface ScreenKey {
  keysym: number;
  code: string;
}

// X11 keysyms (X11/keysymdef.h), as noVNC's own keysym table has them.
const key = (keysym: number, code: string): ScreenKey => ({ keysym, code });
const CTRL = key(0xffe3, 'ControlLeft');
const ALT = key(0xffe9, 'AltLeft');
const SUPER = key(0xffeb, 'MetaLeft');
const functionKey = (n: number): ScreenKey => key(0xffbe + n - 1, `F${n}`);

export interface KeyCombination {
  id: string;
  label: string;
  /** Pressed in this order, released in the reverse order. */
  keys: readonly ScreenKey[];
}

/**
 * What the "keys" menu sends: combinations the browser or the desktop around it would
 * take for itself (Ctrl+Alt+Del, switching virtual terminals, Alt+Tab, …) if typed.
 */
export const KEY_COMBINATIONS: readonly KeyCombination[] = [
  { id: 'ctrl-alt-del', label: 'Ctrl+Alt+Del', keys: [CTRL, ALT, key(0xffff, 'Delete')] },
  { id: 'ctrl-alt-backspace', label: 'Ctrl+Alt+Backspace', keys: [CTRL, ALT, key(0xff08, 'Backspace')] },
  ...[1, 2, 3, 4, 5, 6, 7].map((n) => ({ id: `ctrl-alt-f${n}`, label: `Ctrl+Alt+F${n}`, keys: [CTRL, ALT, functionKey(n)] })),
  { id: 'alt-tab', label: 'Alt+Tab', keys: [ALT, key(0xff09, 'Tab')] },
  { id: 'alt-f4', label: 'Alt+F4', keys: [ALT, functionKey(4)] },
  { id: 'print-screen', label: 'Print Screen', keys: [key(0xff61, 'PrintScreen')] },
  { id: 'super', label: 'Windows (Super)', keys: [SUPER] },
  { id: 'escape', label: 'Esc', keys: [key(0xff1b, 'Escape')] },
];

/** The key events of a combination: every key down in order, then up in reverse. */
export function keyEventsOf(combination: KeyCombination): { key: ScreenKey; down: boolean }[] {
  return [...combination.keys.map((k) => ({ key: k, down: true })), ...[...combination.keys].reverse().map((k) => ({ key: k, down: false }))];
}
