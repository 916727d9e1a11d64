import { z } from 'zod';
import { LOCAL_HOST_ID } from '../api.js';

/** A host id is part of URLs and of hosts.json: short, lower case, no surprises. */
export const hostId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a host id is 1 to 63 lower-case letters, digits and dashes, starting with a letter or digit');

/**
 * The query parameters virtdeck passes on to libvirt. Others are refused: `no_verify` would
 * accept any SSH host key, and `command`, `netcat` or `proxy` name programs to run here.
 */
const ALLOWED_URI_PARAMETERS = ['keyfile', 'known_hosts', 'socket', 'mode', 'no_tty'] as const;

/** The libvirt URIs a host may have: QEMU's driver, on this machine or over SSH, system or session. */
const LIBVIRT_URI = /^qemu(\+(ssh|unix|libssh|libssh2))?:\/\/[^/?#\s]*\/(system|session)(\?[^#\s]*)?$/;

export function libvirtUriProblem(uri: string): string | undefined {
  if (!LIBVIRT_URI.test(uri)) return `'${uri}' is not a libvirt URI of QEMU's driver (qemu:///system, qemu+ssh://user@host/system, …)`;
  const query = uri.includes('?') ? uri.slice(uri.indexOf('?') + 1) : '';
  for (const key of new URLSearchParams(query).keys()) {
    if (!(ALLOWED_URI_PARAMETERS as readonly string[]).includes(key)) {
      return `the URI parameter '${key}' is not accepted (only ${ALLOWED_URI_PARAMETERS.join(', ')})`;
    }
  }
  return undefined;
}

export const libvirtUri = z.string().superRefine((uri, ctx) => {
  const problem = libvirtUriProblem(uri);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** `POST /api/hosts`, and one entry of hosts.json. */
export const hostEntry = z
  .object({
    id: hostId.refine((id) => id !== LOCAL_HOST_ID, `'${LOCAL_HOST_ID}' is virtdeck's own host`),
    uri: libvirtUri,
  })
  .strict();
export type HostEntry = z.infer<typeof hostEntry>;
