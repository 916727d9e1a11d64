/**
 * Host diagnostics for a domain: what stops this host from running it as defined
 * (emulator, accelerator, machine type, CPU model, device models), each at its element,
 * with the reason and the alternatives the capabilities offer. The schema's validation
 * covers the XML itself; this covers the host.
 */
import type { Domain } from '@virtdeck/schema';
import { buildArgv } from './buildArgv.js';
import type { HostCapabilities } from './capabilities.js';
import type { QemuDiagnostic, QemuDiagnosticCode } from './diagnostics.js';

const HOST_CODES: ReadonlySet<string> = new Set<QemuDiagnosticCode | 'unsupported-accelerator'>([
  'emulator-missing',
  'machine-unknown',
  'machine-deprecated',
  'cpu-model-unknown',
  'cpu-model-unusable',
  'accelerator-unavailable',
  'unsupported-accelerator',
  'device-model-unknown',
]);

/** The host-related diagnostics buildArgv finds, without the command line itself. */
export function checkHost(domain: Domain, caps: HostCapabilities): QemuDiagnostic[] {
  return buildArgv(domain, caps).diagnostics.filter((d) => HOST_CODES.has(d.code));
}
