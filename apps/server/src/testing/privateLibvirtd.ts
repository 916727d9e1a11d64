import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { isAlive, signal } from '../guests/qemuProcess.js';
import { waitFor } from './waitFor.js';

const run = promisify(execFile);
const LIBVIRTD = '/usr/sbin/libvirtd';
/** The system libvirtd's QEMU capabilities, when it has probed them: copied in, so QEMU is not probed again. */
const CAPABILITIES_CACHE = '/var/cache/libvirt/qemu/capabilities';

/** The folders a libvirtd run as root keeps its state in, each replaced by one of its own (a name under the set-up's folder → the path). */
const PRIVATE_FOLDERS: [string, string][] = [
  ['etc', '/etc/libvirt'],
  ['run', '/run/libvirt'],
  ['lib', '/var/lib/libvirt'],
  ['cache', '/var/cache/libvirt'],
  ['log', '/var/log/libvirt'],
];

/**
 * Runs in the new UTS and mount namespaces: the host name, then each private folder over the
 * system's, then libvirtd itself (exec: the child is libvirtd). Everything comes in as
 * arguments ($1 the set-up's folder, $2 the host name, then folder pairs); nothing is spliced
 * into the script.
 */
const NAMESPACE_SCRIPT = `set -e
dir=$1; name=$2; shift 2
hostname "$name"
while [ $# -gt 0 ]; do mkdir -p "$2"; mount --bind "$dir/$1" "$2"; shift 2; done
exec ${LIBVIRTD} -f "$dir/etc/libvirtd.conf" -p "$dir/libvirtd.pid"`;

export interface PrivateLibvirtd {
  /** `qemu+unix:///system?socket=…`: how virtdeck, and another libvirtd in a peer-to-peer migration, reach it. */
  uri: string;
  /** Its host name, which differs from this machine's (libvirt refuses a migration to the same host name or host UUID). */
  hostname: string;
  hostUuid: string;
  /** Where its QEMU listens for incoming migrations. */
  address: string;
  /** `virsh -c URI ARGS…`, as someone working beside virtdeck would. */
  virsh(...args: string[]): Promise<string>;
  /** Mounts an empty folder over `folder` for this daemon (and its QEMU) only: files its host lacks. */
  hide(folder: string): Promise<void>;
  /** Destroys and undefines its guests, stops it and removes its folder (also when a test failed halfway). */
  close(): Promise<void>;
}

/**
 * A libvirtd of the test's own on this machine that libvirt takes for another host: started under
 * `unshare --uts --mount` with a host name and a host UUID of its own, its own configuration
 * (libvirtd.conf, qemu.conf) and its own state, run, cache and log folders bind-mounted
 * privately over the system's, and its sockets in a folder of its own outside them. The
 * network is shared, so QEMU's migration stream goes over loopback, to 127.0.0.N for daemon N
 * (libvirt refuses 127.0.0.1 as `migration_host`, "the address of the local machine"; the rest
 * of 127/8 is loopback too). QEMU runs as root without cgroups or namespaces, as DESIGN.md sets
 * up the system's libvirtd, and writes its output to a file (there is no virtlogd in its
 * /run/libvirt). Guests on it are seen by no other virtdeck following `qemu:///system` (each
 * follows every guest's console with `virsh console --force`, which takes it from the others).
 */
export async function startPrivateLibvirtd(n: number): Promise<PrivateLibvirtd> {
  if (!Number.isInteger(n) || n < 2 || n > 9) throw new Error(`a private libvirtd is numbered 2 to 9 (127.0.0.N), not ${n}`);
  const address = `127.0.0.${n}`;
  const dir = await mkdtemp(path.join(os.tmpdir(), `vd-lv${n}-`));
  const socket = path.join(dir, 'sock', 'libvirt-sock');
  // The admin socket beside it is the longest path libvirtd makes there.
  if (path.join(dir, 'sock', 'libvirt-admin-sock').length > 107) throw new Error(`${dir} is too deep for a UNIX socket path (107 bytes); set TMPDIR to a shorter folder`);
  const hostname = `virtdeck-lv${n}-${process.pid}`;
  const hostUuid = randomUUID();
  const uri = `qemu+unix:///system?socket=${socket}`;
  const virsh = async (...args: string[]) => (await run('virsh', ['-c', uri, ...args], { timeout: 120_000, env: { ...process.env, LC_ALL: 'C' } })).stdout;

  for (const [name] of PRIVATE_FOLDERS) await mkdir(path.join(dir, name), { recursive: true, mode: 0o700 });
  await mkdir(path.join(dir, 'sock'), { mode: 0o700 });
  await writeFile(
    path.join(dir, 'etc', 'libvirtd.conf'),
    [
      `unix_sock_dir = "${path.join(dir, 'sock')}"`,
      // The socket folder is root's alone (0700): no polkit here to ask.
      'auth_unix_ro = "none"',
      'auth_unix_rw = "none"',
      `host_uuid = "${hostUuid}"`,
      'log_outputs = "3:stderr"',
      '',
    ].join('\n'),
  );
  await writeFile(
    path.join(dir, 'etc', 'qemu.conf'),
    [
      'user = "root"',
      'group = "root"',
      'dynamic_ownership = 0',
      'remember_owner = 0',
      'namespaces = []',
      'cgroup_controllers = []',
      'stdio_handler = "file"',
      `migration_address = "${address}"`,
      `migration_host = "${address}"`,
      // Apart from the system libvirtd's default range (49152–49215) and from each other.
      `migration_port_min = ${49200 + n * 100}`,
      `migration_port_max = ${49263 + n * 100}`,
      '',
    ].join('\n'),
  );
  await seedCapabilities(path.join(dir, 'cache', 'qemu', 'capabilities'));

  const child = spawn('unshare', ['--uts', '--mount', '--propagation', 'private', '--', 'sh', '-c', NAMESPACE_SCRIPT, 'sh', dir, hostname, ...PRIVATE_FOLDERS.flat()], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => (log = (log + text).slice(-16_384)));
  let exited: number | string | null | undefined;
  child.on('exit', (code, sig) => (exited = code ?? sig));
  const pid = child.pid;
  if (pid === undefined) throw new Error(`unshare could not be started for libvirtd ${n}`);
  /** Its mount namespace, read once it answers: QEMU is not libvirtd's child, and whatever still runs in it at the end is one of its guests. */
  let namespace: string | undefined;

  const close = async () => {
    if (isAlive(pid)) {
      const names = (await virsh('list', '--all', '--name').catch(() => '')).split('\n').map((n) => n.trim()).filter(Boolean);
      for (const name of names) {
        await virsh('destroy', name).catch(() => undefined);
        await virsh('undefine', name, '--nvram').catch(() => virsh('undefine', name).catch(() => undefined));
      }
      signal(pid, 'SIGTERM');
      await waitFor(`libvirtd ${n} to stop`, () => (isAlive(pid) ? undefined : true), 20_000).catch(() => signal(pid, 'SIGKILL'));
    }
    if (namespace) await killNamespace(namespace);
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await waitFor(
      `libvirtd ${n} to answer on ${socket}`,
      async () => {
        if (exited !== undefined) throw new Error(`libvirtd ${n} ended (${String(exited)}) before answering:\n${log}`);
        return virsh('version').then(
          () => true,
          () => undefined,
        );
      },
      60_000,
      100,
    );
    const own = await readlink(`/proc/${pid}/ns/mnt`);
    // Never this process's own namespace, which every other process on the machine shares.
    if (own === (await readlink('/proc/self/ns/mnt'))) throw new Error(`libvirtd ${n} runs in this process's mount namespace: unshare --mount did not take`);
    namespace = own;
  } catch (error) {
    await close();
    throw error;
  }
  const hide = async (folder: string) => {
    await run('nsenter', ['--target', String(pid), '--mount', '--', 'mount', '-t', 'tmpfs', '-o', 'size=1m,mode=0755', 'tmpfs', folder]);
  };
  return { uri, hostname, hostUuid, address, virsh, hide, close };
}

/** Copies the QEMU capabilities the system libvirtd probed, when there are any: libvirt checks they still fit the binaries. */
async function seedCapabilities(into: string): Promise<void> {
  await mkdir(into, { recursive: true });
  const files = await readdir(CAPABILITIES_CACHE).catch(() => []);
  for (const file of files) if (file.endsWith('.xml')) await copyFile(path.join(CAPABILITIES_CACHE, file), path.join(into, file));
}

/** SIGKILLs every process left in a mount namespace (by its /proc/PID/ns/mnt link). */
async function killNamespace(namespace: string): Promise<void> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    if ((await readlink(`/proc/${entry}/ns/mnt`).catch(() => undefined)) === namespace) signal(Number(entry), 'SIGKILL');
  }
}
