import { describe, expect, it } from 'vitest';
import { isLeaveChord } from './leaveKey';

const keydown = (key: string, mods: { ctrl?: boolean; alt?: boolean; shift?: boolean; meta?: boolean }) => ({
  key,
  ctrlKey: !!mods.ctrl,
  altKey: !!mods.alt,
  shiftKey: !!mods.shift,
  metaKey: !!mods.meta,
});

describe('the key that leaves the screen', () => {
  it('is Ctrl+Alt+Shift, completed by whichever of the three comes last', () => {
    const all = { ctrl: true, alt: true, shift: true };
    for (const key of ['Shift', 'Alt', 'Control']) expect(isLeaveChord(keydown(key, all))).toBe(true);
  });

  it('is not Ctrl+Alt (Ctrl+Alt+Del starts with it), nor a chord with a letter or the Meta key', () => {
    expect(isLeaveChord(keydown('Alt', { ctrl: true, alt: true }))).toBe(false);
    expect(isLeaveChord(keydown('Delete', { ctrl: true, alt: true }))).toBe(false);
    expect(isLeaveChord(keydown('T', { ctrl: true, alt: true, shift: true }))).toBe(false);
    expect(isLeaveChord(keydown('Shift', { ctrl: true, alt: true, shift: true, meta: true }))).toBe(false);
  });
});
