/** What the screen announces: the key that moves the keyboard focus out of the guest's screen. */
export const LEAVE_KEY_LABEL = 'Ctrl+Alt+Shift';

const MODIFIER_KEYS = new Set(['Control', 'Alt', 'Shift']);

/**
 * Ctrl+Alt+Shift, pressed together in any order: the last of the three completes it. Guests
 * rarely need this chord (virt-viewer and VMware use Ctrl+Alt alone to release the keyboard,
 * which Ctrl+Alt+Del and Ctrl+Alt+F1 start with, so it cannot be it here).
 */
export function isLeaveChord(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'altKey' | 'shiftKey' | 'metaKey'>): boolean {
  return MODIFIER_KEYS.has(event.key) && event.ctrlKey && event.altKey && event.shiftKey && !event.metaKey;
}
