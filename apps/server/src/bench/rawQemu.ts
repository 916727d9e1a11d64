/** Bench support: QEMU launched by hand, beside the same guest started through virtdeck. */
import net from 'node:net';
import { readFile } from 'node:fs/promises';
import { isAlive, signal } from '../guests/qemuProcess.js';
import { waitFor } from '../testing/waitFor.js';

export function withoutOption(argv: string[], flag: string): string[] {
  const at = argv.indexOf(flag);
  return at < 0 ? argv : [...argv.slice(0, at), ...argv.slice(at + 2)];
}

/** Reads a raw QEMU's console socket until the ready marker appears. */
export function waitForMarker(socketPath: string, marker: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const socket = net.connect(socketPath);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no ready marker from the raw QEMU within 120 s`));
    }, 120_000);
    socket.on('data', (chunk: Buffer) => {
      seen = (seen + chunk.toString('latin1')).slice(-4096);
      if (seen.includes(marker)) {
        clearTimeout(timer);
        socket.destroy();
        resolve();
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

export async function killPidFile(pidFile: string): Promise<void> {
  const pid = Number((await readFile(pidFile, 'utf8')).trim());
  signal(pid, 'SIGKILL');
  await waitFor(`raw QEMU ${pid} to exit`, () => (isAlive(pid) ? undefined : true));
}
