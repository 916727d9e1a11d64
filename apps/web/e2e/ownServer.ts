import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDemoGuest } from '../../../scripts/lib/demo-guest.mjs';
import type { VirtdeckServer } from './fixtures.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/** A server of a spec's own, which it may stop and start again on the same state directory and port. */
export interface OwnServer extends VirtdeckServer {
  /** Ends the process with `signal` (its guests keep running, as they do in use). */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same state directory and port, so open pages find it where it was. */
  start(): Promise<void>;
}

/**
 * Starts the built server, with the demo guest, on a fresh state directory: for specs that
 * restart the server under a live page (the shared one of globalSetup must stay up).
 */
export async function startOwnServer(prefix: string): Promise<OwnServer> {
  const guest = await ensureDemoGuest({ cacheDir: path.join(repoRoot, '.cache', 'guest'), log: () => undefined });
  const stateDir = await mkdtemp(path.join(os.tmpdir(), `virtdeck-e2e-${prefix}-`));
  let port = 0;
  let child: ChildProcess | undefined;
  const own: OwnServer = {
    url: '',
    origin: '',
    stateDir,
    token: '',
    async start() {
      const started = spawn(process.execPath, [path.join(repoRoot, 'apps/server/dist/main.js')], {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'inherit'],
        env: {
          ...process.env,
          PORT: String(port),
          LOG_LEVEL: 'error',
          VIRTDECK_STATE_DIR: stateDir,
          VIRTDECK_WEB_ROOT: path.join(repoRoot, 'apps/web/dist'),
          VIRTDECK_DEMO_GUEST: JSON.stringify({ kernel: guest.kernel, initrd: guest.initrd, cmdline: guest.cmdline }),
        },
      });
      child = started;
      const origin = await new Promise<string>((resolve, reject) => {
        let out = '';
        started.stdout?.setEncoding('utf8');
        started.stdout?.on('data', (chunk: string) => {
          out += chunk;
          const match = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
          if (match?.[1]) resolve(match[1]);
        });
        started.once('exit', (code) => reject(new Error(`the server exited with ${code}:\n${out}`)));
      });
      started.stdout?.resume();
      port = Number(new URL(origin).port);
      own.origin = origin;
      own.token = (await readFile(path.join(stateDir, 'token'), 'utf8')).trim();
      own.url = `${origin}/?token=${own.token}`;
    },
    async stop(signal = 'SIGTERM') {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill(signal);
      await exited;
    },
  };
  await own.start();
  return own;
}
