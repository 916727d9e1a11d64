/**
 * The host's firmware and TPM emulator: QEMU's firmware descriptors, read and ranked as
 * libvirt reads them (qemuFirmwareFetchConfigs: /etc/qemu/firmware overrides
 * /usr/share/qemu/firmware file by file name, an empty file in /etc hides one, all ranked by
 * file name), and whether swtpm is installed.
 */
import { constants as fsConstants } from 'node:fs';
import { access, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FirmwareDescriptor, TpmEmulator } from '@virtdeck/qemu';

/** Highest priority first, as libvirt has them (its per-user folder does not apply to a root server). */
export const FIRMWARE_DIRS = ['/etc/qemu/firmware', '/usr/share/qemu/firmware'];

export async function probeFirmware(dirs: readonly string[] = FIRMWARE_DIRS): Promise<FirmwareDescriptor[]> {
  const byName = new Map<string, string>();
  for (const dir of dirs) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) if (name.endsWith('.json') && !byName.has(name)) byName.set(name, path.join(dir, name));
  }
  const descriptors: FirmwareDescriptor[] = [];
  for (const name of [...byName.keys()].sort()) {
    const file = byName.get(name) ?? '';
    const text = await readFile(file, 'utf8').catch(() => '');
    if (text.trim() === '') continue;
    const descriptor = parseFirmwareDescriptor(file, text);
    if (descriptor) descriptors.push(descriptor);
  }
  return descriptors;
}

/** A descriptor in QEMU's docs/interop/firmware.json format; undefined when it is not one (libvirt skips those too). */
export function parseFirmwareDescriptor(file: string, text: string): FirmwareDescriptor | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(json) || !isObject(json.mapping)) return undefined;
  const mapping = json.mapping;
  const device = typeof mapping.device === 'string' ? mapping.device : undefined;
  if (device === undefined) return undefined;
  const descriptor: FirmwareDescriptor = {
    file,
    interfaceTypes: strings(json['interface-types']),
    device,
    targets: (Array.isArray(json.targets) ? json.targets : []).filter(isObject).map((t) => ({
      architecture: typeof t.architecture === 'string' ? t.architecture : '',
      machines: strings(t.machines),
    })),
    features: strings(json.features),
  };
  if (typeof json.description === 'string') descriptor.description = json.description;
  if (typeof mapping.mode === 'string') descriptor.mode = mapping.mode;
  // A memory (ROM) mapping names its image `filename`; a flash one has executable and template.
  const executable = device === 'memory' ? { filename: mapping.filename, format: 'raw' } : mapping.executable;
  const image = imageOf(executable);
  if (image) descriptor.executable = image;
  const template = imageOf(mapping['nvram-template']);
  if (template) descriptor.nvramTemplate = template;
  return descriptor;
}

const SWTPM_DIRS = ['/usr/bin', '/usr/local/bin'];

/** swtpm and swtpm_setup (Debian packages swtpm and swtpm-tools), when both are there. */
export async function probeTpmEmulator(dirs: readonly string[] = SWTPM_DIRS): Promise<TpmEmulator | undefined> {
  const find = async (name: string): Promise<string | undefined> => {
    for (const dir of dirs) {
      const file = path.join(dir, name);
      if (await access(file, fsConstants.X_OK).then(() => true, () => false)) return file;
    }
    return undefined;
  };
  const [swtpm, swtpmSetup] = await Promise.all([find('swtpm'), find('swtpm_setup')]);
  return swtpm && swtpmSetup ? { swtpm, swtpmSetup } : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function imageOf(value: unknown): { filename: string; format: string } | undefined {
  if (!isObject(value) || typeof value.filename !== 'string') return undefined;
  return { filename: value.filename, format: typeof value.format === 'string' ? value.format : 'raw' };
}
