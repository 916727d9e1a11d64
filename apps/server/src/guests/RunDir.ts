import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** UNIX socket paths are limited to 107 bytes (sun_path); keep a margin. */
const MAX_SOCKET_PATH = 100;

/**
 * The runtime folder of one guest, `run/NAME/`: pid file, QMP and console sockets, logs.
 * When the state directory is so deep that a socket path would be too long for QEMU,
 * the sockets are reached through a short symlink in the system temp folder that points
 * at this folder, so the files still live here.
 */
export class RunDir {
  readonly dir: string;
  readonly pidFile: string;
  readonly qemuLog: string;
  readonly serialLog: string;
  private readonly socketDir: string;

  constructor(stateDir: string, readonly name: string) {
    this.dir = path.join(stateDir, 'run', name);
    this.pidFile = path.join(this.dir, 'qemu.pid');
    this.qemuLog = path.join(this.dir, 'qemu.log');
    this.serialLog = path.join(this.dir, 'serial.log');
    const longest = path.join(this.dir, 'console.sock');
    this.socketDir = longest.length <= MAX_SOCKET_PATH ? this.dir : shortAlias(this.dir);
  }

  get qmpSocket(): string {
    return path.join(this.socketDir, 'qmp.sock');
  }

  get consoleSocket(): string {
    return path.join(this.socketDir, 'console.sock');
  }

  /** Creates the folder (and the short alias when one is needed); clears leftover sockets. */
  async prepare(): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    await this.ensureAlias();
    await Promise.all([this.qmpSocket, this.consoleSocket].map((p) => fs.rm(p, { force: true })));
  }

  /** Recreates the alias if something (a temp cleaner, a reboot) removed it. */
  async ensureAlias(): Promise<void> {
    if (this.socketDir === this.dir) return;
    try {
      if ((await fs.readlink(this.socketDir)) === this.dir) return;
      await fs.rm(this.socketDir, { force: true });
    } catch {
      // missing: create below
    }
    await fs.symlink(this.dir, this.socketDir);
  }

  async remove(): Promise<void> {
    await fs.rm(this.dir, { recursive: true, force: true });
    if (this.socketDir !== this.dir) await fs.rm(this.socketDir, { force: true });
  }
}

function shortAlias(dir: string): string {
  const digest = createHash('sha256').update(dir).digest('hex').slice(0, 16);
  return path.join(os.tmpdir(), `virtdeck-${digest}`);
}
