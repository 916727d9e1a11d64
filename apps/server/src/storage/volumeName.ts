import { VirtdeckError } from '../errors.js';

/** Room for the temporary name an upload is written under (`.upload-NAME-4194304-ffffffff`) in a 255-byte file name. */
export const MAX_VOLUME_NAME_BYTES = 255 - '.upload--4194304-ffffffff'.length;

/**
 * A volume name is one file name in its pool's directory: no '/', not '.' or '..' (libvirt's
 * volName), and stricter than libvirt: no leading dot (the server's temporary files start with
 * one), no control characters, not longer in bytes than a name with its upload suffix can be.
 */
export function volumeNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'the name is empty';
  if (name.includes('/')) return "a volume name cannot contain '/'";
  if (name.startsWith('.')) return 'a volume name cannot start with a dot';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) return 'a volume name cannot contain control characters';
  if (/\p{Surrogate}/u.test(name)) return 'the name is not valid Unicode (a lone surrogate)';
  if (Buffer.byteLength(name) > MAX_VOLUME_NAME_BYTES) return `the name is longer than ${MAX_VOLUME_NAME_BYTES} bytes`;
  return undefined;
}

export function assertVolumeName(name: string): void {
  const problem = volumeNameProblem(name);
  if (problem) throw new VirtdeckError('invalid-request', `Invalid volume name '${name}': ${problem}`);
}
