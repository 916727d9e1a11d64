import type { Diagnostic, DiagnosticCode, QuickFix, Range, Severity, XmlElement } from '@virtdeck/schema';

/**
 * Codes for what only the QEMU side can say: host checks, command-line limits, and element
 * families virtdeck does not turn into options yet. (The schema's codes cover the XML.)
 */
export const QEMU_DIAGNOSTIC_CODES = {
  'not-supported-yet': 'an element or setting virtdeck does not turn into QEMU options yet',
  'not-applicable': 'a setting that has no meaning when virtdeck runs QEMU (it is kept, not used)',
  'emulator-missing': 'the emulator binary named by <emulator> (or one for the architecture) is not on this host',
  'machine-unknown': 'the machine type is not offered by the emulator',
  'machine-deprecated': 'the machine type is deprecated by QEMU',
  'cpu-model-unknown': 'the CPU model is not offered by the emulator',
  'cpu-model-unusable': 'the CPU model lacks features the accelerator cannot provide',
  'accelerator-unavailable': 'the accelerator cannot be used on this host',
  'device-model-unknown': 'the emulator has no device of that model',
  'address-unassignable': 'a device address that cannot be used or assigned',
  'network-unknown': 'the interface names a virtual network that is not defined',
  'host-bridge-missing': 'the interface or its network names a host bridge that does not exist',
  'host-privileges-needed': 'the device needs privileges the server does not have (root for a tap on a bridge)',
  'host-resource-needed': 'the device needs a host resource virtdeck does not provide (a secret, an fd, a helper daemon)',
  'clock-needs-time': 'the clock setting needs the start time, which the caller did not give',
  'passthrough-arguments': 'a qemu:arg, qemu:env or tap script where the server turns off what reaches the host unchecked',
  'host-file': 'a host file the guest needs is missing, unreadable, or not what its element says',
  'host-file-overwritten': 'the start empties or replaces an existing host file',
  'backing-chain': 'an image names a file (backing file, data file) that the definition does not',
} as const;
export type QemuDiagnosticCode = keyof typeof QEMU_DIAGNOSTIC_CODES;

/** A diagnostic from @virtdeck/schema, with the QEMU codes added to the schema's own. */
export type QemuDiagnostic = Omit<Diagnostic, 'code'> & { code: DiagnosticCode | QemuDiagnosticCode };

/** Collects host diagnostics, each anchored to the element it is about. */
export class DiagnosticSink {
  readonly list: QemuDiagnostic[] = [];

  constructor(private readonly fallback: XmlElement) {}

  add(severity: Severity, code: DiagnosticCode | QemuDiagnosticCode, at: XmlElement | Range | undefined, message: string, fixes?: QuickFix[]): void {
    const range = at === undefined ? this.fallback.nameRange : 'kind' in at ? at.nameRange : at;
    // Whatever QEMU's side finds is about this host: the document's verdict is @virtdeck/schema's.
    const diagnostic: QemuDiagnostic = { severity, scope: 'host', code, message, range };
    if (fixes && fixes.length > 0) diagnostic.fixes = fixes;
    this.list.push(diagnostic);
  }

  error(code: DiagnosticCode | QemuDiagnosticCode, at: XmlElement | Range | undefined, message: string, fixes?: QuickFix[]): void {
    this.add('error', code, at, message, fixes);
  }

  warning(code: DiagnosticCode | QemuDiagnosticCode, at: XmlElement | Range | undefined, message: string, fixes?: QuickFix[]): void {
    this.add('warning', code, at, message, fixes);
  }

  info(code: DiagnosticCode | QemuDiagnosticCode, at: XmlElement | Range | undefined, message: string): void {
    this.add('info', code, at, message);
  }

  /**
   * An element family virtdeck cannot express yet. `dropped` says the guest would lack it
   * (an error: starting would silently change the hardware); otherwise it is a tuning
   * setting left out (a warning).
   */
  unsupported(at: XmlElement | undefined, what: string, dropped: boolean): void {
    const tail = dropped ? 'it is left out of the command line, so the guest would not have it' : 'it is ignored';
    this.add(dropped ? 'error' : 'warning', 'not-supported-yet', at, `${what} is not supported by virtdeck yet: ${tail}.`);
  }
}
