import { open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { isAlive, processCmdline } from './guests/qemuProcess.js';

const LOCK_FILE = 'server.pid';

/**
 * One server per state directory: two would both adopt the same guests and fight over their
 * monitors (QEMU serves one QMP client at a time). The lock is a pid file; one left by a
 * server that died (SIGKILL, a crash) is taken over, since its pid is gone or is no longer a
 * Node process.
 */
export async function lockStateDir(stateDir: string): Promise<{ release(): Promise<void> }> {
  const file = path.join(stateDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(file, 'wx', 0o600);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return {
        release: async () => {
          const owner = Number((await readFile(file, 'utf8').catch(() => '')).trim());
          if (owner === process.pid) await rm(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    if (owner > 0 && owner !== process.pid && isAlive(owner) && isNode(owner)) {
      throw new Error(`Another virtdeck server (pid ${owner}) is using ${stateDir}; stop it first, or set VIRTDECK_STATE_DIR to another folder`);
    }
    await rm(file, { force: true });
  }
  throw new Error(`Could not lock ${stateDir} (${file})`);
}

function isNode(pid: number): boolean {
  const program = processCmdline(pid)?.[0] ?? '';
  return path.basename(program).startsWith('node');
}
