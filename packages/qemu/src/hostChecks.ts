/** Checks of a definition against what the host's QEMU offers: emulator, machine type, CPU model. */
import { firstChild, type Domain, type QuickFix } from '@virtdeck/schema';
import { findEmulator, findMachine, type EmulatorCapabilities, type HostCapabilities } from './capabilities.js';
import type { DiagnosticSink } from './diagnostics.js';

/** Edit distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number;
      row[j] = Math.min(above + 1, (row[j - 1] as number) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length] as number;
}

const commonPrefix = (a: string, b: string): number => {
  let n = 0;
  while (n < a.length && a[n] === b[n]) n++;
  return n;
};

/**
 * Up to `count` candidates closest to `name` (case-insensitive): fewest edits first, then
 * the longest shared beginning, then the newest version (pc-q35-7.2 before pc-q35-7.1).
 */
export function closest(name: string, candidates: readonly string[], count = 3): string[] {
  const target = name.toLowerCase();
  const limit = Math.max(2, Math.floor(target.length / 2));
  return candidates
    .map((candidate) => {
      const lower = candidate.toLowerCase();
      return { candidate, distance: lower.startsWith(target) ? 0.5 : editDistance(target, lower), prefix: commonPrefix(target, lower) };
    })
    .filter((c) => c.distance <= limit)
    .sort((a, b) => a.distance - b.distance || b.prefix - a.prefix || b.candidate.localeCompare(a.candidate, undefined, { numeric: true }))
    .slice(0, count)
    .map((c) => c.candidate);
}

/** The emulator a domain runs on, with a diagnostic when the host has none. */
export function checkEmulator(domain: Domain, caps: HostCapabilities, arch: string, sink: DiagnosticSink): EmulatorCapabilities | undefined {
  const path = domain.devices.emulator;
  const devicesNode = domain.devices.node;
  if (path !== undefined) {
    const found = caps.emulators.find((e) => e.path === path);
    if (found) return found;
    const others = caps.emulators.filter((e) => e.arch === arch).map((e) => e.path);
    const emulatorNode = devicesNode ? firstChild(devicesNode, 'emulator') : undefined;
    const failure = caps.failures.find((f) => f.path === path);
    const why = failure ? `it failed the capability probe: ${failure.error}` : 'it was not found on this host';
    const fixes: QuickFix[] = [];
    const textNode = emulatorNode?.children.find((c) => c.kind === 'text');
    if (textNode) for (const other of others) fixes.push({ title: `Use ${other}`, edits: [{ range: textNode.range, newText: other }] });
    sink.error('emulator-missing', emulatorNode ?? devicesNode, `Emulator ${path} cannot be used: ${why}.${others.length > 0 ? ` Emulators for ${arch} here: ${others.join(', ')}.` : ''}`, fixes);
    return undefined;
  }
  const byArch = findEmulator(caps, { arch });
  if (!byArch) {
    const osType = domain.os.node ? firstChild(domain.os.node, 'type') : undefined;
    const archs = [...new Set(caps.emulators.map((e) => e.arch))];
    sink.error('emulator-missing', osType ?? domain.node, `This host has no QEMU for ${arch} guests${archs.length > 0 ? ` (it has: ${archs.join(', ')})` : ''}.`);
  }
  return byArch;
}

/** Checks the machine type; returns its capability entry when known. */
export function checkMachine(domain: Domain, emulator: EmulatorCapabilities, name: string, sink: DiagnosticSink): void {
  const osType = domain.os.node ? firstChild(domain.os.node, 'type') : undefined;
  const machine = findMachine(emulator, name);
  if (!machine) {
    const names = emulator.machines.flatMap((m) => (m.alias ? [m.alias, m.name] : [m.name]));
    const suggestions = closest(name, names);
    const attribute = osType?.attributes.find((a) => a.name === 'machine');
    const fixes: QuickFix[] = attribute ? suggestions.map((s, i) => ({ title: `Use ${s}`, edits: [{ range: attribute.valueRange, newText: s }], isPreferred: i === 0 })) : [];
    sink.error(
      'machine-unknown',
      attribute?.valueRange ?? osType ?? domain.node,
      `${emulator.path} has no machine type '${name}'.${suggestions.length > 0 ? ` Close ones: ${suggestions.join(', ')}.` : ''}`,
      fixes,
    );
    return;
  }
  if (machine.deprecated) {
    sink.warning('machine-deprecated', osType ?? domain.node, `Machine type '${name}' is deprecated by QEMU and may go away in a later version.`);
  }
}

export function checkCpuModel(domain: Domain, emulator: EmulatorCapabilities, accel: string, sink: DiagnosticSink): void {
  const cpu = domain.cpu;
  const modelName = cpu?.model?.name;
  if (modelName === undefined || (cpu?.mode !== undefined && cpu.mode !== 'custom')) return;
  const model = emulator.cpuModels.find((m) => m.name === modelName);
  const at = cpu?.model?.node ?? cpu?.node;
  if (!model) {
    const suggestions = closest(modelName, emulator.cpuModels.map((m) => m.name));
    const text = cpu?.model?.node.children.find((c) => c.kind === 'text');
    const fixes: QuickFix[] = text ? suggestions.map((s, i) => ({ title: `Use ${s}`, edits: [{ range: text.range, newText: s }], isPreferred: i === 0 })) : [];
    sink.error('cpu-model-unknown', at, `${emulator.path} has no CPU model '${modelName}'.${suggestions.length > 0 ? ` Close ones: ${suggestions.join(', ')}.` : ''}`, fixes);
    return;
  }
  // The probe ran under KVM when KVM worked: its list of missing features then applies to KVM guests.
  if (accel === 'kvm' && emulator.kvm.enabled && model.unavailableFeatures.length > 0) {
    sink.warning(
      'cpu-model-unusable',
      at,
      `This host's CPU lacks features of '${modelName}' under KVM: ${model.unavailableFeatures.join(', ')}. The guest gets the model without them (QEMU refuses only with check='full').`,
    );
  }
}
