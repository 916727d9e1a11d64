/**
 * Turns what a QEMU binary prints (`-accel help`) and answers over QMP into the
 * capability types of @virtdeck/qemu. Pure, so it is tested without QEMU.
 */
import type { CpuModel, KvmState, MachineType, QemuVersion } from '@virtdeck/qemu';

export class ProbeParseError extends Error {
  override name = 'ProbeParseError';
}

type Json = unknown;

function isRecord(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function array(value: Json, what: string): Json[] {
  if (!Array.isArray(value)) throw new ProbeParseError(`${what}: expected a list, got ${JSON.stringify(value)?.slice(0, 80)}`);
  return value;
}

function record(value: Json, what: string): Record<string, Json> {
  if (!isRecord(value)) throw new ProbeParseError(`${what}: expected an object, got ${JSON.stringify(value)?.slice(0, 80)}`);
  return value;
}

function string(value: Json, what: string): string {
  if (typeof value !== 'string') throw new ProbeParseError(`${what}: expected a string`);
  return value;
}

const optionalString = (value: Json): string | undefined => (typeof value === 'string' ? value : undefined);
const optionalNumber = (value: Json): number | undefined => (typeof value === 'number' ? value : undefined);

/**
 * `qemu-system-x86_64 -accel help` prints a header line and one accelerator per line:
 *   Accelerators supported in QEMU binary:
 *   tcg
 *   kvm
 */
export function parseAccelHelp(text: string): string[] {
  const names: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.endsWith(':')) continue;
    if (!/^[a-z][a-z0-9_-]*$/.test(line)) continue;
    names.push(line);
  }
  return names;
}

/**
 * `qemu-system-x86_64 -device help` lists the devices -device accepts, one per line, with
 * the short aliases QEMU also accepts (libvirt uses several: lsi, ahci):
 *   name "lsi53c895a", bus PCI, alias "lsi"
 * Returns names and aliases, sorted.
 */
export function parseDeviceHelp(text: string): string[] {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const match = /^name "([^"]+)"(?:.*?, alias "([^"]+)")?/.exec(line.trim());
    if (!match?.[1]) continue;
    names.add(match[1]);
    if (match[2]) names.add(match[2]);
  }
  return [...names].sort();
}

/** query-version's return value. */
export function parseVersion(reply: Json): QemuVersion {
  const r = record(reply, 'query-version');
  const q = record(r.qemu, 'query-version.qemu');
  const num = (v: Json, what: string): number => {
    if (typeof v !== 'number') throw new ProbeParseError(`query-version.qemu.${what}: expected a number`);
    return v;
  };
  const version: QemuVersion = { major: num(q.major, 'major'), minor: num(q.minor, 'minor'), micro: num(q.micro, 'micro') };
  const pkg = optionalString(r.package)?.trim();
  if (pkg) version.package = pkg;
  return version;
}

/** query-machines' return value, sorted by name so the list reads well in a dropdown. */
export function parseMachines(reply: Json): MachineType[] {
  return array(reply, 'query-machines')
    .map((item, i): MachineType => {
      const m = record(item, `query-machines[${i}]`);
      const machine: MachineType = {
        name: string(m.name, `query-machines[${i}].name`),
        isDefault: m['is-default'] === true,
        deprecated: m.deprecated === true,
      };
      const alias = optionalString(m.alias);
      if (alias) machine.alias = alias;
      const cpuMax = optionalNumber(m['cpu-max']);
      if (cpuMax !== undefined) machine.cpuMax = cpuMax;
      const cpuType = optionalString(m['default-cpu-type']);
      if (cpuType) machine.defaultCpuType = cpuType;
      const ramId = optionalString(m['default-ram-id']);
      if (ramId) machine.defaultRamId = ramId;
      return machine;
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** query-cpu-definitions' return value, sorted by name. */
export function parseCpuModels(reply: Json): CpuModel[] {
  return array(reply, 'query-cpu-definitions')
    .map((item, i): CpuModel => {
      const c = record(item, `query-cpu-definitions[${i}]`);
      const unavailable = Array.isArray(c['unavailable-features'])
        ? c['unavailable-features'].filter((f): f is string => typeof f === 'string')
        : [];
      const model: CpuModel = {
        name: string(c.name, `query-cpu-definitions[${i}].name`),
        unavailableFeatures: unavailable,
        static: c.static === true,
        migrationSafe: c['migration-safe'] === true,
        deprecated: c.deprecated === true,
      };
      const aliasOf = optionalString(c['alias-of']);
      if (aliasOf) model.aliasOf = aliasOf;
      return model;
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function parseKvm(reply: Json): KvmState {
  const r = record(reply, 'query-kvm');
  return { present: r.present === true, enabled: r.enabled === true };
}

export function parseTarget(reply: Json): string {
  return string(record(reply, 'query-target').arch, 'query-target.arch');
}

