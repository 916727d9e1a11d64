import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { defaultNvramName } from '@virtdeck/qemu';
import type { QemuUser } from '../confine/qemuUser.js';
import { ensureSocketBase, socketBaseDir } from '../confine/socketBase.js';
import { readStateText } from '../storage/stateFile.js';

/** UNIX socket paths are limited to 107 bytes (sun_path), counted in UTF-8; keep a margin. */
const MAX_SOCKET_PATH = 100;

/**
 * The runtime folder of one guest, `run/NAME/`: logs, the live status, the definition the
 * running QEMU was started from, and the folder QEMU itself works in (`qemuDir`: pid file,
 * QMP, console and display sockets, secrets it reads at start, swtpm's socket).
 * A server running as root runs QEMU as its own user (confine/qemuUser.ts), which need not
 * reach the state directory: QEMU's folder is then `/run/virtdeck-qemu/HASH`, the one place
 * that user may write, in a base only root can add to (confine/socketBase.ts). Otherwise it is
 * this folder, or, when the state directory is so deep that a socket path would be too long
 * for QEMU, a short symlink to it in the server's own 0700 socket directory.
 */
export class RunDir {
  readonly dir: string;
  /** Where QEMU makes its sockets and pid file: this folder, its short alias, or QEMU's own folder under /run. */
  readonly qemuDir: string;
  /** QEMU's stdout and stderr. */
  readonly qemuLog: string;
  /** What the guest printed on its first serial port (written by the server, rotated). */
  readonly serialLog: string;
  /** `status.json`: what the server knows about the process, for the next server to read. */
  readonly statusFile: string;
  /** The definition the running QEMU was started from (`GET …/xml?running=1`). */
  readonly runningXml: string;
  /** Lifecycle events of this guest, one JSON object per line. */
  readonly eventsLog: string;
  /** UEFI variable stores (libvirt's /var/lib/libvirt/qemu/nvram): beside run/, kept across starts. */
  readonly nvramDir: string;
  /** The guest's emulated TPM state (libvirt's /var/lib/libvirt/swtpm/UUID): kept across starts. */
  readonly tpmStateDir: string;
  /** The owners of the files given to QEMU's user for this run (confine/ownership.ts). */
  readonly ownersFile: string;
  /** The taps the server made for this run (networks/taps.ts), each removed when the guest ends. */
  readonly tapsFile: string;
  /**
   * How the names of this guest's taps start: `vd` and 8 hex digits of this folder's path, so
   * guests (of any state directory) never share one; with the NIC's number, 15 characters at most.
   */
  readonly tapPrefix: string;

  constructor(
    readonly stateDir: string,
    readonly name: string,
    serverUid = process.getuid?.() ?? 0,
  ) {
    this.dir = path.join(stateDir, 'run', name);
    this.qemuLog = path.join(this.dir, 'qemu.log');
    this.serialLog = path.join(this.dir, 'serial.log');
    this.statusFile = path.join(this.dir, 'status.json');
    this.runningXml = path.join(this.dir, 'domain.xml');
    this.eventsLog = path.join(this.dir, 'events.jsonl');
    this.nvramDir = path.join(stateDir, 'nvram');
    this.tpmStateDir = path.join(stateDir, 'swtpm', name);
    this.ownersFile = path.join(this.dir, 'owners.json');
    this.tapsFile = path.join(this.dir, 'taps.json');
    this.tapPrefix = `vd${digestOf(this.dir).slice(0, 8)}`;
    const longest = path.join(this.dir, 'console.sock');
    this.separate = serverUid === 0;
    this.qemuDir = !this.separate && Buffer.byteLength(longest) <= MAX_SOCKET_PATH ? this.dir : path.join(socketBaseDir(serverUid), digestOf(this.dir));
  }

  /** QEMU's folder is a real folder of its own (not this one or a symlink to it). */
  private readonly separate: boolean;

  get pidFile(): string {
    return path.join(this.qemuDir, 'qemu.pid');
  }

  get qmpSocket(): string {
    return path.join(this.qemuDir, 'qmp.sock');
  }

  get consoleSocket(): string {
    return path.join(this.qemuDir, 'console.sock');
  }

  /** The VNC display the server proxies to the web console (see packages/qemu graphics.ts). */
  get displaySocket(): string {
    return path.join(this.qemuDir, 'display.sock');
  }

  /** Files that only a QEMU started for this folder names on its command line. */
  get ownFiles(): string[] {
    return [this.pidFile, this.qmpSocket];
  }

  /** Creates the folder, and QEMU's (for its user: group `user`, 0770) or the short alias when one is needed. */
  async create(user?: QemuUser): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    if (this.separate) await this.ensureQemuDir(user);
    else await this.ensureAlias();
  }

  /** Ready for a new QEMU: the folders exist, and sockets and pid file of an earlier run are gone. */
  async prepare(user?: QemuUser): Promise<void> {
    await this.create(user);
    await this.clearProcessFiles();
  }

  async clearProcessFiles(): Promise<void> {
    await Promise.all([this.qmpSocket, this.consoleSocket, this.displaySocket, this.pidFile].map((p) => fs.rm(p, { force: true })));
  }

  /** Recreates the alias if something (a temp cleaner, a reboot) removed it. */
  private async ensureAlias(): Promise<void> {
    if (this.qemuDir === this.dir) return;
    await ensureSocketBase(path.dirname(this.qemuDir));
    try {
      if ((await fs.readlink(this.qemuDir)) === this.dir) return;
      await fs.rm(this.qemuDir, { force: true });
    } catch {
      // missing: create below
    }
    await fs.symlink(this.dir, this.qemuDir);
  }

  /** QEMU's own folder: root's, writable by QEMU's group only; anything else found there is replaced. */
  private async ensureQemuDir(user: QemuUser | undefined): Promise<void> {
    await ensureSocketBase(path.dirname(this.qemuDir), 0, user?.gid);
    const stat = await fs.lstat(this.qemuDir).catch(() => undefined);
    if (stat && (!stat.isDirectory() || stat.uid !== 0)) await fs.rm(this.qemuDir, { recursive: true, force: true });
    await fs.mkdir(this.qemuDir, { mode: 0o770 }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
    await fs.chown(this.qemuDir, 0, user?.gid ?? 0);
    await fs.chmod(this.qemuDir, user ? 0o770 : 0o700);
  }

  /** Moves the folder to another guest's (a rename); the short socket alias, if any, goes. */
  async moveTo(other: RunDir): Promise<void> {
    await fs.mkdir(path.dirname(other.dir), { recursive: true });
    await fs.rename(this.dir, other.dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    if (this.qemuDir !== this.dir) await fs.rm(this.qemuDir, { recursive: true, force: true });
  }

  /**
   * What is kept across starts under the guest's name goes to `other`'s name (a rename): its
   * TPM state, and its UEFI variable store when the definition names no file of its own
   * (`namedNvram`: one it names stays where it is, as disk images do). What `other`'s name had
   * is replaced: it was a deleted guest's.
   */
  async moveKeptStateTo(other: RunDir, { namedNvram }: { namedNvram: boolean }): Promise<void> {
    const moves: [string, string][] = [[this.tpmStateDir, other.tpmStateDir]];
    if (!namedNvram) moves.push([path.join(this.nvramDir, defaultNvramName(this.name)), path.join(other.nvramDir, defaultNvramName(other.name))]);
    for (const [from, to] of moves) {
      if (!(await fs.lstat(from).then(() => true, () => false))) continue;
      await fs.rm(to, { recursive: true, force: true });
      await fs.rename(from, to);
    }
  }

  /**
   * What a deleted guest kept across starts goes with it, as libvirt's undefine removes it: its
   * TPM state unless the definition asks to keep it (`persistent_state='yes'`), and the variable
   * store virtdeck made from the template when the definition names none (one it names is a file
   * of its own, as disk images are, and stays). Left behind, both were picked up by the next
   * guest given that name: another guest's TPM keys and boot entries.
   */
  async removeKeptState({ namedNvram, keepTpm }: { namedNvram: boolean; keepTpm: boolean }): Promise<void> {
    if (!keepTpm) await fs.rm(this.tpmStateDir, { recursive: true, force: true });
    if (!namedNvram) await fs.rm(path.join(this.nvramDir, defaultNvramName(this.name)), { force: true });
  }

  async remove(): Promise<void> {
    await fs.rm(this.dir, { recursive: true, force: true });
    if (this.qemuDir !== this.dir) await fs.rm(this.qemuDir, { recursive: true, force: true });
  }

  /** The pid QEMU wrote into its pid file, if it did. */
  async readPid(): Promise<number | undefined> {
    const text = await readStateText(this.pidFile, 64).catch(() => '');
    const pid = Number(text.trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  }
}

/** The names of the guests that have a run folder (found again at start-up). */
export async function listRunDirs(stateDir: string): Promise<string[]> {
  const entries = await fs.readdir(path.join(stateDir, 'run'), { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).map((e) => e.name);
}

function digestOf(dir: string): string {
  return createHash('sha256').update(dir).digest('hex').slice(0, 16);
}
