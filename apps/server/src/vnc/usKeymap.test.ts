import { describe, expect, it } from 'vitest';
import { keyEvents, strokesFor } from './usKeymap.js';

describe('typing a text on a US keyboard', () => {
  it('types letters, digits and symbols with Shift where the layout needs it', () => {
    expect(strokesFor('aZ9 $_\n')).toEqual([
      { qcode: 'a', shift: false },
      { qcode: 'z', shift: true },
      { qcode: '9', shift: false },
      { qcode: 'spc', shift: false },
      { qcode: '4', shift: true },
      { qcode: 'minus', shift: true },
      { qcode: 'ret', shift: false },
    ]);
    expect(strokesFor('a\r\nb').map((s) => s.qcode)).toEqual(['a', 'ret', 'b']);
  });

  it('refuses a character the layout cannot type, saying which', () => {
    expect(() => strokesFor('ok €')).toThrow(/Character 4 of the text \(U\+20AC\)/);
    expect(() => strokesFor('x'.repeat(5000))).toThrow(/at most 4096/);
  });

  it('presses Shift around the key and releases it last', () => {
    const names = keyEvents({ qcode: 'a', shift: true }).map((e) => JSON.stringify(e));
    expect(names).toEqual([
      '{"type":"key","data":{"down":true,"key":{"type":"qcode","data":"shift"}}}',
      '{"type":"key","data":{"down":true,"key":{"type":"qcode","data":"a"}}}',
      '{"type":"key","data":{"down":false,"key":{"type":"qcode","data":"a"}}}',
      '{"type":"key","data":{"down":false,"key":{"type":"qcode","data":"shift"}}}',
    ]);
  });
});
