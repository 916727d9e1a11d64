import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Duplex } from 'node:stream';
import { validateDomain } from '@virtdeck/schema';
import { VirtdeckError } from '../../errors.js';
import { screenOf } from '../../guests/domainFacts.js';
import type { KeyStroke } from '../../vnc/usKeymap.js';
import type { GraphicsEndpoint } from '../Driver.js';
import { classify, KEEPALIVE_ARGS, virsh, virshEnvironment, VirshError } from './virsh.js';

/** Where a running guest's VNC server listens, on the host that runs it. */
export type VncTarget = { kind: 'tcp'; address: string; port: number } | { kind: 'unix'; path: string };

/** How long the display may take to greet (an SSH login to a slow host included). */
const GREETING_TIMEOUT_MS = 20_000;
/** How long virsh may hold a key down: as QEMU's own send-key does. */
const KEY_HOLD_MS = '10';
/** How long typing a text may take: a connection, then a round trip a stroke. */
const TYPING_TIMEOUT_MS = 30_000;
const STROKE_TIMEOUT_MS = 100;

/**
 * The graphical console of a guest a libvirt host runs: its VNC display as the live
 * definition names it (the port autoport chose, or a socket), reached directly for a host on
 * this machine and through `ssh -W` for a `qemu+ssh://` or `qemu+libssh://` one, so that the
 * display is never opened to the network. Screenshots come from `virsh screenshot`, typing
 * from `virsh send-key`. `liveXml` is `virsh dumpxml --security-info`: its password is what
 * QEMU asks the viewer for.
 */
export function libvirtGraphics(uri: string, name: string, liveXml: string): GraphicsEndpoint {
  const { target, password, uuid } = displayOf(name, liveXml);
  const endpoint: GraphicsEndpoint = {
    protocol: 'vnc',
    open: () => openDisplay(uri, target),
    screendump: () => screenshot(uri, uuid),
    type: (strokes) => sendKeys(uri, uuid, strokes),
  };
  if (password !== undefined) endpoint.password = password;
  return endpoint;
}

/** The VNC display of a running guest's live definition, its password and the UUID it is addressed by. */
export function displayOf(name: string, liveXml: string): { target: VncTarget; password?: string; uuid: string } {
  const { domain } = validateDomain(liveXml);
  const screen = domain && screenOf(domain);
  if (!domain || !screen) throw new VirtdeckError('conflict', `'${name}' has no graphical display: add <graphics type='vnc'/> to its definition and restart it`);
  if (screen.type !== 'vnc') {
    throw new VirtdeckError('unavailable', `'${name}' has a ${screen.type.toUpperCase()} display, which virtdeck relays only as VNC: add a <graphics type='vnc'/> beside it, or use virt-viewer`);
  }
  const uuid = domain.uuid;
  if (!uuid) throw new VirtdeckError('qemu-failed', `libvirt gave no UUID for '${name}'`);
  const socket = screen.listens.find((l) => l.type === 'socket')?.socket ?? screen.socket;
  if (socket) return withPassword({ target: { kind: 'unix', path: socket }, uuid }, screen.passwd);
  if (screen.listens.some((l) => l.type === 'none')) throw new VirtdeckError('conflict', `The VNC display of '${name}' listens nowhere (<listen type='none'/>)`);
  if (screen.port === undefined || screen.port <= 0) throw new VirtdeckError('conflict', `The VNC display of '${name}' has no port yet: is it running?`);
  const address = screen.listens.find((l) => l.address)?.address ?? screen.listen ?? '127.0.0.1';
  return withPassword({ target: { kind: 'tcp', address: reachableAddress(address), port: screen.port }, uuid }, screen.passwd);
}

function withPassword<T extends object>(value: T, password: string | undefined): T & { password?: string } {
  return password === undefined ? value : { ...value, password };
}

/** A display listening on every address is reached on the host's loopback. */
function reachableAddress(address: string): string {
  if (address === '0.0.0.0' || address === '') return '127.0.0.1';
  if (address === '::' || address === '[::]') return '::1';
  return address.replace(/^\[(.*)\]$/, '$1');
}

/** The remote end of a libvirt URI that reaches its host over SSH, as ssh's own options. */
export interface SshRoute {
  host: string;
  port?: string;
  user?: string;
  keyfile?: string;
  knownHosts?: string;
  /** The URI asks not to check the host key (libvirt's `no_verify=1`, `known_hosts_verify=ignore`). */
  noVerify: boolean;
}

/** Whether the URI names a host on this machine, one reached over SSH, or one virtdeck cannot tunnel to. */
export function routeOf(uri: string): { local: true } | { local: false; ssh: SshRoute } {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new VirtdeckError('invalid-request', `'${uri}' is not a libvirt URI`);
  }
  const transport = url.protocol.replace(/:$/, '').split('+')[1];
  if (!url.hostname || transport === 'unix') return { local: true };
  if (transport !== 'ssh' && transport !== 'libssh') {
    throw new VirtdeckError('unavailable', `The graphical console of a host reached by ${transport ?? 'TCP'} is not relayed: virtdeck tunnels displays through SSH only (qemu+ssh:// or qemu+libssh://)`);
  }
  const param = (key: string) => url.searchParams.get(key) ?? undefined;
  const ssh: SshRoute = {
    host: decodeURIComponent(url.hostname).replace(/^\[(.*)\]$/, '$1'),
    noVerify: param('no_verify') === '1' || param('known_hosts_verify') === 'ignore',
  };
  if (url.port) ssh.port = url.port;
  if (url.username) ssh.user = decodeURIComponent(url.username);
  const keyfile = param('keyfile');
  const knownHosts = param('known_hosts');
  if (keyfile) ssh.keyfile = keyfile;
  if (knownHosts) ssh.knownHosts = knownHosts;
  for (const [what, value] of [['host', ssh.host], ['user', ssh.user], ['keyfile', ssh.keyfile], ['known_hosts', ssh.knownHosts]] as const) {
    // ssh would read a leading '-' as an option, and an -o value with spaces as several.
    if (value !== undefined && (/^-/.test(value) || /[\s"'\\]/.test(value) || value.length === 0)) {
      throw new VirtdeckError('invalid-request', `The ${what} of '${uri}' cannot be handed to ssh: '${value}'`);
    }
  }
  return { local: false, ssh };
}

/** `ssh … -W ADDRESS:PORT HOST`: a byte stream to the display's port on the remote host, with the user's own ssh set-up. */
export function sshTunnelArgs(ssh: SshRoute, target: { address: string; port: number }): string[] {
  const args = ['-T', '-o', 'BatchMode=yes', '-o', `StrictHostKeyChecking=${ssh.noVerify ? 'no' : 'yes'}`, '-o', 'ExitOnForwardFailure=yes'];
  if (ssh.port) args.push('-p', ssh.port);
  if (ssh.user) args.push('-l', ssh.user);
  if (ssh.keyfile) args.push('-i', ssh.keyfile, '-o', 'IdentitiesOnly=yes');
  if (ssh.knownHosts) args.push('-o', `UserKnownHostsFile=${ssh.knownHosts}`);
  const address = target.address.includes(':') ? `[${target.address}]` : target.address;
  args.push('-W', `${address}:${target.port}`, '--', ssh.host);
  return args;
}

async function openDisplay(uri: string, target: VncTarget): Promise<Duplex> {
  const route = routeOf(uri);
  if (route.local) return greeted(connectLocal(target), 'the display');
  if (target.kind === 'unix') {
    throw new VirtdeckError('unavailable', `The VNC display listens on a socket of the remote host (${target.path}), which ssh -W cannot reach: give it <listen type='address' address='127.0.0.1'/>`);
  }
  const child = spawn('ssh', sshTunnelArgs(route.ssh, target), { stdio: ['pipe', 'pipe', 'pipe'], env: virshEnvironment() });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 4096) stderr += chunk.toString();
  });
  const stream = Duplex.from({ readable: child.stdout, writable: child.stdin });
  const exited = new Promise<Error>((resolve) => {
    child.on('error', (error) => resolve((error as NodeJS.ErrnoException).code === 'ENOENT' ? new VirtdeckError('unavailable', 'ssh is not installed on this machine (Debian: apt-get install openssh-client)') : error));
    child.on('exit', () => resolve(classify(stderr.trim() || `ssh to ${route.ssh.host} ended`).toVirtdeckError()));
  });
  child.on('exit', () => stream.destroy());
  stream.on('close', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  });
  return greeted(stream, `the display through ssh to ${route.ssh.host}`, exited);
}

function connectLocal(target: VncTarget): Duplex {
  return target.kind === 'unix' ? net.createConnection(target.path) : net.createConnection({ host: target.address, port: target.port });
}

/**
 * Waits for the VNC server's first bytes (its `RFB 003.008` greeting) before handing the
 * stream on, so that a refused login or a closed port is an error with its reason, not a
 * viewer that connects and is dropped.
 */
function greeted(stream: Duplex, what: string, failed?: Promise<Error>): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => {
      cleanup();
      stream.destroy();
      reject(error instanceof VirtdeckError ? error : new VirtdeckError('conflict', `The guest's display is not reachable: ${what}: ${error.message}`));
    };
    const timer = setTimeout(() => fail(new Error(`no answer within ${GREETING_TIMEOUT_MS / 1000} s`)), GREETING_TIMEOUT_MS);
    // 'readable' says the greeting is buffered without reading it: the stream is handed on
    // unread and in its first mode, so the relay's 'data' listener starts it as any socket.
    const onReadable = () => {
      if (stream.readableLength === 0) return fail(new Error('it closed the connection'));
      cleanup();
      resolve(stream);
    };
    const onError = (error: Error) => fail(error);
    const onClose = () => {
      if (!failed) fail(new Error('it closed the connection'));
    };
    const cleanup = () => {
      clearTimeout(timer);
      stream.off('readable', onReadable);
      stream.off('error', onError);
      stream.off('close', onClose);
    };
    stream.on('readable', onReadable);
    stream.on('error', onError);
    stream.on('close', onClose);
    void failed?.then(fail);
  });
}

/** `virsh screenshot`: QEMU's screendump, handed over by libvirt (a PNG), through a private file. */
async function screenshot(uri: string, uuid: string): Promise<Buffer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-screenshot-'));
  try {
    const file = path.join(dir, 'screen');
    const take = () => virsh(uri, ['screenshot', uuid, '--file', file]);
    // virsh 9.0 over libssh now and then dies of SIGSEGV in the middle of the screenshot's
    // stream; a screenshot changes nothing, so it is taken once more.
    await take()
      .catch((error: unknown) => (error instanceof VirshError && /crashed \(SIG/.test(error.message) ? take() : Promise.reject(error)))
      .catch((error: unknown) => {
        throw error instanceof VirshError ? error.toVirtdeckError() : error;
      });
    return await readFile(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Types on the guest's keyboard with `virsh send-key`, one stroke a command, all through one
 * virsh (its commands read from stdin, so one connection serves a whole text). The guest is
 * named by its UUID, which needs no quoting in virsh's command language.
 */
async function sendKeys(uri: string, uuid: string, strokes: readonly KeyStroke[]): Promise<void> {
  const script = strokes.map((stroke) => `send-key ${uuid} --codeset linux --holdtime ${KEY_HOLD_MS} ${linuxKeys(stroke).join(' ')}\n`).join('');
  await new Promise<void>((resolve, reject) => {
    const child = spawn('virsh', ['--quiet', ...KEEPALIVE_ARGS, '--connect', uri], {
      stdio: ['pipe', 'ignore', 'pipe'],
      env: virshEnvironment(),
      timeout: TYPING_TIMEOUT_MS + strokes.length * STROKE_TIMEOUT_MS,
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 4096) stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (/error:/.test(stderr)) reject(classify(stderr).toVirtdeckError());
      else if (signal) reject(new VirtdeckError('qemu-failed', `virsh send-key did not finish typing (${signal})`));
      else resolve();
    });
    child.stdin.end(script);
  });
}

/** Linux input key names (virsh send-key's `linux` codeset) of QEMU's key codes, as the US keymap uses them. */
const LINUX_KEYS: Readonly<Record<string, string>> = {
  spc: 'KEY_SPACE',
  ret: 'KEY_ENTER',
  tab: 'KEY_TAB',
  minus: 'KEY_MINUS',
  equal: 'KEY_EQUAL',
  bracket_left: 'KEY_LEFTBRACE',
  bracket_right: 'KEY_RIGHTBRACE',
  backslash: 'KEY_BACKSLASH',
  semicolon: 'KEY_SEMICOLON',
  apostrophe: 'KEY_APOSTROPHE',
  grave_accent: 'KEY_GRAVE',
  comma: 'KEY_COMMA',
  dot: 'KEY_DOT',
  slash: 'KEY_SLASH',
};

export function linuxKeys({ qcode, shift }: KeyStroke): string[] {
  const key = /^[a-z0-9]$/.test(qcode) ? `KEY_${qcode.toUpperCase()}` : LINUX_KEYS[qcode];
  if (!key) throw new VirtdeckError('invalid-request', `The key '${qcode}' cannot be sent to a libvirt host's guest`);
  return shift ? ['KEY_LEFTSHIFT', key] : [key];
}
