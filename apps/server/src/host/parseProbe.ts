/**
 * Turns what a QEMU binary prints (`-accel help`) and answers over QMP into the
 * capability types of @virtdeck/qemu. Pure, so it is tested without QEMU.
 */
import type { CpuModel, HostCpuModel, KvmState, MachineType, QemuVersion } from '@virtdeck/qemu';
import type { CpuSignature, LibvirtCpuMap, LibvirtCpuModel } from './libvirtCpuMap.js';

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


/** A CPU model as a static expansion (query-cpu-model-expansion type=static) describes it. */
export interface CpuExpansion {
  vendor?: string;
  family?: number;
  model?: number;
  stepping?: number;
  /** Every CPUID feature QEMU names, on or off. */
  features: Record<string, boolean>;
}

/**
 * Booleans of a static expansion that are not CPUID features of the model: KVM's paravirtual
 * leaves (libvirt sets those through <features>, not the CPU model) and lmce (an MCE property).
 */
const NOT_MODEL_FEATURE = /^(kvm|lmce$)/;

/** query-cpu-model-expansion's return value for type=static: the base model plus every feature on or off. */
export function parseCpuExpansion(reply: Json): CpuExpansion {
  const model = record(record(reply, 'query-cpu-model-expansion').model, 'query-cpu-model-expansion.model');
  const props = isRecord(model.props) ? model.props : {};
  const features: Record<string, boolean> = {};
  for (const [name, value] of Object.entries(props)) if (typeof value === 'boolean' && !NOT_MODEL_FEATURE.test(name)) features[name] = value;
  const expansion: CpuExpansion = { features };
  const vendor = optionalString(props.vendor);
  if (vendor) expansion.vendor = vendor;
  const family = optionalNumber(props.family);
  if (family !== undefined) expansion.family = family;
  const cpuModel = optionalNumber(props.model);
  if (cpuModel !== undefined) expansion.model = cpuModel;
  const stepping = optionalNumber(props.stepping);
  if (stepping !== undefined) expansion.stepping = stepping;
  return expansion;
}

/** QEMU's CPUs rather than models of a real one. */
const NOT_NAMED_MODELS = ['max', 'host', 'base'];
/** Models without a real CPU behind them: never chosen for their family and model numbers. */
const GENERIC_MODELS = new Set(['qemu64', 'qemu32', 'kvm64', 'kvm32']);

/**
 * The models host-model may name: those query-cpu-definitions lists under a name of their own,
 * as libvirt's CPU map has them (EPYC, Skylake-Client-IBRS), not versions (EPYC-v3) and not
 * max, host or base.
 */
export function hostModelCandidates(models: readonly CpuModel[]): string[] {
  return models.filter((m) => !/-v\d+$/.test(m.name) && !NOT_NAMED_MODELS.includes(m.name)).map((m) => m.name);
}

/**
 * QEMU's feature names that libvirt spells otherwise (libvirt's src/qemu/qemu_capabilities.c,
 * virQEMUCapsCPUFeaturesX86); every other name is the same in both.
 */
const LIBVIRT_FEATURE_NAME: Readonly<Record<string, string>> = {
  'cmp-legacy': 'cmp_legacy',
  'ds-cpl': 'ds_cpl',
  'fxsr-opt': 'fxsr_opt',
  'lahf-lm': 'lahf_lm',
  'nodeid-msr': 'nodeid_msr',
  pclmulqdq: 'pclmuldq',
  'perfctr-core': 'perfctr_core',
  'perfctr-nb': 'perfctr_nb',
  'tsc-adjust': 'tsc_adjust',
};
const QEMU_FEATURE_NAME: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(LIBVIRT_FEATURE_NAME).map(([q, l]) => [l, q]));

/** A QEMU feature name as libvirt spells it. */
export const libvirtFeatureName = (qemu: string): string => LIBVIRT_FEATURE_NAME[qemu] ?? qemu;
/** A libvirt feature name as QEMU's -cpu option and QOM spell it. */
export const qemuFeatureName = (libvirt: string): string => QEMU_FEATURE_NAME[libvirt] ?? libvirt;

const signatureMatches = (signatures: readonly CpuSignature[], host: CpuExpansion): boolean =>
  signatures.some(
    (s) =>
      s.family === host.family &&
      s.model === host.model &&
      (s.steppings.length === 0 || s.steppings.some(([from, to]) => host.stepping !== undefined && host.stepping >= from && host.stepping <= to)),
  );

/**
 * host-model as libvirt 9.0 decodes it for `virsh domcapabilities` (src/cpu/cpu_x86.c:
 * x86Decode, x86DataToCPU and x86DecodeUseCandidate; the CPU is decoded as a guest CPU, so
 * a model that needs features disabled is not refused): the host CPU (the static expansion
 * of QEMU's `host` under KVM, `max` under TCG, with migratable=off) in libvirt's own features,
 * tried against every model of libvirt's CPU map that this QEMU has under this accelerator
 * (usable or not), newest first, skipping models of another vendor (generic models such as
 * kvm64 have none) and models marked `<decode guest='off'/>`. A candidate's features are the
 * host's features the model lacks (require) and the model's features the host lacks, plus
 * what QEMU says blocks its own version of the model (disable). A model with one of the
 * host's family/model signatures beats one without; otherwise the shorter list wins, and on a
 * tie the newer model stays. Feature names come back as QEMU spells them.
 */
export function decodeHostCpuModelAsLibvirt(host: CpuExpansion, map: LibvirtCpuMap, hypervisorModels: readonly CpuModel[]): HostCpuModel | undefined {
  const known = new Set(map.features);
  const hostFeatures = new Set(
    Object.entries(host.features)
      .filter(([, on]) => on)
      .map(([name]) => libvirtFeatureName(name))
      .filter((name) => known.has(name)),
  );
  // libvirt drops Intel's broken TSX (x86DataFilterTSX) before decoding.
  if (host.vendor === 'GenuineIntel' && host.family === 6 && ((host.model === 63 && (host.stepping ?? 0) < 4) || [60, 69, 70].includes(host.model ?? -1))) {
    hostFeatures.delete('hle');
    hostFeatures.delete('rtm');
  }
  const hypervisor = new Map(hypervisorModels.map((m) => [m.name, m]));
  interface Candidate {
    model: LibvirtCpuModel;
    require: string[];
    disable: string[];
    signature: boolean;
  }
  let best: Candidate | undefined;
  for (const model of [...map.models].reverse()) {
    const hvModel = hypervisor.get(model.name);
    if (!hvModel) continue;
    if (model.vendor !== undefined && host.vendor !== undefined && model.vendor !== host.vendor) continue;
    if (!model.decodeGuest) continue;
    const require = map.features.filter((f) => hostFeatures.has(f) && !model.features.has(f));
    const blockers = new Set(hvModel.unavailableFeatures.map(libvirtFeatureName).filter((f) => known.has(f) && !require.includes(f)));
    const disable = map.features.filter((f) => (model.features.has(f) && !hostFeatures.has(f)) || blockers.has(f));
    const candidate: Candidate = { model, require, disable, signature: signatureMatches(model.signatures, host) };
    const length = (c: Candidate) => c.require.length + c.disable.length;
    if (!best || (candidate.signature && !best.signature) || (candidate.signature === best.signature && length(candidate) < length(best))) best = candidate;
  }
  if (!best) return undefined;
  const result: HostCpuModel = {
    model: best.model.name,
    features: [
      ...best.require.map((f) => ({ name: qemuFeatureName(f), policy: 'require' as const })),
      ...best.disable.map((f) => ({ name: qemuFeatureName(f), policy: 'disable' as const })),
    ],
  };
  if (host.vendor) result.vendor = host.vendor;
  return result;
}

/**
 * Without libvirt's CPU map, an approximation of libvirt's host-model (what `virsh
 * domcapabilities` gives as `<mode name='host-model'>`) from QEMU's own models: the host CPU (QEMU's `host` under KVM, `max` under TCG, so what TCG can emulate) decoded into
 * the named model of its vendor that needs the fewest features turned on or off, as
 * libvirt's x86Decode does. Under KVM a model with the host's own family and model numbers
 * wins over one with fewer features (the host is a real CPU of that model); under TCG, max's
 * numbers are QEMU's invention and are not looked at. Ties go to the newer model (higher
 * family, then model number, then more features). `vendors` gives each model's own vendor
 * where the expansions do not (KVM reports the host's vendor for every model).
 */
export function decodeHostCpuModel(
  host: CpuExpansion,
  models: ReadonlyMap<string, CpuExpansion>,
  options: { matchSignature: boolean; vendors?: ReadonlyMap<string, string | undefined> },
): HostCpuModel | undefined {
  interface Candidate {
    name: string;
    expansion: CpuExpansion;
    features: HostCpuModel['features'];
    signature: boolean;
    size: number;
  }
  let best: Candidate | undefined;
  const newer = (a: Candidate, b: Candidate): boolean =>
    (a.expansion.family ?? 0) !== (b.expansion.family ?? 0)
      ? (a.expansion.family ?? 0) > (b.expansion.family ?? 0)
      : (a.expansion.model ?? 0) !== (b.expansion.model ?? 0)
        ? (a.expansion.model ?? 0) > (b.expansion.model ?? 0)
        : a.size !== b.size
          ? a.size > b.size
          : a.name < b.name;
  for (const [name, expansion] of models) {
    if (NOT_NAMED_MODELS.includes(name)) continue;
    const vendor = options.vendors?.has(name) ? options.vendors.get(name) : expansion.vendor;
    if (vendor !== undefined && host.vendor !== undefined && vendor !== host.vendor) continue;
    const names = [...new Set([...Object.keys(host.features), ...Object.keys(expansion.features)])].sort();
    const require = names.filter((f) => host.features[f] === true && expansion.features[f] !== true);
    const disable = names.filter((f) => expansion.features[f] === true && host.features[f] !== true);
    const candidate: Candidate = {
      name,
      expansion,
      features: [...require.map((f) => ({ name: f, policy: 'require' as const })), ...disable.map((f) => ({ name: f, policy: 'disable' as const }))],
      signature:
        options.matchSignature &&
        !GENERIC_MODELS.has(name) &&
        host.family !== undefined &&
        expansion.family === host.family &&
        expansion.model === host.model,
      size: Object.values(expansion.features).filter(Boolean).length,
    };
    if (
      !best ||
      (candidate.signature && !best.signature) ||
      (candidate.signature === best.signature &&
        (candidate.features.length < best.features.length || (candidate.features.length === best.features.length && newer(candidate, best))))
    ) {
      best = candidate;
    }
  }
  if (!best) return undefined;
  const result: HostCpuModel = { model: best.name, features: best.features };
  if (host.vendor) result.vendor = host.vendor;
  return result;
}
