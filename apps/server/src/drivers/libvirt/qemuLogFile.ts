import { readdir, readFile, readlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { VirtdeckError } from '../../errors.js';

/** Where a libvirtd run as root keeps each guest's QEMU log (its LOCALSTATEDIR, not configurable). */
const SYSTEM_LOG_DIR = '/var/log/libvirt/qemu';
/** The processes that serve a `qemu` URI: the monolithic daemon and the modular one. */
const DAEMONS = new Set(['libvirtd', 'virtqemud']);

/**
 * The file, as this machine reaches it, that holds QEMU's log of the guest `name` of the
 * libvirt host `uri`: libvirt has no call that gives it, so it is read where the daemon
 * serving that URI writes it, and never from another daemon's folder.
 * - `qemu:///system`: /var/log/libvirt/qemu/NAME.log;
 * - `qemu:///session`: the user's ~/.cache/libvirt/qemu/log/NAME.log (the session daemon
 *   runs as the server's own user);
 * - `…?socket=PATH` (a libvirtd of its own, as testing/privateLibvirtd.ts starts): through
 *   /proc/PID/root of the daemon listening on PATH, which shows its files as it sees them,
 *   its private mounts included;
 * - another machine's (`qemu+ssh://…`) or a socket no daemon here listens on: an
 *   `unavailable` error saying where the log is.
 */
export async function qemuLogFile(uri: string, name: string): Promise<string> {
  const parsed = parseUri(uri);
  const file = `${name}.log`;
  const remote = parsed === undefined || parsed.host !== '' || (parsed.transport !== '' && parsed.transport !== 'unix');
  if (remote) {
    throw new VirtdeckError('unavailable', `QEMU's log of '${name}' is on the host of ${uri} (${SYSTEM_LOG_DIR}/${file} where libvirtd runs as root): virtdeck reads the logs of libvirt daemons on this machine only`);
  }
  if (parsed.socket === undefined) {
    if (parsed.path === '/system') return path.join(SYSTEM_LOG_DIR, file);
    if (parsed.path === '/session') return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'libvirt', 'qemu', 'log', file);
  } else if (parsed.path === '/system') {
    const pid = await listeningDaemon(parsed.socket);
    if (pid === undefined) throw new VirtdeckError('unavailable', `QEMU's log of '${name}' cannot be read: no libvirtd on this machine listens on ${parsed.socket}`);
    return path.join('/proc', String(pid), 'root', SYSTEM_LOG_DIR, file);
  }
  throw new VirtdeckError('unavailable', `QEMU's log of '${name}' cannot be found for ${uri}: virtdeck knows where qemu:///system and qemu:///session keep it`);
}

interface LibvirtUri {
  /** What follows `qemu+`: '' for none. */
  transport: string;
  host: string;
  path: string;
  socket?: string;
}

function parseUri(uri: string): LibvirtUri | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  const scheme = /^qemu(?:\+([a-z0-9]+))?:$/.exec(url.protocol);
  if (!scheme) return undefined;
  const parsed: LibvirtUri = { transport: scheme[1] ?? '', host: url.host, path: url.pathname };
  const socket = url.searchParams.get('socket');
  if (socket !== null) parsed.socket = socket;
  return parsed;
}

/**
 * The pid of the libvirt daemon listening on the UNIX socket `socket`: the socket's inode from
 * /proc/net/unix, then the process that holds it open. Its path there is the one it was bound
 * to, so a socket outside the daemon's private mounts is named as this machine names it.
 */
async function listeningDaemon(socket: string): Promise<number | undefined> {
  const table = await readFile('/proc/net/unix', 'utf8').catch(() => '');
  const inodes = new Set<string>();
  for (const line of table.split('\n').slice(1)) {
    // Num RefCount Protocol Flags Type St Inode Path
    const fields = line.trim().split(/\s+/);
    if (fields.length >= 8 && fields.slice(7).join(' ') === socket && fields[6] !== undefined) inodes.add(`socket:[${fields[6]}]`);
  }
  if (inodes.size === 0) return undefined;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const comm = (await readFile(`/proc/${entry}/comm`, 'utf8').catch(() => '')).trim();
    if (!DAEMONS.has(comm)) continue;
    const fds = await readdir(`/proc/${entry}/fd`).catch(() => []);
    for (const fd of fds) {
      if (inodes.has(await readlink(`/proc/${entry}/fd/${fd}`).catch(() => ''))) return Number(entry);
    }
  }
  return undefined;
}
