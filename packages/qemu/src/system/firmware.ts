/**
 * Which firmware a guest boots, as libvirt's qemu_firmware.c decides it: `<os firmware='efi'>`
 * picks the first of QEMU's firmware descriptors (best first, see HostCapabilities.firmware)
 * that fits the guest's architecture, machine type, loader and `<firmware><feature>`s; a
 * descriptor that needs SMM (secure boot) turns SMM on and makes the loader secure. A flash
 * firmware gets a variable store (NVRAM) of its own, copied from the template on first start;
 * libvirt keeps it as /var/lib/libvirt/qemu/nvram/NAME_VARS.fd, virtdeck in its state directory.
 */
import type { Domain, XmlElement } from '@virtdeck/schema';
import { defaultMachine, findEmulator, findMachine, type FirmwareDescriptor, type HostCapabilities } from '../capabilities.js';
import { DiagnosticSink } from '../diagnostics.js';

/** Where libvirt keeps per-guest variable stores; such paths move into LaunchRuntime.nvramDir. */
export const LIBVIRT_NVRAM_DIR = '/var/lib/libvirt/qemu/nvram/';

/** The file name of the variable store of a guest whose definition names none: libvirt's, after the guest's name. */
export const defaultNvramName = (guest: string): string => `${guest}_VARS.fd`;

export interface FirmwareChoice {
  loader?: { path: string; type: 'rom' | 'pflash'; format: string; readonly: boolean; secure: boolean; node: XmlElement };
  nvram?: { path: string; format: string; template?: string; node: XmlElement };
  /** SMM on because the chosen firmware needs it (the definition did not say). */
  smm?: boolean;
  /** The descriptor the firmware came from, when one did. */
  descriptor?: FirmwareDescriptor;
}

export interface FirmwareRequest {
  domain: Domain;
  caps: HostCapabilities | undefined;
  arch: string;
  /** The canonical machine type name (`pc-q35-7.2`), which descriptors' globs match. */
  machine: string;
  /** Where the guest's variable store lives; without it, libvirt's folder (the preview). */
  nvramDir?: string;
}

const INTERFACE: Record<NonNullable<Domain['os']['firmware']>, string> = { efi: 'uefi', bios: 'bios' };

export function chooseFirmware(request: FirmwareRequest, diagnostics: DiagnosticSink): FirmwareChoice {
  const { domain } = request;
  const { os } = domain;
  const loader = os.loader;
  const descriptors = request.caps?.firmware;
  let descriptor: FirmwareDescriptor | undefined;
  if (os.firmware !== undefined && descriptors !== undefined) {
    descriptor = descriptors.find((d) => fits(d, request));
    if (!descriptor && os.firmware === 'efi') {
      const why = descriptors.length === 0 ? 'this host has no UEFI firmware (install the Debian package ovmf)' : `none of this host's ${descriptors.length} firmware descriptors fits this guest (${wanted(request)})`;
      diagnostics.error('host-resource-needed', os.node, `<os firmware='efi'> needs a UEFI firmware: ${why}.`);
    }
  } else if (loader?.path !== undefined) {
    // A loader named by hand: a descriptor of the same executable still knows its NVRAM template.
    descriptor = descriptors?.find((d) => d.executable?.filename === loader.path);
  }
  const choice: FirmwareChoice = {};
  if (descriptor) choice.descriptor = descriptor;
  const path = loader?.path ?? descriptor?.executable?.filename;
  if (path === undefined) return choice;
  const type = loader?.type ?? (descriptor?.device === 'memory' ? 'rom' : descriptor ? 'pflash' : 'rom');
  const autoSmm = os.firmware !== undefined && descriptor?.features.includes('requires-smm') === true;
  const at = os.node ?? domain.node;
  const chosen = {
    path,
    type,
    format: loader?.format ?? descriptor?.executable?.format ?? 'raw',
    readonly: loader?.readonly ?? (descriptor !== undefined && os.firmware !== undefined),
    secure: loader?.secure ?? autoSmm,
    node: loader?.node ?? at,
  };
  choice.loader = chosen;
  if (autoSmm && domain.features?.smm === undefined) choice.smm = true;
  if (type !== 'pflash') return choice;
  const nvram = os.nvram;
  const template = nvram?.template ?? descriptor?.nvramTemplate?.filename;
  // libvirt gives a read-only flash firmware a variable store even when the definition has none.
  if (nvram === undefined && !chosen.readonly) return choice;
  if (nvram?.storage !== undefined && nvram.storage !== 'file' && nvram.storage !== 'block') {
    diagnostics.unsupported(nvram.node, `An NVRAM store of type '${nvram.storage}'`, true);
    return choice;
  }
  const nvramPath = nvram?.path ?? `${LIBVIRT_NVRAM_DIR}${defaultNvramName(domain.name)}`;
  choice.nvram = {
    path: mapNvramPath(nvramPath, request.nvramDir),
    format: nvram?.format ?? descriptor?.nvramTemplate?.format ?? 'raw',
    node: nvram?.node ?? at,
    ...(template !== undefined ? { template } : {}),
  };
  return choice;
}

/**
 * Writes the choice into the model, so that the server's pre-flight checks the firmware
 * files and makes the NVRAM from its template (a launch model only: it changes the domain).
 */
export function fillFirmware(domain: Domain, caps: HostCapabilities, nvramDir?: string): void {
  const { os } = domain;
  const arch = os.arch ?? caps.host.arch;
  const emulator = findEmulator(caps, { ...(domain.devices.emulator !== undefined ? { path: domain.devices.emulator } : {}), arch });
  const name = os.machine ?? (emulator ? defaultMachine(emulator)?.name : undefined) ?? '';
  const machine = (emulator ? findMachine(emulator, name)?.name : undefined) ?? name;
  const request: FirmwareRequest = { domain, caps, arch, machine, ...(nvramDir !== undefined ? { nvramDir } : {}) };
  const choice = chooseFirmware(request, new DiagnosticSink(domain.node));
  if (choice.loader) {
    const { path, type, format, readonly, node } = choice.loader;
    os.loader = { ...os.loader, path, type, format, readonly, node };
  }
  if (choice.nvram) {
    const { path, format, template, node } = choice.nvram;
    os.nvram = { ...os.nvram, path, format, node, ...(template !== undefined ? { template } : {}) };
  }
}

/** A path in libvirt's NVRAM folder becomes the same file name in virtdeck's. */
export function mapNvramPath(path: string, nvramDir: string | undefined): string {
  if (nvramDir === undefined || !path.startsWith(LIBVIRT_NVRAM_DIR)) return path;
  return `${nvramDir.replace(/\/$/, '')}/${path.slice(LIBVIRT_NVRAM_DIR.length)}`;
}

/** The firmware kinds a form offers for `<os firmware='efi'>`: secure boot off, or on. */
export const UEFI_OFFERS = { uefi: 'UEFI', 'uefi-secure': 'UEFI with secure boot' } as const;
export type UefiOffer = keyof typeof UEFI_OFFERS;

/**
 * Whether this host has a UEFI firmware for each offer, for a guest of this architecture and
 * (canonical) machine type: the descriptor it would boot, or why there is none.
 */
export function uefiOffers(
  descriptors: readonly FirmwareDescriptor[] | undefined,
  arch: string,
  machine: string,
): Record<UefiOffer, { descriptor: FirmwareDescriptor } | { reason: string }> {
  const offer = (secure: boolean) => {
    const descriptor = descriptors?.find((d) => d.interfaceTypes.includes('uefi') && runsOn(d, arch, machine) && d.features.includes('secure-boot') === secure);
    if (descriptor) return { descriptor };
    if (descriptors === undefined) return { reason: 'the host capabilities list no firmware' };
    if (!descriptors.some((d) => d.interfaceTypes.includes('uefi'))) return { reason: 'this host has no UEFI firmware (install the Debian package ovmf)' };
    // Secure boot needs SMM, which QEMU's x86 firmware gets only on q35.
    return { reason: `no UEFI firmware here runs ${arch} ${machine}${secure ? ' with secure boot (it needs SMM: use a q35 machine)' : ' without secure boot'}` };
  };
  return { uefi: offer(false), 'uefi-secure': offer(true) };
}

/** The descriptor targets this guest, in a form virtdeck can load: a flash pair (split) or a ROM. */
function runsOn(d: FirmwareDescriptor, arch: string, machine: string): boolean {
  if (!d.targets.some((t) => t.architecture === arch && t.machines.some((glob) => globMatch(glob, machine)))) return false;
  return isSplitFlash(d) || d.device === 'memory';
}

const isSplitFlash = (d: FirmwareDescriptor) => d.device === 'flash' && (d.mode ?? 'split') === 'split' && d.executable !== undefined;

function fits(d: FirmwareDescriptor, request: FirmwareRequest): boolean {
  const { os, features } = request.domain;
  const want = INTERFACE[os.firmware ?? 'efi'];
  if (!d.interfaceTypes.includes(want)) return false;
  if (!runsOn(d, request.arch, request.machine)) return false;
  const flash = isSplitFlash(d);
  const loader = os.loader;
  if (loader?.type !== undefined && loader.type !== (flash ? 'pflash' : 'rom')) return false;
  if (loader?.path !== undefined && loader.path !== d.executable?.filename) return false;
  if (os.nvram?.template !== undefined && flash && os.nvram.template !== d.nvramTemplate?.filename) return false;
  for (const feature of os.firmwareFeatures) {
    if (feature.enabled !== undefined && d.features.includes(feature.name) !== feature.enabled) return false;
  }
  const smm = d.features.includes('requires-smm');
  if (loader?.secure !== undefined && loader.secure !== smm) return false;
  return !(smm && features?.smm?.enabled === false);
}

function wanted(request: FirmwareRequest): string {
  const features = request.domain.os.firmwareFeatures.map((f) => `${f.enabled === false ? 'no ' : ''}${f.name}`);
  return [`${request.arch} ${request.machine}`, ...features].join(', ');
}

/** fnmatch(3) for the `*` and `?` that descriptors' machine globs use. */
function globMatch(glob: string, text: string): boolean {
  const pattern = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${pattern}$`).test(text);
}
