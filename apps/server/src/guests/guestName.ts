import { VirtdeckError } from '../errors.js';

/** The longest file name (one path component) Linux file systems take: ext4, xfs, btrfs, tmpfs. */
const NAME_MAX_BYTES = 255;

/**
 * Every file or folder the server names after a guest, in its longest form (`NAME` is the
 * guest's name). A name must fit all of them, so the longest decides; a new file named
 * after a guest belongs here.
 */
const FILES_NAMED_AFTER_A_GUEST = [
  'NAME.xml', // domains/ and autostart/
  '.tmp-NAME-4194304-ffffffff', // domains/: a definition being written (pid_max is 2^22)
  'NAME', // run/
  'NAME.qcow2', // images/, the q35 template's disk
  'NAME-2026-12-01T23-59-59-999Z.core', // dumps/, on_crash=coredump-*
] as const;

/** The most bytes of UTF-8 a guest name may have. */
export const MAX_NAME_BYTES = NAME_MAX_BYTES - Math.max(...FILES_NAMED_AFTER_A_GUEST.map((file) => Buffer.byteLength(file) - 'NAME'.length));

/**
 * A guest name becomes a file name in the state directory and a directory under run/,
 * so anything that could escape those folders or confuse a shell user is refused, and a
 * name is limited in bytes to what those file names allow. libvirt itself only forbids
 * '/'; we are stricter about control characters (C0 and C1), names made of dots, and text
 * that is not valid Unicode (a lone surrogate cannot be written as a file name).
 */
export function guestNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'the name is empty';
  const bytes = Buffer.byteLength(name);
  if (bytes > MAX_NAME_BYTES) return `the name is ${bytes} bytes long in UTF-8; at most ${MAX_NAME_BYTES} bytes fit in the file names made from it`;
  if (name.includes('/')) return "the name contains '/'";
  if (name.includes('\\')) return "the name contains '\\'";
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) return 'the name contains a control character';
  if (/\p{Surrogate}/u.test(name)) return 'the name is not valid Unicode (a lone surrogate)';
  if (/^\.+$/.test(name)) return `'${name}' is not a usable name`;
  if (name.startsWith('.')) return "the name starts with '.'";
  return undefined;
}

export function assertGuestName(name: string): void {
  const problem = guestNameProblem(name);
  if (problem) throw new VirtdeckError('invalid-request', `Invalid guest name: ${problem}`);
}
