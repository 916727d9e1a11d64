import { VirtdeckError } from '../errors.js';

/** A key as QMP names it (QKeyCode), with Shift held or not. */
export interface KeyStroke {
  qcode: string;
  shift: boolean;
}

/** The US layout: what each printable character is typed with, besides letters and digits. */
const PLAIN: Readonly<Record<string, string>> = {
  ' ': 'spc',
  '\n': 'ret',
  '\t': 'tab',
  '-': 'minus',
  '=': 'equal',
  '[': 'bracket_left',
  ']': 'bracket_right',
  '\\': 'backslash',
  ';': 'semicolon',
  "'": 'apostrophe',
  '`': 'grave_accent',
  ',': 'comma',
  '.': 'dot',
  '/': 'slash',
};

const SHIFTED: Readonly<Record<string, string>> = {
  '!': '1',
  '@': '2',
  '#': '3',
  $: '4',
  '%': '5',
  '^': '6',
  '&': '7',
  '*': '8',
  '(': '9',
  ')': '0',
  _: 'minus',
  '+': 'equal',
  '{': 'bracket_left',
  '}': 'bracket_right',
  '|': 'backslash',
  ':': 'semicolon',
  '"': 'apostrophe',
  '~': 'grave_accent',
  '<': 'comma',
  '>': 'dot',
  '?': 'slash',
};

/** The longest text one request may type (a passphrase, a command line; not a document). */
export const MAX_TYPED_CHARACTERS = 4096;

/**
 * The key strokes that type `text` on a US keyboard. A character the layout cannot type
 * is refused with its position, before anything is sent to the guest.
 */
export function strokesFor(text: string): KeyStroke[] {
  const characters = [...text.replace(/\r\n?/g, '\n')];
  if (characters.length > MAX_TYPED_CHARACTERS) {
    throw new VirtdeckError('invalid-request', `The text has ${characters.length} characters; at most ${MAX_TYPED_CHARACTERS} can be typed at once`);
  }
  return characters.map((ch, index) => {
    if (/^[a-z0-9]$/.test(ch)) return { qcode: ch, shift: false };
    if (/^[A-Z]$/.test(ch)) return { qcode: ch.toLowerCase(), shift: true };
    const plain = PLAIN[ch];
    if (plain) return { qcode: plain, shift: false };
    const shifted = SHIFTED[ch];
    if (shifted) return { qcode: shifted, shift: true };
    const code = ch.codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0') ?? '?';
    throw new VirtdeckError('invalid-request', `Character ${index + 1} of the text (U+${code}) cannot be typed on a US keyboard layout`);
  });
}

/** QMP `input-send-event` events for one stroke: press (Shift first), release (Shift last). */
export function keyEvents({ qcode, shift }: KeyStroke): object[] {
  const key = (data: string, down: boolean) => ({ type: 'key', data: { down, key: { type: 'qcode', data } } });
  return shift ? [key('shift', true), key(qcode, true), key(qcode, false), key('shift', false)] : [key(qcode, true), key(qcode, false)];
}
