/**
 * @virtdeck/qemu: a domain (from @virtdeck/schema) and the host's capabilities in, QEMU's
 * command line out. Pure and browser-safe: no I/O, no clock, no randomness (the web app
 * builds its preview in a worker; the server probes the host and launches).
 *
 *   buildArgv(domain, caps, runtime?, options?)  -> { argv, diagnostics, env }
 *   formatCommandLine(argv)                       -> one shell-quoted line, like virsh prints
 *   resolveAccelerator(domain, caps)              -> the QEMU accelerator, or why not and what instead
 *   checkHost(domain, caps)                       -> host diagnostics (emulator, accelerator, machine, CPU, devices)
 *   HostCapabilities & co.                        -> what apps/server/src/host/probeCapabilities reports
 */
export { buildArgv, chipsetOf, type BuildArgvResult } from './buildArgv.js';
export { blockNodeCount } from './devices/disk.js';
export { buildHotplugArgs, deviceAlias, hotplugBuses, type HotplugArgs, type HotplugBus, type HotplugDevice, type HotplugOptions } from './hotplug.js';
export type { BuildOptions, Chipset, LaunchPlan, LaunchRuntime, MemoryLimits, NetworkHost, SwtpmPlan, TapPlan, ThreadAffinity } from './build/context.js';
export { chooseFirmware, defaultNvramName, fillFirmware, mapNvramPath, uefiOffers, LIBVIRT_NVRAM_DIR, UEFI_OFFERS, type FirmwareChoice, type FirmwareRequest, type UefiOffer } from './system/firmware.js';
export { SWTPM_FILES } from './devices/tpm.js';
export { hugepageNeeds } from './system/memory.js';
export { formatCommandLine, shellQuote } from './formatCommandLine.js';
export { libvirtRuntimeFile, serialConsoleAccess, type SerialConsoleAccess } from './devices/serialConsole.js';
export { acceleratorUsability, resolveAccelerator, type AcceleratorRequest, type AcceleratorResolution } from './resolveAccelerator.js';
export { checkHost } from './checkHost.js';
export { QEMU_DIAGNOSTIC_CODES, type QemuDiagnostic, type QemuDiagnosticCode } from './diagnostics.js';
export {
  KVM_DEVICE_PROBLEMS,
  defaultMachine,
  findEmulator,
  findMachine,
  versionAtLeast,
  type CpuModel,
  type HostCpuModel,
  type EmulatorCapabilities,
  type EmulatorProbeFailure,
  type FirmwareDescriptor,
  type HostCapabilities,
  type HostOS,
  type KvmDeviceProblem,
  type KvmDeviceStatus,
  type KvmState,
  type MachineType,
  type QemuVersion,
  type TpmEmulator,
} from './capabilities.js';
export { escapeOptionValue, type JsonObject, type JsonValue } from './options.js';
