import { describe, expect, it } from 'vitest';
import { KEY_COMBINATIONS, keyEventsOf } from './screenKeys';

const combination = (id: string) => {
  const found = KEY_COMBINATIONS.find((c) => c.id === id);
  if (!found) throw new Error(`no combination ${id}`);
  return found;
};

describe('the keys menu', () => {
  it('presses Ctrl+Alt+Del in order and releases it in reverse, with keysyms and physical keys', () => {
    expect(keyEventsOf(combination('ctrl-alt-del')).map(({ key, down }) => `${down ? '+' : '-'}${key.code}:${key.keysym.toString(16)}`)).toEqual([
      '+ControlLeft:ffe3',
      '+AltLeft:ffe9',
      '+Delete:ffff',
      '-Delete:ffff',
      '-AltLeft:ffe9',
      '-ControlLeft:ffe3',
    ]);
  });

  it('switches to virtual terminals 1 to 7 with the X keysyms of F1..F7', () => {
    for (let n = 1; n <= 7; n++) {
      const last = combination(`ctrl-alt-f${n}`).keys.at(-1);
      expect(last).toEqual({ keysym: 0xffbe + n - 1, code: `F${n}` });
    }
    expect(combination('alt-f4').keys.at(-1)).toEqual({ keysym: 0xffc1, code: 'F4' });
  });

  it('has unique ids and labels', () => {
    expect(new Set(KEY_COMBINATIONS.map((c) => c.id)).size).toBe(KEY_COMBINATIONS.length);
    expect(new Set(KEY_COMBINATIONS.map((c) => c.label)).size).toBe(KEY_COMBINATIONS.length);
    expect(combination('print-screen').keys).toEqual([{ keysym: 0xff61, code: 'PrintScreen' }]);
  });
});
