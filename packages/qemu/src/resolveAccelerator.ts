/**
 * Can this host run the accelerator a domain asks for? Answers with the QEMU accelerator to
 * use, or with a reason a person can act on and the accelerators that would work instead.
 */
import { ACCELERATORS, acceleratorInfo, firstChild, getAttribute, type Domain, type QuickFix, type Range, type XmlElement } from '@virtdeck/schema';
import { findEmulator, KVM_DEVICE_PROBLEMS, type EmulatorCapabilities, type HostCapabilities } from './capabilities.js';
import type { QemuDiagnostic } from './diagnostics.js';

export interface AcceleratorResolution {
  /** The accelerator as the domain names it (kvm, qemu, kqemu, …). */
  accelerator: string;
  /** QEMU's accelerator to start with (`-accel NAME`), when it can be used. */
  qemuAccel?: string;
  usable: boolean;
  /** Why it cannot be used, when it cannot. */
  reason?: string;
  /** Accelerators (domain type values) that this host can run. */
  alternatives: string[];
  /** The reason as a diagnostic at the element that names the accelerator, with quick fixes. */
  diagnostics: QemuDiagnostic[];
}

export interface AcceleratorRequest {
  type: Domain['type'];
  typeSpelling?: Domain['typeSpelling'];
  node?: XmlElement;
}

const OS_NAMES: Record<string, string> = { darwin: 'macOS', win32: 'Windows', netbsd: 'NetBSD', linux: 'Linux' };

/** Why an accelerator cannot run here, or undefined when it can. */
function unavailableReason(name: string, caps: HostCapabilities, emulator: EmulatorCapabilities | undefined): string | undefined {
  const info = acceleratorInfo(name);
  if (!info) return `'${name}' is not a QEMU accelerator (QEMU accelerators: ${Object.keys(ACCELERATORS).join(', ')}).`;
  if (info.status === 'removed') return info.summary;
  if (info.status === 'never-merged') return info.summary;
  if (name === 'xen') {
    return emulator?.accelerators.includes('xen')
      ? 'Xen needs a host booted under the Xen hypervisor (dom0), and virtdeck does not manage Xen guests.'
      : `${info.summary} This QEMU has no Xen support.`;
  }
  if (info.hostOS && info.hostOS !== caps.host.os) {
    return `${info.title} exists only on ${OS_NAMES[info.hostOS] ?? info.hostOS} hosts; this host runs ${OS_NAMES[caps.host.os] ?? caps.host.os}.`;
  }
  const qemuName = info.qemuName ?? name;
  if (!emulator) return 'There is no QEMU emulator for this guest on this host.';
  if (!emulator.accelerators.includes(qemuName)) {
    return `${emulator.path} was built without ${info.title} support (it offers: ${emulator.accelerators.join(', ') || 'none'}).`;
  }
  if (name === 'kvm') {
    const device = caps.kvmDevice;
    if (!device.usable) {
      const problem = device.problem ?? 'error';
      return `KVM cannot be used: ${device.path} ${KVM_DEVICE_PROBLEMS[problem]}${device.detail ? ` (${device.detail})` : ''}.${device.advice ? ` ${device.advice}` : ''}`;
    }
    if (!emulator.kvm.enabled) {
      return emulator.kvm.present
        ? 'KVM cannot be used: QEMU could not enable it (query-kvm reports it disabled), although /dev/kvm opened.'
        : 'KVM cannot be used: this QEMU reports no KVM support (query-kvm).';
    }
  }
  return undefined;
}

/**
 * Whether this host can run the accelerator and, when not, why, with its emulator for the
 * host's architecture: what GET /api/host lists for the picker and a start refuses with.
 */
export function acceleratorUsability(name: string, caps: HostCapabilities): { usable: boolean; reason?: string } {
  const reason = unavailableReason(name, caps, findEmulator(caps, { arch: caps.host.arch }));
  return reason === undefined ? { usable: true } : { usable: false, reason };
}

/** The element (or attribute value) where the accelerator is written, for diagnostics. */
function acceleratorRange(request: AcceleratorRequest): Range | undefined {
  const root = request.node;
  if (!root) return undefined;
  const osType = firstChild(firstChild(root, 'os') ?? root, 'type');
  if (request.typeSpelling === 'os-type-accel' && osType) return getAttribute(osType, 'accel')?.valueRange;
  if (request.typeSpelling === 'os-type' && osType) {
    const text = osType.children.find((c) => c.kind === 'text' && c.value.trim() !== '');
    return text?.range ?? osType.nameRange;
  }
  return getAttribute(root, 'type')?.valueRange ?? root.nameRange;
}

export function resolveAccelerator(
  request: AcceleratorRequest,
  caps: HostCapabilities,
  options: { emulatorPath?: string; arch?: string } = {},
): AcceleratorResolution {
  const name = request.type;
  const emulator = findEmulator(caps, options.emulatorPath !== undefined ? { path: options.emulatorPath } : { arch: options.arch ?? caps.host.arch });
  const alternatives = Object.keys(ACCELERATORS).filter((candidate) => candidate !== name && unavailableReason(candidate, caps, emulator) === undefined);
  const reason = unavailableReason(name, caps, emulator);
  const info = acceleratorInfo(name);
  if (reason === undefined) {
    return { accelerator: name, qemuAccel: info?.qemuName ?? name, usable: true, alternatives, diagnostics: [] };
  }
  const range = acceleratorRange(request);
  const diagnostics: QemuDiagnostic[] = [];
  if (range) {
    const fixes: QuickFix[] = alternatives.map((alt) => ({
      title: `Use ${acceleratorInfo(alt)?.title ?? alt} (${alt})`,
      edits: [{ range, newText: alt }],
      isPreferred: alt === alternatives[0],
    }));
    const suggestion = alternatives.length > 0 ? ` Use ${alternatives.map((a) => `'${a}'`).join(' or ')} instead.` : '';
    const removed = info?.status === 'removed' || info?.status === 'never-merged' || !info;
    const diagnostic: QemuDiagnostic = {
      severity: 'error',
      scope: 'host',
      code: removed || (info?.hostOS !== undefined && info.hostOS !== caps.host.os) ? 'unsupported-accelerator' : 'accelerator-unavailable',
      message: `${reason}${suggestion}`,
      range,
    };
    if (fixes.length > 0) diagnostic.fixes = fixes;
    diagnostics.push(diagnostic);
  }
  return { accelerator: name, usable: false, reason, alternatives, diagnostics };
}
