/**
 * The server's one meeting point with @virtdeck/qemu: a definition and the host's
 * capabilities in, the argv (or why there is none) out, for a guest's run folder.
 */
import { buildArgv, checkHost, type HostCapabilities } from '@virtdeck/qemu';
import type { Diagnostic, Domain } from '@virtdeck/schema';
import type { RunDir } from './RunDir.js';

export interface CommandLineResult {
  argv?: string[];
  diagnostics: Diagnostic[];
}

/** The command line a domain becomes when started from `run`; no argv when an error stops it. */
export function commandLineFor(domain: Domain, caps: HostCapabilities, run: RunDir): CommandLineResult {
  const hostProblems = checkHost(domain, caps);
  if (hostProblems.some((d) => d.severity === 'error')) return { diagnostics: hostProblems };
  const built = buildArgv(domain, caps, {
    qmpSocket: run.qmpSocket,
    serialSocket: run.consoleSocket,
    pidFile: run.pidFile,
  });
  const diagnostics = [...hostProblems, ...built.diagnostics];
  return diagnostics.some((d) => d.severity === 'error') ? { diagnostics } : { argv: built.argv, diagnostics };
}

/** Host checks only (accelerator usable here, emulator present, …), for `POST /api/validate`. */
export function hostDiagnostics(domain: Domain, caps: HostCapabilities): Diagnostic[] {
  return checkHost(domain, caps);
}
