import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ensureSocketBase, socketBaseDir } from '../confine/socketBase.js';
import { readStateText } from '../storage/stateFile.js';

/** UNIX socket paths are limited to 107 bytes (sun_path), counted in UTF-8; keep a margin. */
const MAX_SOCKET_PATH = 100;

/**
 * The runtime folder of one guest, `run/NAME/`: pid file, QMP and console sockets, logs,
 * the live status and the definition the running QEMU was started from.
 * When the state directory is so deep that a socket path would be too long for QEMU,
 * the sockets are reached through a short symlink in the server's own 0700 socket directory
 * (see confine/socketBase.ts: no other user can plant an alias there) that points
 * at this folder, so the files still live here.
 */
export class RunDir {
  readonly dir: string;
  readonly pidFile: string;
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
  private readonly socketDir: string;

  constructor(
    readonly stateDir: string,
    readonly name: string,
  ) {
    this.dir = path.join(stateDir, 'run', name);
    this.pidFile = path.join(this.dir, 'qemu.pid');
    this.qemuLog = path.join(this.dir, 'qemu.log');
    this.serialLog = path.join(this.dir, 'serial.log');
    this.statusFile = path.join(this.dir, 'status.json');
    this.runningXml = path.join(this.dir, 'domain.xml');
    this.eventsLog = path.join(this.dir, 'events.jsonl');
    this.nvramDir = path.join(stateDir, 'nvram');
    this.tpmStateDir = path.join(stateDir, 'swtpm', name);
    const longest = path.join(this.dir, 'console.sock');
    this.socketDir = Buffer.byteLength(longest) <= MAX_SOCKET_PATH ? this.dir : shortAlias(this.dir);
  }

  get qmpSocket(): string {
    return path.join(this.socketDir, 'qmp.sock');
  }

  get consoleSocket(): string {
    return path.join(this.socketDir, 'console.sock');
  }

  /** The VNC display the server proxies to the web console (see packages/qemu graphics.ts). */
  get displaySocket(): string {
    return path.join(this.socketDir, 'display.sock');
  }

  /** Files that only a QEMU started for this folder names on its command line. */
  get ownFiles(): string[] {
    return [this.pidFile, this.qmpSocket];
  }

  /** Creates the folder (and the short alias when one is needed). */
  async create(): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    await this.ensureAlias();
  }

  /** Ready for a new QEMU: the folder exists, and sockets and pid file of an earlier run are gone. */
  async prepare(): Promise<void> {
    await this.create();
    await this.clearProcessFiles();
  }

  async clearProcessFiles(): Promise<void> {
    await Promise.all([this.qmpSocket, this.consoleSocket, this.displaySocket, this.pidFile].map((p) => fs.rm(p, { force: true })));
  }

  /** Recreates the alias if something (a temp cleaner, a reboot) removed it. */
  async ensureAlias(): Promise<void> {
    if (this.socketDir === this.dir) return;
    await ensureSocketBase(path.dirname(this.socketDir));
    try {
      if ((await fs.readlink(this.socketDir)) === this.dir) return;
      await fs.rm(this.socketDir, { force: true });
    } catch {
      // missing: create below
    }
    await fs.symlink(this.dir, this.socketDir);
  }

  /** Moves the folder to another guest's (a rename); the short socket alias, if any, goes. */
  async moveTo(other: RunDir): Promise<void> {
    await fs.mkdir(path.dirname(other.dir), { recursive: true });
    await fs.rename(this.dir, other.dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    if (this.socketDir !== this.dir) await fs.rm(this.socketDir, { force: true });
  }

  async remove(): Promise<void> {
    await fs.rm(this.dir, { recursive: true, force: true });
    if (this.socketDir !== this.dir) await fs.rm(this.socketDir, { force: true });
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

function shortAlias(dir: string): string {
  const digest = createHash('sha256').update(dir).digest('hex').slice(0, 16);
  return path.join(socketBaseDir(), digest);
}
