import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, readlink } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// Plain set-up scripts shared with `npm start` and `npm test`.
import { ensureDemoGuest } from '../../../scripts/lib/demo-guest.mjs';
import { ensureBuild, ensureDependencies } from '../../../scripts/lib/project.mjs';
import { ensurePackages, ensureQemuUser, TEST_PACKAGES } from '../../../scripts/lib/system.mjs';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * Starts the real server (built web app, real QEMU) on a free port with a fresh state
 * directory and the demo guest defined, exactly as `npm start` does on a first run.
 * Specs find it through VIRTDECK_E2E_URL / VIRTDECK_E2E_STATE_DIR.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  ensurePackages(TEST_PACKAGES);
  ensureQemuUser();
  ensureDependencies();
  ensureBuild();
  const guest = await ensureDemoGuest({ cacheDir: path.join(repoRoot, '.cache', 'guest'), log: () => undefined });
  const stateDir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-e2e-'));
  // The server answers only to its own host and port (DNS rebinding); the specs' TCP proxy gets a port it is told about.
  const proxyPort = await freePort();

  const server = spawn(process.execPath, [path.join(repoRoot, 'apps/server/dist/main.js')], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      PORT: '0',
      VIRTDECK_ALLOWED_HOSTS: `127.0.0.1:${proxyPort}`,
      VIRTDECK_STATE_DIR: stateDir,
      // Another build for a bench to compare with (bench/benchServer.ts startWebServer).
      VIRTDECK_WEB_ROOT: process.env.VIRTDECK_E2E_WEB_ROOT ?? path.join(repoRoot, 'apps/web/dist'),
      VIRTDECK_DEMO_GUEST: JSON.stringify({ kernel: guest.kernel, initrd: guest.initrd, cmdline: guest.cmdline }),
    },
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 30_000);
    server.stdout.setEncoding('utf8');
    server.stdout.on('data', (chunk: string) => {
      out += chunk;
      const match = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    server.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
  server.stdout.resume();
  // Its stdout is a pipe, so the server printed no token: it is in the state directory.
  const token = (await readFile(path.join(stateDir, 'token'), 'utf8')).trim();
  process.env.VIRTDECK_E2E_URL = `${url}?token=${token}`;
  process.env.VIRTDECK_E2E_STATE_DIR = stateDir;
  process.env.VIRTDECK_E2E_PROXY_PORT = String(proxyPort);

  return async () => {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    await killGuests(stateDir);
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Guests outlive the server by design; a test run must not leave any behind. */
async function killGuests(stateDir: string): Promise<void> {
  // A confined QEMU keeps its pid file under /run/virtdeck-qemu, not in run/NAME/; it works in run/NAME/, though.
  const runDir = `${path.join(stateDir, 'run')}/`;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cwd = await readlink(`/proc/${entry}/cwd`).catch(() => '');
    if (!cwd.startsWith(runDir)) continue;
    try {
      process.kill(Number(entry), 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
