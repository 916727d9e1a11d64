import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { connectLibvirt } from '../bench/libvirt.js';
import { isAlive, signal } from '../guests/qemuProcess.js';
import { waitFor } from './waitFor.js';

const run = promisify(execFile);
const LIBVIRTD = '/usr/sbin/libvirtd';
const LIBVIRTD_PID = '/var/run/libvirtd.pid';

export interface LibvirtHost {
  /** `virsh -c qemu:///system ARGS…`, as someone working beside virtdeck would. */
  virsh(...args: string[]): Promise<string>;
  /** Stops libvirtd (the guests keep running: QEMU is not its child once started). */
  stopDaemon(): Promise<void>;
  startDaemon(): Promise<void>;
  /** Stops the daemons this set-up started. */
  close(): Promise<void>;
}

/** libvirtd and virtlogd for `qemu:///system`, set up as DESIGN.md says (bench/libvirt.ts does it). */
export async function startLibvirtHost(): Promise<LibvirtHost> {
  const libvirt = await connectLibvirt(() => undefined);
  if (typeof libvirt === 'string') throw new Error(libvirt);
  return {
    virsh: (...args) => libvirt.virsh(...args),
    stopDaemon: async () => {
      const pid = Number((await readFile(LIBVIRTD_PID, 'utf8')).trim());
      signal(pid, 'SIGTERM');
      await waitFor('libvirtd to stop', () => (isAlive(pid) ? undefined : true), 20_000);
    },
    startDaemon: async () => {
      await run(LIBVIRTD, ['--daemon']);
      await waitFor('libvirtd to answer', () => libvirt.virsh('version').then(() => true, () => undefined), 20_000, 100);
      // The set-up's own libvirtd, started again, is stopped with the set-up (not left running without its virtlogd).
      libvirt.restarted(Number((await readFile(LIBVIRTD_PID, 'utf8')).trim()));
    },
    close: () => libvirt.stop(),
  };
}

export interface TestSshd {
  port: number;
  /** The root key that the sshd accepts. */
  keyfile: string;
  /** A known_hosts file that holds the sshd's host key (for 127.0.0.1 on its port). */
  knownHosts: string;
  /** A known_hosts file that knows nothing of this sshd. */
  emptyKnownHosts: string;
  close(): Promise<void>;
}

/**
 * An sshd on 127.0.0.1 on a port of its own, with its own host key and a root key, all in a
 * test-only directory (the user's ~/.ssh is never touched): the remote end of
 * `qemu+libssh://root@127.0.0.1:PORT/system` for the hosts tests.
 */
export async function startTestSshd(): Promise<TestSshd> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-sshd-'));
  const port = await freePort();
  const hostKey = path.join(dir, 'host_ed25519');
  const keyfile = path.join(dir, 'root_ed25519');
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyfile]);
  await writeFile(path.join(dir, 'authorized_keys'), await readFile(`${keyfile}.pub`), { mode: 0o600 });
  const hostPublicKey = (await readFile(`${hostKey}.pub`, 'utf8')).trim().split(' ').slice(0, 2).join(' ');
  const knownHosts = path.join(dir, 'known_hosts');
  await writeFile(knownHosts, `[127.0.0.1]:${port} ${hostPublicKey}\n`);
  const emptyKnownHosts = path.join(dir, 'known_hosts.empty');
  await writeFile(emptyKnownHosts, '');
  const config = path.join(dir, 'sshd_config');
  await writeFile(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      '',
    ].join('\n'),
  );
  // sshd's privilege separation directory, which systemd would make.
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const sshd: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  sshd.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  await waitFor(`sshd on port ${port} (${log})`, () => canConnect(port).then((ok) => (ok ? true : undefined)), 10_000, 50);
  return {
    port,
    keyfile,
    knownHosts,
    emptyKnownHosts,
    close: async () => {
      sshd.kill('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}
