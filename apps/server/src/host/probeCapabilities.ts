/**
 * Probes what this host can run: the QEMU system emulators, their version, accelerators,
 * machine types, CPU models and devices, and whether /dev/kvm is usable by the QEMU the server
 * starts (which runs as its own user when the server is root). Served at
 * GET /api/host and used by @virtdeck/qemu to check and build guests.
 *
 * Each binary is asked once: `<bin> -accel help` and `-device help`, then a QEMU started with
 * `-S -nodefaults -display none -machine none -qmp stdio` answers QMP queries on its pipes,
 * host-model's CPU among them (a second QEMU under TCG gives TCG's when the first had KVM).
 * Results are cached in memory and, when `cacheDir` is given, on disk, keyed by the
 * binary's path, mtime and size (and whether /dev/kvm was usable, which query-kvm and the
 * CPU model list depend on): they stay valid until the binary changes.
 */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { access, mkdir, open, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EmulatorCapabilities, EmulatorProbeFailure, HostCapabilities, KvmDeviceStatus } from '@virtdeck/qemu';
import { readLibvirtCpuMap, type LibvirtCpuMap } from './libvirtCpuMap.js';
import { qemuUser, type QemuUser } from '../confine/qemuUser.js';
import { permits, READ, WRITE } from '../confine/reach.js';
import { kvmAccessFor, nodeNames } from './kvmAccess.js';
import { probeFirmware, probeTpmEmulator } from './probeFirmware.js';
import {
  decodeHostCpuModel,
  decodeHostCpuModelAsLibvirt,
  hostModelCandidates,
  parseAccelHelp,
  parseCpuExpansion,
  parseCpuModels,
  parseDeviceHelp,
  parseKvm,
  parseMachines,
  parseTarget,
  parseVersion,
  type CpuExpansion,
} from './parseProbe.js';
import { QmpCommandError, QmpStdioSession } from './qmpStdio.js';

export interface ProbeOptions {
  /** Emulator binaries to probe; by default every `qemu-system-*` found in `searchPath`. */
  binaries?: string[];
  /** Folders searched for emulators; by default $PATH plus /usr/bin and /usr/local/bin. */
  searchPath?: string[];
  /** The KVM device; /dev/kvm unless told otherwise. */
  kvmDevice?: string;
  /** Whom QEMU runs as; by default virtdeck-qemu when the server is root (confine/qemuUser.ts), else the server's own user. */
  qemuUser?: QemuUser;
  /** Folder for the on-disk cache; without it the cache lives in memory only. */
  cacheDir?: string;
  /** Folders of QEMU firmware descriptors, highest priority first (FIRMWARE_DIRS). */
  firmwareDirs?: string[];
  /** How long one binary may take to answer, in milliseconds. */
  timeoutMs?: number;
  /** libvirt's CPU map, which host-model is decoded against; /usr/share/libvirt/cpu_map unless told otherwise. */
  cpuMapDir?: string;
}

/** A probe QEMU that went quiet for the whole timeout (a hung QEMU, or a host far too busy). */
export class ProbeTimeoutError extends Error {
  override name = 'ProbeTimeoutError';
}

/**
 * What a start says when no emulator could be probed: a probe that timed out on a busy host
 * is not a missing QEMU, so it says to try again rather than to install one.
 */
export function noEmulatorMessage(failures: readonly EmulatorProbeFailure[]): string {
  const why = failures.map((f) => `${f.path}: ${f.error}`).join('; ');
  const detail = why ? ` (${why})` : '';
  if (failures.length > 0 && failures.every((f) => f.timedOut))
    return `QEMU did not answer the capability probe in time; the host may be busy. Try again${detail}`;
  return `No usable QEMU emulator was found on this host${detail}; install qemu-system-x86`;
}

/** Bumped when the cached shape changes, so old cache files are ignored. */
const CACHE_FORMAT = 4;
const DEFAULT_TIMEOUT_MS = 20_000;
/** A probe QEMU lives at most this many timeouts, whatever happens to the server. */
const LIFETIME_TIMEOUTS = 10;
const EMULATOR_NAME = /^qemu-system-[A-Za-z0-9_-]+$/;

const memoryCache = new Map<string, Promise<EmulatorCapabilities>>();

const NODE_ARCH: Record<string, string> = {
  x64: 'x86_64',
  arm64: 'aarch64',
  ia32: 'i686',
  arm: 'armv7l',
  ppc64: 'ppc64',
  s390x: 's390x',
  riscv64: 'riscv64',
  loong64: 'loongarch64',
};

export async function probeCapabilities(options: ProbeOptions = {}): Promise<HostCapabilities> {
  // A missing QEMU user is said when a guest starts; /dev/kvm is then judged as the server finds it.
  const user = options.qemuUser ?? (await qemuUser().catch(() => undefined));
  const [kvmDevice, firmware, tpmEmulator] = await Promise.all([checkKvmDevice(options.kvmDevice ?? '/dev/kvm', user), probeFirmware(options.firmwareDirs), probeTpmEmulator()]);
  const binaries = options.binaries ?? (await findEmulatorBinaries(options.searchPath ?? defaultSearchPath()));
  const cpuMap = await readLibvirtCpuMap(options.cpuMapDir);
  const results = await Promise.allSettled(binaries.map((binary) => probeEmulatorCached(binary, kvmDevice.usable, cpuMap, options)));
  const emulators: EmulatorCapabilities[] = [];
  const failures: EmulatorProbeFailure[] = [];
  results.forEach((result, i) => {
    const binary = binaries[i] ?? '';
    if (result.status === 'fulfilled') emulators.push(result.value);
    else
      failures.push({
        path: binary,
        error: result.reason instanceof Error ? result.reason.message : String(result.reason),
        ...(result.reason instanceof ProbeTimeoutError || (result.reason instanceof Error && result.reason.cause instanceof ProbeTimeoutError) ? { timedOut: true } : {}),
      });
  });
  return {
    host: { os: process.platform, arch: NODE_ARCH[process.arch] ?? process.arch },
    kvmDevice,
    emulators,
    failures,
    firmware,
    ...(tpmEmulator ? { tpmEmulator } : {}),
  };
}

/**
 * Opens the KVM device read-write (and closes it): whether it exists, works and is free. For
 * a QEMU that runs as `user`, its mode must also let that user (with its groups) open it.
 */
export async function checkKvmDevice(devicePath: string, user?: QemuUser): Promise<KvmDeviceStatus> {
  try {
    const handle = await open(devicePath, fsConstants.O_RDWR);
    try {
      if (!user) return { path: devicePath, usable: true };
      const node = await handle.stat();
      if (permits(node, user, READ | WRITE)) return { path: devicePath, usable: true };
      return kvmAccessFor(devicePath, node, user, await nodeNames(node, user));
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
    const detail = `${code}: ${(error as Error).message}`;
    const problem =
      code === 'ENOENT' || code === 'ENXIO' || code === 'ENODEV'
        ? 'missing'
        : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
          ? 'permission'
          : code === 'EBUSY'
            ? 'busy'
            : 'error';
    return { path: devicePath, usable: false, problem, detail };
  }
}

function defaultSearchPath(): string[] {
  const fromEnv = (process.env.PATH ?? '').split(path.delimiter).filter((dir) => dir !== '');
  return [...new Set([...fromEnv, '/usr/local/bin', '/usr/bin'])];
}

/** Every executable `qemu-system-*` in the folders, first one wins for each name. */
export async function findEmulatorBinaries(dirs: readonly string[]): Promise<string[]> {
  const byName = new Map<string, string>();
  for (const dir of dirs) {
    let entries: string[];
    try {
      entries = await readdir(dir);
    } catch {
      continue; // a PATH entry that does not exist is not an error
    }
    for (const name of entries.sort()) {
      if (!EMULATOR_NAME.test(name) || byName.has(name)) continue;
      const full = path.join(dir, name);
      try {
        const info = await stat(full);
        if (info.isFile() && (info.mode & 0o111) !== 0) byName.set(name, full);
      } catch {
        continue;
      }
    }
  }
  return [...byName.values()];
}

async function probeEmulatorCached(binary: string, kvmUsable: boolean, cpuMap: LibvirtCpuMap | undefined, options: ProbeOptions): Promise<EmulatorCapabilities> {
  const info = await stat(binary);
  const fingerprint = { mtimeMs: info.mtimeMs, size: info.size };
  // host-model depends on libvirt's CPU map too: a libvirt installed or upgraded probes again.
  const key = JSON.stringify([CACHE_FORMAT, binary, fingerprint.mtimeMs, fingerprint.size, kvmUsable, cpuMap?.digest ?? null]);
  const cached = memoryCache.get(key);
  if (cached) return cached;
  const probe = (async () => {
    const cacheFile = options.cacheDir
      ? path.join(options.cacheDir, `emulator-${createHash('sha256').update(key).digest('hex').slice(0, 20)}.json`)
      : undefined;
    if (cacheFile) {
      const fromDisk = await readCacheFile(cacheFile, key);
      if (fromDisk) return fromDisk;
    }
    const caps = await probeEmulator(binary, kvmUsable, cpuMap, fingerprint, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    if (cacheFile) await writeCacheFile(cacheFile, key, caps);
    return caps;
  })();
  memoryCache.set(key, probe);
  // A failed probe is not cached: the next request tries again.
  probe.catch(() => memoryCache.delete(key));
  return probe;
}

async function readCacheFile(file: string, key: string): Promise<EmulatorCapabilities | undefined> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as { key?: unknown; capabilities?: EmulatorCapabilities };
    return parsed.key === key ? parsed.capabilities : undefined;
  } catch {
    return undefined; // missing or damaged cache file: probe again
  }
}

async function writeCacheFile(file: string, key: string, capabilities: EmulatorCapabilities): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify({ key, capabilities }));
  await rename(temporary, file);
}

let limiter: Promise<string | undefined> | undefined;

/** coreutils' timeout(1), when the host has it. */
function lifetimeLimiter(): Promise<string | undefined> {
  limiter ??= (async () => {
    for (const candidate of ['/usr/bin/timeout', '/bin/timeout']) {
      try {
        await access(candidate, fsConstants.X_OK);
        return candidate;
      } catch {
        continue;
      }
    }
    return undefined;
  })();
  return limiter;
}

function runForOutput(binary: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(binary, args, { timeout: timeoutMs, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${binary} ${args.join(' ')} failed: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
  });
}

/** Asks one binary everything; always ends the QEMUs it started. */
async function probeEmulator(
  binary: string,
  kvmUsable: boolean,
  cpuMap: LibvirtCpuMap | undefined,
  fingerprint: EmulatorCapabilities['fingerprint'],
  timeoutMs: number,
): Promise<EmulatorCapabilities> {
  const accelerators = parseAccelHelp(await runForOutput(binary, ['-accel', 'help'], timeoutMs));
  // -device help (not QOM's type list) is what -device accepts, aliases included.
  const devices = parseDeviceHelp(await runForOutput(binary, ['-device', 'help'], timeoutMs));
  // KVM first when it can work, TCG as fallback: query-kvm then reports whether KVM
  // really initialised, and the CPU model list reflects the accelerator guests would get.
  const accelArgs: string[] = [];
  if (kvmUsable && accelerators.includes('kvm')) accelArgs.push('-accel', 'kvm');
  if (accelerators.includes('tcg')) accelArgs.push('-accel', 'tcg');
  // host-model under TCG is what max has, which needs a QEMU of its own when the first gets
  // KVM: asked at the same time. Its expansions also give each model's own vendor (under KVM
  // every model has the host's).
  const tcgAlongside =
    accelArgs.includes('kvm') && accelerators.includes('tcg')
      ? withProbeQemu(binary, ['-accel', 'tcg'], timeoutMs, async (session) => {
          if (!X86_ARCHES.has(parseTarget(await session.execute('query-target')))) return undefined;
          const cpuModels = parseCpuModels(await session.execute('query-cpu-definitions'));
          const expansions = await expandCpuModels(session, 'max', hostModelCandidates(cpuModels));
          return expansions && { ...expansions, cpuModels };
        }).catch(() => undefined)
      : Promise.resolve(undefined);
  const first = await withProbeQemu(binary, accelArgs, timeoutMs, async (session) => {
    const version = parseVersion(await session.execute('query-version'));
    const arch = parseTarget(await session.execute('query-target'));
    const kvm = parseKvm(await session.execute('query-kvm'));
    const machines = parseMachines(await session.execute('query-machines'));
    const cpuModels = parseCpuModels(await session.execute('query-cpu-definitions'));
    const caps: EmulatorCapabilities = { path: binary, arch, version, accelerators, kvm, machines, cpuModels, devices, fingerprint };
    const expansions = X86_ARCHES.has(arch) ? await expandCpuModels(session, kvm.enabled ? 'host' : 'max', hostModelCandidates(cpuModels)) : undefined;
    return { caps, expansions };
  }).finally(() => tcgAlongside);
  const { caps } = first;
  const alongside = await tcgAlongside;
  if (!first.expansions) return caps;
  const tcg = caps.kvm.enabled ? alongside : { ...first.expansions, cpuModels: caps.cpuModels };
  const hostCpuModels: NonNullable<EmulatorCapabilities['hostCpuModels']> = {};
  // Decoded as libvirt does against libvirt's CPU map (with the models and blockers QEMU
  // reports under each accelerator); without the map, approximated from QEMU's models.
  const tcgModel = tcg && (cpuMap ? decodeHostCpuModelAsLibvirt(tcg.host, cpuMap, tcg.cpuModels) : decodeHostCpuModel(tcg.host, tcg.models, { matchSignature: false }));
  if (tcgModel) hostCpuModels.tcg = tcgModel;
  if (caps.kvm.enabled) {
    const vendors = tcg ? new Map([...tcg.models].map(([name, m]) => [name, m.vendor])) : undefined;
    const kvmModel = cpuMap
      ? decodeHostCpuModelAsLibvirt(first.expansions.host, cpuMap, caps.cpuModels)
      : decodeHostCpuModel(first.expansions.host, first.expansions.models, { matchSignature: true, ...(vendors ? { vendors } : {}) });
    if (kvmModel) hostCpuModels.kvm = kvmModel;
  }
  return Object.keys(hostCpuModels).length > 0 ? { ...caps, hostCpuModels } : caps;
}

/** Architectures whose CPU models host-model is decoded into (libvirt's x86 CPU driver). */
const X86_ARCHES = new Set(['x86_64', 'i386']);

/**
 * Static expansions of `host` or `max` and of each named model, or undefined when this QEMU
 * cannot expand CPU models (then host-model keeps QEMU's host or max CPU).
 */
async function expandCpuModels(
  session: QmpStdioSession,
  hostName: 'host' | 'max',
  names: readonly string[],
): Promise<{ host: CpuExpansion; models: Map<string, CpuExpansion> } | undefined> {
  const expand = async (name: string, props?: Record<string, unknown>) =>
    parseCpuExpansion(await session.execute('query-cpu-model-expansion', { type: 'static', model: props ? { name, props } : { name } }));
  let host: CpuExpansion;
  try {
    // As libvirt asks: with migratable=off the host's non-migratable features (invtsc) count too.
    host = await expand(hostName, { migratable: false });
  } catch (error) {
    if (error instanceof QmpCommandError) return undefined;
    throw error;
  }
  const models = new Map<string, CpuExpansion>();
  for (const name of names) {
    try {
      models.set(name, await expand(name));
    } catch (error) {
      // a model this QEMU lists but will not expand is not a candidate
      if (!(error instanceof QmpCommandError)) throw error;
    }
  }
  return { host, models };
}

/** Starts `binary -machine none` with a QMP monitor on its pipes, asks, and ends it whatever happens. */
async function withProbeQemu<T>(binary: string, accelArgs: string[], timeoutMs: number, ask: (session: QmpStdioSession) => Promise<T>): Promise<T> {
  const qemuArgs = ['-S', '-nodefaults', '-display', 'none', '-machine', 'none', ...accelArgs, '-qmp', 'stdio'];
  // QEMU does not exit when its QMP stdin closes, so if the server dies mid-probe the probe
  // QEMU would live on: coreutils' timeout bounds its life whatever happens to us.
  const bounded = await lifetimeLimiter();
  // Generous: the QMP timeout runs from the last answer, so a slow probe may take many times it.
  const seconds = String(Math.ceil((timeoutMs * LIFETIME_TIMEOUTS) / 1000) + 5);
  const child = bounded
    ? spawn(bounded, ['--kill-after=2', seconds, binary, ...qemuArgs], { stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn(binary, qemuArgs, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    if (stderr.length < 4096) stderr += chunk;
  });
  let running = true;
  const exited = new Promise<void>((resolve) => {
    const done = (): void => {
      running = false;
      resolve();
    };
    child.once('exit', done);
    child.once('error', done); // could not start at all
  });
  child.stdin.on('error', () => undefined); // EPIPE when QEMU died first; the exit says why
  const session = new QmpStdioSession(child);
  // The timeout guards against a QEMU that hangs: it runs from QEMU's last answer, so a QEMU
  // that is merely slow (a loaded host, dozens of CPU model expansions) is not given up on.
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => reject(new ProbeTimeoutError(`${binary} did not answer QMP for ${timeoutMs} ms (timed out; the host may be busy)`)), timeoutMs);
    };
    arm();
    child.stdout.on('data', arm);
  });
  try {
    return await Promise.race([session.start().then(() => ask(session)), timeout]);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(stderr.trim() ? `${message}: ${stderr.trim()}` : message, { cause: error });
  } finally {
    clearTimeout(timer);
    if (running) {
      child.stdin.end(`${JSON.stringify({ execute: 'quit' })}\n`);
      // SIGTERM first: timeout(1) passes it on to QEMU, a SIGKILL would not.
      const killer = setTimeout(() => child.kill('SIGTERM'), 2000);
      await exited;
      clearTimeout(killer);
    }
  }
}
