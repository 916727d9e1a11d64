import { execFile } from 'node:child_process';
import { access, appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { describeError } from '../errors.js';
import { isAlive, signal } from '../guests/qemuProcess.js';

const run = promisify(execFile);
const URI = 'qemu:///system';
const QEMU_CONF = '/etc/libvirt/qemu.conf';
/** What DESIGN.md says libvirtd needs to run QEMU as root without systemd (cgroups, namespaces). */
const QEMU_SETTINGS: [string, string][] = [
  ['user', '"root"'],
  ['group', '"root"'],
  ['dynamic_ownership', '0'],
  ['remember_owner', '0'],
  ['namespaces', '[]'],
  ['cgroup_controllers', '[]'],
];
const DAEMONS = [
  { binary: '/usr/sbin/virtlogd', pidFile: '/var/run/virtlogd.pid' },
  { binary: '/usr/sbin/libvirtd', pidFile: '/var/run/libvirtd.pid' },
];

export interface Libvirt {
  virsh(...args: string[]): Promise<string>;
  /** Stops the daemons this process started (none if they were running already). */
  stop(): Promise<void>;
  /** A libvirtd started again in place of one this process started: stopped with the rest. */
  restarted(pid: number): void;
}

/**
 * A usable `virsh -c qemu:///system`, or why there is none. As root, a libvirt that is
 * installed but not running is set up the way DESIGN.md describes and started; the
 * daemons started here are stopped again by `stop()`.
 */
export async function connectLibvirt(log: (message: string) => void): Promise<Libvirt | string> {
  const virsh = async (...args: string[]) => (await run('virsh', ['-c', URI, ...args], { timeout: 60_000 })).stdout;
  const started: number[] = [];
  const libvirt = (): Libvirt => ({
    virsh,
    stop: () => stopDaemons(started),
    restarted: (pid) => {
      if (started.length > 0) started.push(pid);
    },
  });
  try {
    await virsh('version');
    // A libvirtd left from an earlier run may have lost its virtlogd, and then no guest
    // starts ("Failed to connect socket to '/run/libvirt/virtlogd-sock'"): start that one.
    if (process.getuid?.() === 0) {
      for (const daemon of DAEMONS) {
        if (await daemonRunning(daemon.pidFile)) continue;
        log(`starting ${daemon.binary} --daemon (libvirtd runs without it)`);
        await run(daemon.binary, ['--daemon']);
        const pid = await waitForPid(daemon.pidFile);
        if (pid) started.push(pid);
      }
    }
    return libvirt();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'virsh is not installed (apt-get install libvirt-clients libvirt-daemon libvirt-daemon-driver-qemu)';
    if (process.getuid?.() !== 0) return `libvirtd is not running and setting it up needs root (${describeError(error)})`;
  }
  try {
    for (const { binary } of DAEMONS) await access(binary);
  } catch {
    return 'libvirtd is not installed (apt-get install libvirt-daemon libvirt-daemon-driver-qemu)';
  }
  try {
    await configureQemuDriver(log);
    for (const [kind, name] of [['group', 'libvirt'], ['passwd', 'libvirt-qemu']] as const) {
      const exists = await run('getent', [kind, name]).then(() => true, () => false);
      if (!exists) await run(kind === 'group' ? 'groupadd' : 'useradd', kind === 'group' ? ['-r', name] : ['-r', '-M', name]);
    }
    await mkdir('/var/log/libvirt', { recursive: true });
    await mkdir('/var/run/libvirt', { recursive: true });
    for (const { binary, pidFile } of DAEMONS) {
      log(`starting ${binary} --daemon`);
      await run(binary, ['--daemon']);
      const pid = await waitForPid(pidFile);
      if (pid) started.push(pid);
    }
    for (let attempt = 0; ; attempt++) {
      try {
        await virsh('version');
        break;
      } catch (error) {
        if (attempt > 100) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } catch (error) {
    await stopDaemons(started);
    return `libvirtd could not be started: ${describeError(error)}`;
  }
  return libvirt();
}

async function daemonRunning(pidFile: string): Promise<boolean> {
  const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
  return pid > 0 && isAlive(pid);
}

async function configureQemuDriver(log: (message: string) => void): Promise<void> {
  const current = await readFile(QEMU_CONF, 'utf8').catch(() => undefined);
  const missing = QEMU_SETTINGS.filter(([key]) => !new RegExp(`^\\s*${key}\\s*=`, 'm').test(current ?? ''));
  if (missing.length === 0) return;
  const lines = `\n# added by virtdeck's benchmark: run QEMU as root without systemd\n${missing.map(([k, v]) => `${k} = ${v}`).join('\n')}\n`;
  log(`adding ${missing.map(([k]) => k).join(', ')} to ${QEMU_CONF}`);
  if (current === undefined) await writeFile(QEMU_CONF, lines.trimStart());
  else await appendFile(QEMU_CONF, lines);
}

async function waitForPid(pidFile: string): Promise<number | undefined> {
  for (let i = 0; i < 100; i++) {
    const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
    if (pid > 0 && isAlive(pid)) return pid;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return undefined;
}

async function stopDaemons(pids: number[]): Promise<void> {
  for (const pid of [...pids].reverse()) {
    signal(pid, 'SIGTERM');
    for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    if (isAlive(pid)) signal(pid, 'SIGKILL');
  }
}
