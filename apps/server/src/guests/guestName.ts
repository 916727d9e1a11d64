import { VirtdeckError } from '../errors.js';

const MAX_NAME_LENGTH = 200;

/**
 * A guest name becomes a file name in the state directory and a directory under run/,
 * so anything that could escape those folders or confuse a shell user is refused.
 * libvirt itself only forbids '/'; we are stricter about control characters and
 * names made of dots.
 */
export function guestNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'the name is empty';
  if (name.length > MAX_NAME_LENGTH) return `the name is longer than ${MAX_NAME_LENGTH} characters`;
  if (name.includes('/')) return "the name contains '/'";
  if (name.includes('\\')) return "the name contains '\\'";
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'the name contains a control character';
  if (/^\.+$/.test(name)) return `'${name}' is not a usable name`;
  if (name.startsWith('.')) return "the name starts with '.'";
  return undefined;
}

export function assertGuestName(name: string): void {
  const problem = guestNameProblem(name);
  if (problem) throw new VirtdeckError('invalid-request', `Invalid guest name: ${problem}`);
}
