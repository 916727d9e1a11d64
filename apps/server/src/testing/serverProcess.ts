import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiClient, type ApiClient } from './apiClient.js';

const serverDir = fileURLToPath(new URL('../..', import.meta.url));

export interface ServerProcess {
  url: string;
  token: string;
  api: ApiClient;
  child: ChildProcess;
  output(): string;
  /** Resolves with how the process ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * The real server as its own process (`src/main.ts`, as `npm start` runs it), for what an
 * in-process server cannot show: being killed with SIGKILL, or running under OS limits.
 * `wrapper` runs it through another program (e.g. `prlimit --fsize=…`); `entry` picks the
 * TypeScript sources (through tsx) or the build in dist/ (as `npm start` runs it).
 */
export async function spawnServer(options: { stateDir: string; env?: Record<string, string>; wrapper?: string[]; entry?: 'source' | 'dist' }): Promise<ServerProcess> {
  const entry = options.entry === 'dist' ? ['dist/main.js'] : ['--conditions=source', '--import', 'tsx', 'src/main.ts'];
  const command = [...(options.wrapper ?? []), process.execPath, ...entry];
  const [program, ...args] = command as [string, ...string[]];
  const child = spawn(program, args, {
    cwd: serverDir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: '0', VIRTDECK_STATE_DIR: options.stateDir, LOG_LEVEL: 'warn', ...options.env },
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start within 60 s:\n${output}`)), 60_000);
    const check = () => {
      const match = /virtdeck is running at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', check);
    void exited.then(({ code, signal }) => reject(new Error(`the server exited (${code ?? signal}) before it was up:\n${output}`)));
  });
  // Not a terminal: the server prints no token, it is in the state directory.
  const token = (await readFile(path.join(options.stateDir, 'token'), 'utf8')).trim();
  return { url, token, api: apiClient(url, token), child, output: () => output, exited };
}
