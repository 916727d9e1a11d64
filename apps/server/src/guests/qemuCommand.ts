/**
 * The server's one meeting point with @virtdeck/qemu: a definition and the host's
 * capabilities in, the argv (or why there is none) out, for a guest's run folder.
 */
import { buildArgv, type HostCapabilities, type LaunchPlan, type LaunchRuntime, type NetworkHost, type QemuDiagnostic } from '@virtdeck/qemu';
import type { Domain } from '@virtdeck/schema';
import type { ErrorCode } from '../errors.js';
import type { RunDir } from './RunDir.js';

export interface CommandLineResult {
  /** Absent when an error-severity diagnostic stops the start. */
  argv?: string[];
  /** The command line whatever the host says: what a preview shows beside the diagnostics. */
  best: string[];
  /** Environment QEMU needs besides the server's (TZ for a timezone clock, qemu:env). */
  env: Record<string, string>;
  diagnostics: QemuDiagnostic[];
  /** Secret files to write before launch and QMP commands to send before `cont`. */
  launch: LaunchPlan;
}

/**
 * The command line a domain becomes when started from `run`: QMP, console and display sockets
 * and the pid file in the run folder, NVRAM and TPM state in the state directory, interfaces on
 * the host's networks and bridges, host passthrough as the server allows it, huge-page RAM in the
 * folders `memory` names. No serial log file: the server writes that one from the console stream
 * (see SerialLog).
 */
export function commandLineFor(
  domain: Domain,
  caps: HostCapabilities,
  run: RunDir,
  networks: NetworkHost,
  hostPassthrough: boolean,
  graphicsPorts: LaunchRuntime['graphicsPorts'] = {},
  memory: Pick<LaunchRuntime, 'hugepageDirs' | 'defaultHugepageKiB'> = {},
  now = Date.now(),
): CommandLineResult {
  const runtime = {
    qmpSocket: run.qmpSocket,
    serialSocket: run.consoleSocket,
    displaySocket: run.displaySocket,
    pidFile: run.pidFile,
    graphicsPorts,
    nvramDir: run.nvramDir,
    tpmStateDir: run.tpmStateDir,
    ...memory,
  };
  const built = buildArgv(domain, caps, runtime, { now, networks, hostPassthrough });
  const blocked = built.diagnostics.some((d) => d.severity === 'error');
  const result = { best: built.argv, env: built.env, diagnostics: built.diagnostics, launch: built.launch };
  return blocked ? result : { argv: built.argv, ...result };
}

/**
 * What this host says about a definition (emulator, machine, accelerator, CPU model, networks,
 * unsupported parts, host passthrough where the server turns it off). Without `networks` (a libvirt
 * host, which has its own) networks are not checked.
 */
export function hostDiagnostics(domain: Domain, caps: HostCapabilities, networks?: NetworkHost, hostPassthrough = true): QemuDiagnostic[] {
  return buildArgv(domain, caps, undefined, networks === undefined ? { now: Date.now(), hostPassthrough } : { now: Date.now(), networks, hostPassthrough }).diagnostics;
}

/** The API error code for a command line that cannot be built, from its blocking diagnostics. */
export function buildFailureCode(diagnostics: readonly QemuDiagnostic[]): ErrorCode {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  // No emulator also means no accelerator can be resolved: the missing emulator is the cause.
  if (errors.some((d) => d.code === 'emulator-missing')) return 'qemu-missing';
  if (errors.some((d) => d.code === 'accelerator-unavailable' || d.code === 'unsupported-accelerator')) return 'unsupported-accelerator';
  // The server's own setting refuses it: nothing in the definition is wrong.
  if (errors.length > 0 && errors.every((d) => d.code === 'passthrough-arguments')) return 'forbidden';
  return 'invalid-xml';
}
