/**
 * What the embedded driver says about a definition it is shown but not asked to keep: the
 * document's verdict is @virtdeck/schema's alone; the host's diagnostics (all of scope 'host')
 * stand beside it and only say whether it can start here.
 */
import { formatCommandLine, type HostCapabilities, type QemuDiagnostic } from '@virtdeck/qemu';
import { capDiagnostics, isValidDocument, validateDomain } from '@virtdeck/schema';
import type { CommandLine, ValidateResult } from '../api.js';
import { VirtdeckError } from '../errors.js';
import { hugepageRuntime } from '../host/guestTuning.js';
import { sharedImageProbe } from '../preflight/imageProbe.js';
import { networkHost } from '../networks/networkHost.js';
import { preflight } from '../preflight/preflight.js';
import { guestNameProblem } from './guestName.js';
import { commandLineFor, hostDiagnostics } from './qemuCommand.js';
import { RunDir } from './RunDir.js';

/**
 * The best command line a valid definition becomes on this host, as it would start now, with
 * the host's diagnostics beside it: one this host cannot start still has its command line.
 * Only an invalid document is refused (422 with its diagnostics).
 */
export async function previewCommandLine(xml: string, capabilities: () => Promise<HostCapabilities>, stateDir: string, hostPassthrough: boolean): Promise<CommandLine> {
  const { domain, diagnostics, valid } = validateDomain(xml);
  if (!valid || !domain) throw new VirtdeckError('invalid-xml', 'The definition has errors', { diagnostics });
  const runName = guestNameProblem(domain.name) ? 'NAME' : domain.name;
  const run = new RunDir(stateDir, runName);
  const result = commandLineFor(domain, await capabilities(), run, await networkHost(stateDir, { tapPrefix: run.tapPrefix }), hostPassthrough, {}, await hugepageRuntime(domain, run.dir));
  return { argv: result.best, line: formatCommandLine(result.best), builtBy: 'virtdeck', startable: result.argv !== undefined, diagnostics: result.diagnostics };
}

/**
 * Document diagnostics plus the host checks, the pre-flight of the host files included (run
 * from the folder the guest would start in). Where the host says the same thing at the same
 * place (the schema's "kqemu cannot start" warning, the host's error), the host's stands alone.
 * Capped as the document's own list is (the host can add one per device).
 */
export async function validateForHost(xml: string, capabilities: () => Promise<HostCapabilities>, stateDir: string, hostPassthrough: boolean): Promise<ValidateResult> {
  const { domain, diagnostics, valid } = validateDomain(xml);
  if (!domain || !valid) return { valid, startable: false, diagnostics };
  const baseDir = new RunDir(stateDir, guestNameProblem(domain.name) ? 'NAME' : domain.name).dir;
  const [caps, files, networks] = await Promise.all([capabilities(), preflight(domain, { probe: sharedImageProbe, baseDir }), networkHost(stateDir)]);
  const host = [...hostDiagnostics(domain, caps, networks, hostPassthrough), ...files.diagnostics];
  const saidByHost = new Set(host.map((d) => `${d.code}@${d.range.start.offset}`));
  const all: QemuDiagnostic[] = [...diagnostics.filter((d) => !saidByHost.has(`${d.code}@${d.range.start.offset}`)), ...host];
  const verdict = { valid: isValidDocument(all), startable: !all.some((d) => d.severity === 'error') };
  capDiagnostics(all);
  return { ...verdict, diagnostics: all };
}
