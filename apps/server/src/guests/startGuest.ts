import fs from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import type { HostCapabilities, LaunchPlan } from '@virtdeck/qemu';
import { isQmpError, QmpClient, type QmpEvent, type StatusInfo } from '@virtdeck/qmp';
import { validateDomain, type Domain } from '@virtdeck/schema';
import { openLaunchFiles, type LaunchFiles } from '../confine/launchFiles.js';
import { qemuUser } from '../confine/qemuUser.js';
import { describeError, VirtdeckError, type ApiDiagnostic, type ErrorCode } from '../errors.js';
import { sharedImageProbe, type ImageProbe } from '../preflight/imageProbe.js';
import { endProbedChains, preflight, preflightFailure } from '../preflight/preflight.js';
import { attachMonitor, consoleSocketOf, serialConsoleFor } from './attach.js';
import { chooseDisplayPorts, type DisplayPorts } from '../host/displayPorts.js';
import { prepareFirmware } from '../host/guestFirmware.js';
import { noEmulatorMessage } from '../host/probeCapabilities.js';
import { startSwtpm, stopSwtpm } from '../host/swtpm.js';
import { applyGuestTuning, hugepageRuntime, prepareGuestTuning, releaseGuestTuning } from '../host/guestTuning.js';
import { networkHost } from '../networks/networkHost.js';
import { createTaps, removeTaps } from '../networks/taps.js';
import { removeLaunchSecrets, runPrelaunchCommands, writeLaunchSecrets } from '../host/launchPlan.js';
import { domainFacts } from './domainFacts.js';
import { GuestRuntime } from './GuestRuntime.js';
import { buildFailureCode, commandLineFor } from './qemuCommand.js';
import { launchQemu, processStartTime, tailOf, terminate } from './qemuProcess.js';
import type { RunDir } from './RunDir.js';

/** Start follows libvirt's qemuProcessStart: each phase named, one rollback path for all. */
export const START_PHASES = ['prepare', 'launch', 'monitor', 'console', 'refresh', 'continue'] as const;
export type StartPhase = (typeof START_PHASES)[number];

export interface StartOptions {
  name: string;
  /** The saved definition, as it is on disk. */
  xml: string;
  /** Its validated model, when the caller has it (saves parsing it again). */
  domain?: Domain;
  run: RunDir;
  capabilities: () => Promise<HostCapabilities>;
  /** How long QEMU may take from launch to a QMP greeting. */
  monitorTimeoutMs: number;
  /** How long one QMP command may take. */
  commandTimeoutMs: number;
  serialLogMaxBytes: number;
  onLogError: (message: string) => void;
  /** Called as soon as the process exists, so that a destroy can reach it while it starts. */
  onLaunched: (runtime: GuestRuntime) => void;
  /** Every QMP event, from the moment the monitor is connected. */
  onEvent: (runtime: GuestRuntime, event: QmpEvent) => void;
  /** Whether options and programs that reach the host unchecked may start (ServerConfig.hostPassthrough). Default yes. */
  hostPassthrough?: boolean;
  /** Reads image headers before the start (default: the server's shared, caching probe). */
  imageProbe?: ImageProbe;
  /** Runs last while the CPUs are stopped (a revert loads the snapshot's memory here). */
  beforeContinue?: (qmp: QmpClient) => Promise<void>;
}

/**
 * Prepare (definition, host checks, firmware, pre-flight of every host file, argv, run folder, the
 * files QEMU gets open, swtpm for an emulated TPM, taps on host bridges) → launch QEMU with CPUs stopped (-S) →
 * connect the monitor → connect the console (before the CPUs run, so the log misses no
 * boot output) → refresh (QEMU must be in `prelaunch`) → continue
 * (`cont`). Resolves with the running guest's runtime; on any failure the one rollback path
 * ends the process and rejects with a VirtdeckError that says which phase failed and why.
 */
export async function startGuest(options: StartOptions): Promise<GuestRuntime> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (error) {
      if (attempt >= AUTOPORT_ATTEMPTS || !isPortClash(error)) throw error;
    }
  }
}

/**
 * Another program (another virtdeck, a VNC server) can take an autoport display's port
 * between the probe that found it free and QEMU's bind; the next start then probes past it.
 */
const AUTOPORT_ATTEMPTS = 3;
const PORT_CLASH = /Failed to find an available port|Address already in use/;
const isPortClash = (error: unknown): boolean => error instanceof VirtdeckError && error.code === 'qemu-failed' && PORT_CLASH.test(error.detail ?? error.message);

async function startOnce(options: StartOptions): Promise<GuestRuntime> {
  const { name, run } = options;
  let phase: StartPhase = 'prepare';
  let runtime: GuestRuntime | undefined;
  let displayPorts: DisplayPorts | undefined;
  let launch: LaunchPlan | undefined;
  let files: LaunchFiles | undefined;
  try {
    const domain = options.domain ?? validDomain(name, options.xml);
    const caps = await options.capabilities();
    if (caps.emulators.length === 0) throw new VirtdeckError('qemu-missing', noEmulatorMessage(caps.failures));
    // The launch works on a model of its own: pre-flight points it at the files handed over.
    const launchDomain = validDomain(name, options.xml);
    await prepareFirmware(launchDomain, caps, run);
    const host = await preflight(launchDomain, { probe: options.imageProbe ?? sharedImageProbe, baseDir: run.dir });
    const refused = preflightFailure(name, host.diagnostics);
    if (refused) throw refused;
    displayPorts = await chooseDisplayPorts(domain);
    // Taps a run that ended without its teardown (a server killed meanwhile) left go first.
    await removeTaps(run.tapsFile);
    const networks = await networkHost(run.stateDir, run);
    const memory = await hugepageRuntime(launchDomain, run.dir);
    const checked = commandLineFor(domain, caps, run, networks, options.hostPassthrough ?? true, displayPorts.ports, memory);
    if (!checked.argv) throw cannotBuild(name, checked.diagnostics);
    const user = await qemuUser();
    await run.prepare(user);
    await fs.writeFile(run.runningXml, options.xml);
    files = await openLaunchFiles(host.files, { baseDir: run.dir, user, ownersFile: run.ownersFile });
    endProbedChains(host.probedChainEnds);
    const command = commandLineFor(launchDomain, caps, run, networks, options.hostPassthrough ?? true, displayPorts.ports, memory);
    if (!command.argv) throw cannotBuild(name, command.diagnostics);
    launch = command.launch;
    await writeLaunchSecrets(launch, user);
    if (launch.swtpm) await startSwtpm(launch.swtpm, user);
    if (launch.taps.length > 0) await createTaps(launch.taps, run.tapsFile, user);
    await prepareGuestTuning(launchDomain, run.dir, user);
    const [emulator = '', ...args] = command.argv;

    phase = 'launch';
    const process = await launchQemu([emulator, ...files.args, ...args], command.env, run.qemuLog, run.dir, { fds: files.fds, user });
    const facts = domainFacts(domain);
    runtime = new GuestRuntime(process, options.xml, facts);
    runtime.startTime = processStartTime(process.pid);
    options.onLaunched(runtime);

    phase = 'monitor';
    const started = runtime;
    const qmp = await QmpClient.connect(run.qmpSocket, {
      timeoutMs: options.monitorTimeoutMs,
      commandTimeoutMs: options.commandTimeoutMs,
      retry: true,
      // QEMU creates its socket some 40 ms after launch: poll often, the start latency counts.
      retryIntervalMs: 5,
      signal: runtime.exitSignal,
    });
    attachMonitor(started, qmp, options.onEvent);
    await removeLaunchSecrets(launch);

    phase = 'console';
    const consoleSocket = consoleSocketOf(run, facts.console);
    if (consoleSocket) {
      const serial = await serialConsoleFor(run, { maxBytes: options.serialLogMaxBytes, onLogError: options.onLogError });
      runtime.console = serial;
      await serial.connect(consoleSocket);
    }

    phase = 'refresh';
    const status = await qmp.execute<StatusInfo>('query-status');
    if (status.status !== 'prelaunch') throw new Error(`QEMU is in state '${status.status}' instead of 'prelaunch'`);
    await applyGuestTuning(launch, qmp, runtime.pid, run.dir);
    await runPrelaunchCommands(launch, qmp);

    phase = 'continue';
    await files.commit();
    await options.beforeContinue?.(qmp);
    await qmp.execute('cont');
    runtime.cpusStartedAt = performance.now();
    runtime.phase = 'active';
    return runtime;
  } catch (error) {
    if (launch) await removeLaunchSecrets(launch);
    if (launch?.swtpm) await stopSwtpm(run.qemuDir);
    const failure = await rollback(name, phase, runtime, run, error);
    await removeTaps(run.tapsFile).catch(() => undefined);
    await releaseGuestTuning(run.dir).catch(() => undefined);
    await files?.abort();
    throw failure;
  } finally {
    displayPorts?.release();
  }
}

function validDomain(name: string, xml: string): Domain {
  const { domain, diagnostics, valid } = validateDomain(xml);
  if (!valid || !domain) throw new VirtdeckError('invalid-xml', `The definition of '${name}' has errors`, { diagnostics });
  return domain;
}

/** The one rollback path: whatever failed, no QEMU is left behind, and the error says why. */
async function rollback(name: string, phase: StartPhase, runtime: GuestRuntime | undefined, run: RunDir, error: unknown): Promise<VirtdeckError> {
  // Before we end it ourselves: did QEMU exit on its own? A lost monitor connection is
  // usually QEMU dying, whose exit is reported a moment later.
  if (runtime && !runtime.process.gone && (isQmpError(error, 'disconnected') || isQmpError(error, 'connect-failed'))) {
    await Promise.race([runtime.process.exited, delay(300)]);
  }
  const exited = runtime?.process.gone === true && runtime.stopping === undefined;
  if (runtime) {
    runtime.release();
    await terminate(runtime.process, 500);
    await run.clearProcessFiles();
  }
  if (runtime?.stopping === 'destroyed') {
    return new VirtdeckError('conflict', `The start of '${name}' was cancelled: the guest was forced off while starting`, { cause: error });
  }
  if (error instanceof VirtdeckError && !runtime) return error;
  const stderr = runtime ? await tailOf(run.qemuLog) : '';
  let code: ErrorCode = error instanceof VirtdeckError ? error.code : 'qemu-failed';
  let why = describeError(error);
  if (!exited && phase === 'monitor') {
    code = 'timeout';
    why = `QEMU did not answer on its monitor socket (${describeError(error)})`;
  } else if (!exited && isQmpError(error, 'timeout')) {
    code = 'timeout';
  } else if (exited) {
    code = 'qemu-failed';
    why = stderr || 'QEMU exited without a message';
  }
  return new VirtdeckError(code, `QEMU failed to start '${name}' (${phase}): ${why}`, { detail: stderr || undefined, cause: error });
}

function cannotBuild(name: string, diagnostics: readonly ApiDiagnostic[]): VirtdeckError {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const first = errors[0]?.message ?? 'the definition cannot be turned into a QEMU command line';
  return new VirtdeckError(buildFailureCode(errors), `'${name}' cannot be started on this host: ${first}`, { diagnostics: errors });
}
