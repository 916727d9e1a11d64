// @virtdeck/qemu: domain model + host capabilities -> QEMU argv, pure and browser-safe.
export type {
  CpuModel,
  EmulatorCapabilities,
  EmulatorProbeFailure,
  HostCapabilities,
  HostOS,
  KvmDeviceProblem,
  KvmDeviceStatus,
  KvmState,
  MachineType,
  QemuVersion,
} from './capabilities.js';
export { KVM_DEVICE_PROBLEMS, defaultMachine, findEmulator, findMachine, versionAtLeast } from './capabilities.js';
export type { AcceleratorInfo, AcceleratorName, AcceleratorStatus } from './accelerators.js';
export { ACCELERATORS, ACCELERATOR_STATUS, acceleratorInfo } from './accelerators.js';
export { formatCommandLine, shellQuote } from './formatCommandLine.js';
export type { JsonObject, JsonValue } from './options.js';
export { escapeOptionValue } from './options.js';
export type { BuildArgvResult } from './buildArgv.js';
export { buildArgv, chipsetOf } from './buildArgv.js';
export type { BuildOptions, Chipset, LaunchRuntime } from './build/context.js';
export type { AcceleratorRequest, AcceleratorResolution } from './resolveAccelerator.js';
export { resolveAccelerator } from './resolveAccelerator.js';
export type { QemuDiagnostic, QemuDiagnosticCode } from './diagnostics.js';
export { QEMU_DIAGNOSTIC_CODES } from './diagnostics.js';
export { checkHost } from './checkHost.js';
