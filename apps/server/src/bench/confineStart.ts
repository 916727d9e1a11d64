/**
 * Bench part `confine`: what confining QEMU costs at start. A server running as root starts
 * QEMU as the unprivileged user virtdeck-qemu (confine/qemuUser.ts): it makes QEMU's own
 * folder under /run/virtdeck-qemu, hands the guest's files over (ownership for the run, or
 * open descriptors) and gives them back afterwards. There is no switch that turns this off
 * for a root server (it would run QEMU as root), so the comparison is with the configuration
 * that has no confinement: the same server started as an unprivileged user of its own
 * (virtdeck-bench, made here like the set-up makes virtdeck-qemu), which runs QEMU as itself.
 * Both start the demo guest through the API (start → running), interleaved.
 */
import { execFile } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { GuestSummary } from '../api.js';
import { lookUp } from '../confine/qemuUser.js';
import { demoGuestXml, type DemoGuestFiles } from '../demoGuest.js';
import { killProcessesMentioning } from '../testing/processes.js';
import { spawnServer, type ServerProcess } from '../testing/serverProcess.js';

const run = promisify(execFile);
const now = () => performance.now();
export const BENCH_USER = 'virtdeck-bench';

export interface ConfineResults {
  confined: number[];
  unconfined: number[];
}

/** The unprivileged user the second server runs as, made when missing. */
async function benchUser(): Promise<{ uid: number; gid: number }> {
  const exists = await run('getent', ['passwd', BENCH_USER]).then(() => true, () => false);
  if (!exists) await run('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', BENCH_USER]);
  return lookUp(BENCH_USER);
}

/** Runs the part, or says why it cannot (not root: QEMU already runs as the server's own user). */
export async function confinementCost(
  confinedServer: ServerProcess,
  guest: DemoGuestFiles,
  options: { runs: number; settleMs: number; entry: 'source' | 'dist'; log: (message: string) => void },
): Promise<ConfineResults | string> {
  if (process.getuid?.() !== 0) return 'the bench is not running as root, so its server runs QEMU as itself: there is no confinement to compare';
  const user = await benchUser();
  const stateDir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-bench-unconfined-'));
  await chown(stateDir, user.uid, user.gid);
  let unconfinedServer: ServerProcess | undefined;
  try {
    unconfinedServer = await spawnServer({
      stateDir,
      entry: options.entry,
      env: { HOME: stateDir },
      wrapper: ['setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--'],
    });
    options.log(`unconfined server pid ${unconfinedServer.child.pid} as ${BENCH_USER} (uid ${user.uid}), state in ${stateDir}`);
    const results: ConfineResults = { confined: [], unconfined: [] };
    const startOn = async (server: ServerProcess, name: string, samples: number[], counted: boolean) => {
      const created = await server.api.post('/api/domains', { xml: demoGuestXml(name, guest) });
      if (created.status !== 201) throw new Error(`defining ${name}: ${JSON.stringify(created.body)}`);
      const t0 = now();
      const started = await server.api.post<GuestSummary>(`/api/domains/${name}/start`);
      const t1 = now();
      if (started.body.state !== 'running') throw new Error(`start of ${name} failed: ${JSON.stringify(started.body)}`);
      await server.api.post(`/api/domains/${name}/destroy`);
      if (counted) samples.push(t1 - t0);
    };
    for (let round = 0; round <= options.runs; round++) {
      const counted = round > 0;
      options.log(`confinement round ${round}/${options.runs}${counted ? '' : ' (warm-up)'}`);
      const server = unconfinedServer;
      const columns = [
        () => startOn(confinedServer, `bench-confined-${round}`, results.confined, counted),
        () => startOn(server, `bench-unconfined-${round}`, results.unconfined, counted),
      ];
      for (let i = 0; i < columns.length; i++) {
        await columns[(round + i) % columns.length]!();
        await new Promise((resolve) => setTimeout(resolve, options.settleMs));
      }
    }
    return results;
  } finally {
    unconfinedServer?.child.kill('SIGKILL');
    killProcessesMentioning(stateDir);
    await rm(stateDir, { recursive: true, force: true });
  }
}
