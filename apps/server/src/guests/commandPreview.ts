import type { HostCapabilities } from '@virtdeck/qemu';
import { capDiagnostics, validateDomain } from '@virtdeck/schema';
import type { ValidateResult } from '../api.js';
import { VirtdeckError } from '../errors.js';
import { sharedImageProbe } from '../preflight/imageProbe.js';
import { preflight } from '../preflight/preflight.js';
import { guestNameProblem } from './guestName.js';
import { buildFailureCode, commandLineFor, hostDiagnostics } from './qemuCommand.js';
import { RunDir } from './RunDir.js';

/** The command line a definition becomes on this host, as it would start now; 422 with diagnostics when it cannot be built. */
export async function previewCommandLine(xml: string, capabilities: () => Promise<HostCapabilities>, stateDir: string): Promise<string[]> {
  const { domain, diagnostics, valid } = validateDomain(xml);
  if (!valid || !domain) throw new VirtdeckError('invalid-xml', 'The definition has errors', { diagnostics });
  const runName = guestNameProblem(domain.name) ? 'NAME' : domain.name;
  const result = commandLineFor(domain, await capabilities(), new RunDir(stateDir, runName));
  if (!result.argv) {
    const first = result.diagnostics.find((d) => d.severity === 'error')?.message;
    // A preview that cannot be built is a problem of the definition on this host: always 422.
    const code = buildFailureCode(result.diagnostics) === 'unsupported-accelerator' ? 'unsupported-accelerator' : 'invalid-xml';
    throw new VirtdeckError(code, first ?? 'The definition cannot be turned into a QEMU command line', { diagnostics: result.diagnostics });
  }
  return result.argv;
}

/**
 * Schema diagnostics plus the host checks, the pre-flight of the host files included (run
 * from the folder the guest would start in). Where the host says the same thing at the same
 * place (the schema's "kqemu cannot start" warning, the host's error), the host's verdict
 * stands alone. Capped as the document's own list is (the host can add one per device).
 */
export async function validateForHost(xml: string, capabilities: () => Promise<HostCapabilities>, stateDir: string): Promise<ValidateResult> {
  const { domain, diagnostics } = validateDomain(xml);
  if (!domain) return { valid: !diagnostics.some((d) => d.severity === 'error'), diagnostics };
  const baseDir = new RunDir(stateDir, guestNameProblem(domain.name) ? 'NAME' : domain.name).dir;
  const [caps, files] = await Promise.all([capabilities(), preflight(domain, { probe: sharedImageProbe, baseDir })]);
  const host = [...hostDiagnostics(domain, caps), ...files.diagnostics];
  const saidByHost = new Set(host.map((d) => `${d.code}@${d.range.start.offset}`));
  const all = [...diagnostics.filter((d) => !saidByHost.has(`${d.code}@${d.range.start.offset}`)), ...host];
  const valid = !all.some((d) => d.severity === 'error');
  capDiagnostics(all);
  return { valid, diagnostics: all };
}
