/**
 * The emulated TPM of a guest, as libvirt's qemu_tpm.c runs it: the state folder is made once
 * with swtpm_setup (TPM manufactured, EK and certificates), then each start runs swtpm as a
 * daemon serving its control socket in the run folder before QEMU starts. swtpm ends by
 * itself when QEMU's connection closes (--terminate); stopSwtpm is for a QEMU that never
 * connected (a failed start) and for the guest's teardown. Never through a shell.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { SWTPM_FILES, type SwtpmPlan } from '@virtdeck/qemu';
import type { QemuUser } from '../confine/qemuUser.js';
import { describeError, VirtdeckError } from '../errors.js';

const run = promisify(execFile);
const SETUP_TIMEOUT_MS = 60_000;
const START_TIMEOUT_MS = 10_000;

/** The file swtpm_setup leaves in a manufactured state folder. */
const STATE_FILE: Record<SwtpmPlan['version'], string> = { '2.0': 'tpm2-00.permall', '1.2': 'tpm-00.permall' };

/** swtpm runs as root; with `client` (QEMU's user) its control socket is that user's, so QEMU can connect. */
export async function startSwtpm(plan: SwtpmPlan, client?: QemuUser): Promise<void> {
  // swtpm splits its option values at commas and has no escape for them.
  for (const file of [plan.stateDir, plan.socket, plan.logFile, plan.pidFile]) {
    if (file.includes(',')) throw new VirtdeckError('host-file', `swtpm cannot use a path with a comma in it: ${file}`);
  }
  await fs.mkdir(plan.stateDir, { recursive: true, mode: 0o700 });
  if (!(await exists(path.join(plan.stateDir, STATE_FILE[plan.version])))) await setUp(plan);
  await Promise.all([plan.socket, plan.pidFile].map((file) => fs.rm(file, { force: true })));
  const args = [
    'socket',
    ...(plan.version === '2.0' ? ['--tpm2'] : []),
    '--tpmstate',
    `dir=${plan.stateDir},mode=0600`,
    '--ctrl',
    `type=unixio,path=${plan.socket},mode=0600${client ? `,uid=${client.uid},gid=${client.gid}` : ''}`,
    '--log',
    `file=${plan.logFile}`,
    '--terminate',
    '--daemon',
    '--pid',
    `file=${plan.pidFile}`,
  ];
  try {
    // With --daemon the command returns once the socket listens.
    await run(plan.swtpm, args, { timeout: START_TIMEOUT_MS });
  } catch (error) {
    throw new VirtdeckError('qemu-failed', `swtpm did not start: ${failure(error)}`, { detail: await tail(plan.logFile), cause: error });
  }
}

/** Ends the guest's swtpm if it still runs (its pid file is in QEMU's folder, RunDir.qemuDir). */
export async function stopSwtpm(qemuDir: string): Promise<void> {
  const pidFile = path.join(qemuDir, SWTPM_FILES.pid);
  const pid = Number((await fs.readFile(pidFile, 'utf8').catch(() => '')).trim());
  if (Number.isSafeInteger(pid) && pid > 0 && isSwtpm(pid)) {
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 50 && isSwtpm(pid); i++) await delay(20);
    if (isSwtpm(pid)) process.kill(pid, 'SIGKILL');
  }
  await Promise.all([pidFile, path.join(qemuDir, SWTPM_FILES.socket)].map((file) => fs.rm(file, { force: true })));
}

async function setUp(plan: SwtpmPlan): Promise<void> {
  const args = [
    ...(plan.version === '2.0' ? ['--tpm2'] : []),
    '--tpm-state',
    plan.stateDir,
    '--vmid',
    plan.vmid,
    '--logfile',
    plan.logFile,
    '--createek',
    '--create-ek-cert',
    '--create-platform-cert',
    '--lock-nvram',
    '--not-overwrite',
    ...(plan.pcrBanks.length > 0 ? ['--pcr-banks', plan.pcrBanks.join(',')] : []),
  ];
  try {
    await run(plan.swtpmSetup, args, { timeout: SETUP_TIMEOUT_MS });
  } catch (error) {
    // A half-made state would be taken for a manufactured one next time.
    await fs.rm(path.join(plan.stateDir, STATE_FILE[plan.version]), { force: true });
    throw new VirtdeckError('qemu-failed', `swtpm_setup could not create the TPM state in ${plan.stateDir}: ${failure(error)}`, {
      detail: await tail(plan.logFile),
      cause: error,
    });
  }
}

/** A pid is only signalled when it is still a swtpm (pids are reused). */
function isSwtpm(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]?.endsWith('swtpm') === true;
  } catch {
    return false;
  }
}

function failure(error: unknown): string {
  const stderr = (error as { stderr?: string }).stderr?.trim();
  return stderr || describeError(error);
}

async function tail(file: string): Promise<string | undefined> {
  const text = await fs.readFile(file, 'utf8').catch(() => '');
  return text === '' ? undefined : text.slice(-4000);
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}
