/**
 * What this host can run, as probed by the server (apps/server/src/host/probeCapabilities.ts)
 * and served at GET /api/host. Plain JSON data, so the browser can hold it too.
 */

/** The operating system family, as Node's `process.platform` names it. */
export type HostOS = 'linux' | 'darwin' | 'win32' | 'netbsd' | 'freebsd' | 'openbsd' | 'sunos' | 'aix' | string;

/** Why /dev/kvm cannot be used, when it cannot. */
export const KVM_DEVICE_PROBLEMS = {
  missing: 'does not exist: the kvm kernel module is not loaded or the CPU has no virtualization support',
  permission: 'cannot be opened read-write by this user: add the user to the group that owns it (usually "kvm")',
  busy: 'is busy: another hypervisor holds the virtualization extensions',
  'qemu-user': 'cannot be opened read-write by the user QEMU runs as',
  error: 'cannot be opened',
} as const;
export type KvmDeviceProblem = keyof typeof KVM_DEVICE_PROBLEMS;

export interface KvmDeviceStatus {
  /** Normally /dev/kvm. */
  path: string;
  /** True when the device opened read-write. */
  usable: boolean;
  problem?: KvmDeviceProblem;
  /** The system's own message (errno code and text), or for 'qemu-user' the device's mode, owner and group and QEMU's user and groups. */
  detail?: string;
  /** What to do about it on this host, in words. */
  advice?: string;
}

export interface QemuVersion {
  major: number;
  minor: number;
  micro: number;
  /** Distribution build string, e.g. "Debian 1:7.2+dfsg-7+deb12u18". */
  package?: string;
}

export interface MachineType {
  name: string;
  /** Short name that points at this machine type (`pc` for pc-i440fx-7.2). */
  alias?: string;
  isDefault: boolean;
  deprecated: boolean;
  cpuMax?: number;
  /** QOM type of the default CPU, e.g. "qemu64-x86_64-cpu". */
  defaultCpuType?: string;
  /** Memory backend id the machine expects for its main RAM, e.g. "pc.ram". */
  defaultRamId?: string;
}

export interface CpuModel {
  name: string;
  /** Features the accelerator used while probing cannot provide; empty means runnable. */
  unavailableFeatures: string[];
  static: boolean;
  migrationSafe: boolean;
  deprecated: boolean;
  /** The versioned model this name stands for (e.g. "qemu64" -> "qemu64-v1"). */
  aliasOf?: string;
}

/**
 * The CPU `<cpu mode='host-model'>` stands for under one accelerator, as libvirt's
 * domcapabilities gives it (`<mode name='host-model'>`): a named model with the features the
 * host CPU has beyond it and those of the model it lacks. Features use QEMU's names, as the
 * -cpu option wants them (libvirt writes them the same way on its command line).
 */
export interface HostCpuModel {
  /** A model query-cpu-definitions lists, e.g. "EPYC". */
  model: string;
  /** CPUID vendor of the host CPU (of QEMU's max under TCG), e.g. "AuthenticAMD". */
  vendor?: string;
  /** Features the host has beyond the model (require) and features of the model it lacks (disable). */
  features: Array<{ name: string; policy: 'require' | 'disable' }>;
}

/** What query-kvm said, with the accelerator virtdeck probed under. */
export interface KvmState {
  present: boolean;
  enabled: boolean;
}

export interface EmulatorCapabilities {
  path: string;
  /** Guest architecture from query-target, e.g. "x86_64". */
  arch: string;
  version: QemuVersion;
  /** Accelerators compiled into the binary, from `-accel help` (QEMU's names: tcg, kvm, hvf, …). */
  accelerators: string[];
  kvm: KvmState;
  machines: MachineType[];
  cpuModels: CpuModel[];
  /**
   * host-model per accelerator (`kvm`, `tcg`), from QEMU's CPU model expansions; absent where
   * the binary was not asked or cannot say (no query-cpu-model-expansion), and then host-model
   * runs as QEMU's host (KVM) or max (TCG) CPU.
   */
  hostCpuModels?: Partial<Record<string, HostCpuModel>>;
  /**
   * Device models (`-device` drivers) the binary knows, aliases included (lsi, ahci); absent
   * where the host does not say (a libvirt host: its domcapabilities name no -device drivers).
   */
  devices?: string[];
  /** Binary's mtime and size when probed: the cache key, so a new build is probed again. */
  fingerprint: { mtimeMs: number; size: number };
}

export interface EmulatorProbeFailure {
  path: string;
  error: string;
  /** The emulator did not answer in time (a busy host), rather than failing to run. */
  timedOut?: boolean;
}

/**
 * One of QEMU's firmware descriptors (docs/interop/firmware.json, installed as
 * /usr/share/qemu/firmware/*.json by the firmware packages), in the order libvirt ranks them.
 */
export interface FirmwareDescriptor {
  /** The descriptor file, which names it in diagnostics. */
  file: string;
  description?: string;
  /** `uefi`, `bios`, … */
  interfaceTypes: string[];
  /** `flash` (pflash), `memory` (ROM) or `kernel`. */
  device: string;
  /** For flash: `split` (code + variable store, the default), `combined` or `stateless`. */
  mode?: string;
  executable?: { filename: string; format: string };
  nvramTemplate?: { filename: string; format: string };
  /** Architectures and machine type globs (`pc-q35-*`) it runs on. */
  targets: Array<{ architecture: string; machines: string[] }>;
  /** `secure-boot`, `enrolled-keys`, `requires-smm`, `amd-sev`, … */
  features: string[];
}

/** swtpm, which emulates the TPM of `<backend type='emulator'>`. */
export interface TpmEmulator {
  swtpm: string;
  swtpmSetup: string;
}

export interface HostCapabilities {
  host: { os: HostOS; arch: string };
  kvmDevice: KvmDeviceStatus;
  emulators: EmulatorCapabilities[];
  /** Binaries found but not usable (crashed, timed out, not a system emulator). */
  failures: EmulatorProbeFailure[];
  /** QEMU's firmware descriptors, best first; absent when the host was not asked. */
  firmware?: FirmwareDescriptor[];
  /** Absent when swtpm is not installed. */
  tpmEmulator?: TpmEmulator;
}

/** The emulator a domain runs on: the one named in <emulator>, else the first for the arch. */
export function findEmulator(
  caps: HostCapabilities,
  request: { path?: string; arch?: string },
): EmulatorCapabilities | undefined {
  if (request.path !== undefined) return caps.emulators.find((e) => e.path === request.path);
  const arch = request.arch ?? caps.host.arch;
  const binary = `qemu-system-${arch === 'i686' ? 'i386' : arch}`;
  // The general-purpose binary before variants such as qemu-system-x86_64-microvm.
  return caps.emulators.find((e) => e.arch === arch && e.path.endsWith(`/${binary}`)) ?? caps.emulators.find((e) => e.arch === arch);
}

/** Resolves a machine name or alias (`pc`, `q35`) to the machine type the binary reports. */
export function findMachine(emulator: EmulatorCapabilities, name: string): MachineType | undefined {
  return emulator.machines.find((m) => m.name === name) ?? emulator.machines.find((m) => m.alias === name);
}

export function defaultMachine(emulator: EmulatorCapabilities): MachineType | undefined {
  return emulator.machines.find((m) => m.isDefault);
}

export function versionAtLeast(version: QemuVersion, major: number, minor = 0): boolean {
  return version.major > major || (version.major === major && version.minor >= minor);
}
