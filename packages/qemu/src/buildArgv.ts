/**
 * buildArgv: a domain definition and the host's capabilities in, QEMU's argv out. Pure: no
 * I/O, no clock (the caller passes `now` when the clock needs it), no randomness.
 *
 * The options come in libvirt's order, each family from its own builder (devices/*.ts,
 * system/*.ts); every element family the schema models either becomes options or is
 * reported with a diagnostic at its element. Without a `runtime` the result is the preview,
 * comparable with `virsh domxml-to-native qemu-argv`; with one it is the real launch (see
 * LaunchRuntime).
 */
import { acceleratorInfo, type Domain } from '@virtdeck/schema';
import { defaultMachine, findMachine, versionAtLeast, type HostCapabilities } from './capabilities.js';
import { DiagnosticSink, type QemuDiagnostic } from './diagnostics.js';
import { hasDevice, hostPassthroughAllowed, type BuildContext, type BuildOptions, type Chipset, type LaunchPlan, type LaunchRuntime, type MachineInfo } from './build/context.js';
import { buildLayout } from './build/layout.js';
import { buildChannelArgs, buildConsoleArgs, buildParallelArgs, buildSerialArgs } from './devices/chardev.js';
import { buildCcidControllerArgs, buildControllerArgs, buildPciHoleArgs } from './devices/controller.js';
import { buildDiskArgs } from './devices/disk.js';
import { buildFilesystemArgs } from './devices/filesystem.js';
import { buildAudioArgs, buildGraphicsArgs, buildNoDisplayArgs } from './devices/graphics.js';
import { buildHostdevArgs } from './devices/hostdev.js';
import { buildHubArgs } from './devices/hub.js';
import { buildInputArgs } from './devices/input.js';
import { buildIommuArgs } from './devices/iommu.js';
import { buildMemballoonArgs } from './devices/memballoon.js';
import { buildMemoryDeviceArgs } from './devices/memory.js';
import { buildNetArgs } from './devices/net.js';
import { buildPanicArgs } from './devices/panic.js';
import { buildRedirdevArgs } from './devices/redirdev.js';
import { buildRngArgs } from './devices/rng.js';
import { buildSmartcardArgs } from './devices/smartcard.js';
import { buildSoundArgs, pcspkAudiodev } from './devices/sound.js';
import { buildTpmArgs } from './devices/tpm.js';
import { buildVideoArgs } from './devices/video.js';
import { buildVsockArgs } from './devices/vsock.js';
import { buildWatchdogArgs } from './devices/watchdog.js';
import { checkCpuModel, checkEmulator, checkMachine } from './hostChecks.js';
import { jsonOption, keyValue, optionsToArgv, type QemuOption } from './options.js';
import { resolveAccelerator } from './resolveAccelerator.js';
import { buildBootArgs, buildFirmwareArgs, buildKernelArgs, planBootOrder } from './system/boot.js';
import type { FirmwareChoice } from './system/firmware.js';
import { buildClockArgs, buildPmArgs } from './system/clock.js';
import { buildCpuArgs, buildIothreadArgs, buildSmpArgs } from './system/cpu.js';
import { buildAccelArgs, buildMachineArgs } from './system/machine.js';
import { buildMemoryArgs, buildNumaArgs } from './system/memory.js';
import { buildSmbiosArgs } from './system/smbios.js';
import { checkSecLabels } from './system/seclabel.js';
import { planMemoryLimits, planThreadAffinity } from './system/tuning.js';

export interface BuildArgvResult {
  /** The command line, emulator first. */
  argv: string[];
  diagnostics: QemuDiagnostic[];
  /** Environment variables QEMU needs besides its own (TZ for a timezone clock, qemu:env). */
  env: Record<string, string>;
  /** What the server must do around a launch for this argv to work (empty for the preview). */
  launch: LaunchPlan;
}

const X86_ARCHES = new Set(['x86_64', 'i686']);

/** The machine family from a machine type name (after alias resolution). */
export function chipsetOf(name: string): Chipset {
  if (name === 'q35' || name.startsWith('pc-q35-')) return 'q35';
  if (name === 'pc' || name.startsWith('pc-i440fx-') || /^pc-[0-9]/.test(name)) return 'i440fx';
  if (name === 'isapc') return 'isapc';
  if (name === 'microvm') return 'microvm';
  return 'other';
}

function emulatorBinary(arch: string): string {
  return `/usr/bin/qemu-system-${arch === 'i686' ? 'i386' : arch}`;
}

function notModelled(ctx: BuildContext): void {
  const { domain, diagnostics } = ctx;
  for (const shmem of domain.devices.shmems) diagnostics.unsupported(shmem.node, 'Shared memory devices (<shmem>)', true);
  if (domain.launchSecurity) diagnostics.unsupported(domain.launchSecurity.node, 'Confidential guests (<launchSecurity>)', true);
  if (domain.vcpu?.placement === 'auto') diagnostics.unsupported(domain.vcpu.node, "Automatic vCPU placement (placement='auto')", false);
  if (domain.numatune?.memnodes.length && !domain.cpu?.numa) {
    diagnostics.unsupported(domain.numatune.node, 'Per-cell NUMA memory policy without guest NUMA cells', false);
  }
  checkSecLabels(domain.seclabels, domain.devices.node, diagnostics);
  if (domain.resource) diagnostics.info('not-applicable', domain.resource.node, 'Resource partitions (cgroups) are not used by virtdeck.');
  if (domain.idmap) diagnostics.info('not-applicable', domain.idmap.node, 'User namespace id maps apply to containers, not QEMU guests.');
  for (const [name, feature] of Object.entries(domain.features?.all ?? {})) {
    if (!X86_FEATURES.has(name)) diagnostics.unsupported(feature.node, `The <${name}> feature`, false);
  }
  const current = domain.currentMemory?.kib;
  if (current !== undefined && domain.memory && current < domain.memory.kib) {
    diagnostics.unsupported(domain.currentMemory?.node, 'Starting with the balloon inflated (<currentMemory> below <memory>)', false);
  }
  if (domain.vcpus.some((v) => v.hotpluggable === true)) {
    diagnostics.info('not-applicable', domain.vcpus[0]?.node, 'The per-vCPU hot-plug layout (<vcpus>) is not reproduced: QEMU starts with the current number of vCPUs.');
  }
  if (domain.cpu?.vendor !== undefined) diagnostics.unsupported(domain.cpu.node, 'A CPU <vendor> with a custom model', false);
  // Ignoring <transient/> would write into the image the user asked to keep unchanged.
  for (const disk of domain.devices.disks) if (disk.transient) diagnostics.unsupported(disk.node, 'Transient disks (<transient/>)', true);
}

/** CPU pinning and memory limits: applied by the server to the running QEMU (launch only). */
function planTuning(ctx: BuildContext): void {
  const affinity = planThreadAffinity(ctx);
  const memoryLimits = planMemoryLimits(ctx);
  if (!ctx.runtime) return;
  if (affinity) ctx.launch.affinity = affinity;
  if (memoryLimits) ctx.launch.memoryLimits = memoryLimits;
}

/** Features with a meaning on x86 QEMU guests (turned into options, or nothing to do: pae). */
const X86_FEATURES = new Set(['acpi', 'apic', 'pae', 'hap', 'pmu', 'vmport', 'smm', 'ioapic', 'vmcoreinfo', 'pvspinlock', 'hyperv', 'kvm', 'tcg']);

/**
 * The build context of a definition: machine, accelerator and the device layout libvirt would
 * settle, with host checks of the emulator, machine and CPU. buildArgv builds every option from
 * it; a hot-plug (hotplug.ts) builds one device's.
 */
export function buildContext(domain: Domain, caps: HostCapabilities | undefined, runtime?: LaunchRuntime, options: BuildOptions = {}): BuildContext {
  const diagnostics = new DiagnosticSink(domain.node);
  const devicesNode = domain.devices.node ?? domain.node;
  const arch = domain.os.arch ?? caps?.host.arch ?? 'x86_64';
  if (!X86_ARCHES.has(arch)) {
    diagnostics.error('not-supported-yet', domain.os.node, `virtdeck builds command lines for x86 guests only, not ${arch}.`);
  }
  if (domain.os.type !== undefined && domain.os.type !== 'hvm') {
    diagnostics.error('invalid-value', domain.os.node, `OS type '${domain.os.type}' is not for QEMU: QEMU runs hvm guests.`);
  }

  const emulator = caps ? checkEmulator(domain, caps, arch, diagnostics) : undefined;
  const emulatorPath = domain.devices.emulator ?? emulator?.path ?? emulatorBinary(arch);
  const fallbackMachine = emulator ? defaultMachine(emulator) : undefined;
  const machineName = domain.os.machine ?? fallbackMachine?.alias ?? fallbackMachine?.name ?? 'pc';
  const machineType = emulator ? findMachine(emulator, machineName) : undefined;
  if (emulator) checkMachine(domain, emulator, machineName, diagnostics);
  const machine: MachineInfo = { name: machineName, chipset: chipsetOf(machineType?.name ?? machineName) };
  if (machineType) machine.type = machineType;

  let accel = acceleratorInfo(domain.type)?.qemuName;
  if (caps) {
    const resolution = resolveAccelerator(domain, caps, { ...(domain.devices.emulator !== undefined ? { emulatorPath: domain.devices.emulator } : {}), arch });
    diagnostics.list.push(...resolution.diagnostics);
    accel = resolution.qemuAccel ?? accel;
  } else if (accel === undefined) {
    diagnostics.error('unsupported-accelerator', domain.node, `'${domain.type}' is not an accelerator QEMU has.`);
  }
  if (emulator) checkCpuModel(domain, emulator, accel ?? '', diagnostics);

  const capsView = { emulator };
  const layout = buildLayout({
    domain,
    chipset: machine.chipset,
    diagnostics,
    devicesNode,
    pcieToPciBridge: hasDevice(capsView, 'pcie-pci-bridge'),
    qemuXhci: hasDevice(capsView, 'qemu-xhci'),
  });
  const ctx: BuildContext = {
    domain,
    caps,
    emulator,
    emulatorPath,
    machine,
    accel: accel ?? '',
    runtime,
    options,
    diagnostics,
    layout,
    env: {},
    devicesNode,
    launch: { secrets: [], qmp: [], taps: [] },
  };
  return ctx;
}

export function buildArgv(domain: Domain, caps: HostCapabilities | undefined, runtime?: LaunchRuntime, options: BuildOptions = {}): BuildArgvResult {
  const ctx = buildContext(domain, caps, runtime, options);
  const { diagnostics, machine, emulatorPath } = ctx;
  const accel = ctx.accel === '' ? undefined : ctx.accel;
  notModelled(ctx);
  planTuning(ctx);

  const out: QemuOption[] = [];
  const add = (list: readonly QemuOption[]): void => {
    out.push(...list);
  };
  add([{ flag: '-name', value: keyValue([['guest', domain.name], ['debug-threads', true]]) }]);
  if (runtime) add([{ flag: '-S' }]);
  const firmware = buildFirmwareArgs(ctx);
  add(firmware.blockdevs);
  add(
    buildMachineArgs(ctx, {
      ...(firmware.pflash0 ? { pflash0: firmware.pflash0 } : {}),
      ...(firmware.pflash1 ? { pflash1: firmware.pflash1 } : {}),
      ...(firmware.choice.smm !== undefined ? { smm: firmware.choice.smm } : {}),
      ...pcspk(ctx),
    }),
  );
  if (accel !== undefined) add(buildAccelArgs(ctx));
  add(buildCpuArgs(ctx));
  add(firmware.bios);
  add(buildMemoryArgs(ctx));
  add(buildSmpArgs(ctx));
  add(buildIothreadArgs(ctx));
  add(buildNumaArgs(ctx));
  if (domain.uuid) add([{ flag: '-uuid', value: domain.uuid }]);
  if (domain.genid !== undefined) add(genidArgs(ctx));
  add(buildSmbiosArgs(ctx));
  add(buildNoDisplayArgs(ctx));
  add([{ flag: '-no-user-config' }, { flag: '-nodefaults' }]);
  if (runtime) {
    add([
      { flag: '-chardev', value: keyValue([['id', 'charmonitor'], ['path', runtime.qmpSocket], ['server', true], ['wait', false]], 'socket') },
      { flag: '-mon', value: keyValue([['chardev', 'charmonitor'], ['id', 'monitor'], ['mode', 'control']]) },
    ]);
  }
  add(buildClockArgs(ctx));
  // The server decides what a guest shutdown means (on_poweroff), so QEMU must not exit by itself.
  if (runtime) add([{ flag: '-no-shutdown' }]);
  add(buildPmArgs(ctx));
  add(buildBootArgs(ctx));
  add(kernelArgs(ctx));
  if (domain.features?.smm?.tsegKiB !== undefined && machine.chipset === 'q35') {
    add([{ flag: '-global', value: `mch.extended-tseg-mbytes=${Math.ceil(domain.features.smm.tsegKiB / 1024)}` }]);
  }
  add(buildPciHoleArgs(ctx));
  if (firmware.choice.loader?.secure) add(secureBootArgs(ctx, firmware.choice));
  const boot = planBootOrder(ctx);
  add(buildControllerArgs(ctx));
  add(buildMemoryDeviceArgs(ctx));
  add(buildHubArgs(ctx));
  add(buildCcidControllerArgs(ctx));
  add(boot.fdcGlobals);
  add(buildDiskArgs(ctx, boot.bootindex));
  add(buildFilesystemArgs(ctx));
  add(buildNetArgs(ctx, boot.bootindex));
  add(buildSmartcardArgs(ctx));
  add(buildSerialArgs(ctx));
  add(buildParallelArgs(ctx));
  add(buildChannelArgs(ctx));
  add(buildConsoleArgs(ctx));
  add(buildTpmArgs(ctx));
  add(buildInputArgs(ctx));
  add(buildAudioArgs(ctx));
  add(buildGraphicsArgs(ctx));
  add(buildVideoArgs(ctx));
  add(buildSoundArgs(ctx));
  add(buildWatchdogArgs(ctx));
  add(buildRedirdevArgs(ctx, boot.bootindex));
  add(buildHostdevArgs(ctx, boot.bootindex));
  add(buildMemballoonArgs(ctx));
  add(buildRngArgs(ctx));
  add(buildIommuArgs(ctx));
  if (domain.features?.vmcoreinfo?.enabled) add([{ flag: '-device', value: jsonOption({ driver: 'vmcoreinfo' }) }]);
  add(sandboxArgs(ctx));
  add(buildPanicArgs(ctx));
  add(buildVsockArgs(ctx));
  add([{ flag: '-msg', value: 'timestamp=on' }]);
  if (runtime?.pidFile) add([{ flag: '-pidfile', value: runtime.pidFile }]);

  const argv = [emulatorPath, ...optionsToArgv(out)];
  // What each use is, the schema says on its line (host-passthrough); here only whether it may be used.
  const passthrough = domain.qemuCommandline;
  for (const arg of passthrough?.args ?? []) {
    if (hostPassthroughAllowed(ctx, arg.node, `<qemu:arg value='${arg.value}'>`)) argv.push(arg.value);
  }
  for (const variable of passthrough?.env ?? []) {
    if (hostPassthroughAllowed(ctx, variable.node, `<qemu:env name='${variable.name}'>`)) ctx.env[variable.name] = variable.value;
  }
  return { argv, diagnostics: diagnostics.list, env: ctx.env, launch: ctx.launch };
}

function pcspk(ctx: BuildContext): { pcspkAudiodev?: string } {
  const audiodev = pcspkAudiodev(ctx);
  return audiodev ? { pcspkAudiodev: audiodev } : {};
}

/** Direct kernel boot; -shim is refused by QEMU before 8.0. */
function kernelArgs(ctx: BuildContext): QemuOption[] {
  const list = buildKernelArgs(ctx);
  if (ctx.domain.os.shim && ctx.emulator && !versionAtLeast(ctx.emulator.version, 8, 0)) {
    const v = ctx.emulator.version;
    ctx.diagnostics.error('not-supported-yet', ctx.domain.os.node, `QEMU ${v.major}.${v.minor} has no -shim option: <shim> needs a newer QEMU.`);
    return list.filter((o) => o.flag !== '-shim');
  }
  return list;
}

/** Secure boot: the flash is writable only from System Management Mode, which q35 provides. */
function secureBootArgs(ctx: BuildContext, firmware: FirmwareChoice): QemuOption[] {
  if (ctx.machine.chipset !== 'q35' || (firmware.smm ?? ctx.domain.features?.smm?.enabled) !== true) {
    ctx.diagnostics.error('invalid-combination', firmware.loader?.node, "A secure-boot loader (secure='yes') needs the q35 machine and <features><smm state='on'/>.");
  }
  return [{ flag: '-global', value: 'driver=cfi.pflash01,property=secure,value=on' }];
}

/** The VM generation id device (<genid>), which Windows uses to notice snapshots and clones. */
function genidArgs(ctx: BuildContext): QemuOption[] {
  const genid = ctx.domain.genid;
  if (!genid) {
    ctx.diagnostics.warning('missing-element', ctx.domain.node, '<genid/> without a value: the generation id is filled in when the domain is defined.');
    return [];
  }
  return [{ flag: '-device', value: jsonOption({ driver: 'vmgenid', guid: genid, id: 'vmgenid0' }) }];
}

/**
 * QEMU's seccomp sandbox, as libvirt sets it. Spawning stays allowed when QEMU itself must
 * run a helper: an interface's tap script (taps on bridges are the server's to make).
 */
function sandboxArgs(ctx: BuildContext): QemuOption[] {
  const spawns = ctx.layout.interfaces.some((i) => i.type === 'ethernet' && (i.script ?? i.downscript) !== undefined && ctx.options.hostPassthrough !== false);
  return [
    {
      flag: '-sandbox',
      value: keyValue([['obsolete', 'deny'], ['elevateprivileges', 'deny'], ['spawn', spawns ? 'allow' : 'deny'], ['resourcecontrol', 'deny']], 'on'),
    },
  ];
}
