import type { CpuModel, EmulatorCapabilities, HostCapabilities, MachineType } from '@virtdeck/qemu';
import { attributeValue, childElements, firstChild, parseXml, textContent, walkElements, type XmlElement } from '@virtdeck/schema';
import type { GuestState, GuestStats, LifecycleEventName, StateReason } from '../../api.js';

/** What `virsh domstate` says, by libvirt's state name (virDomainState). */
const STATES: Record<string, GuestState> = {
  running: 'running',
  idle: 'running',
  blocked: 'running',
  paused: 'paused',
  pmsuspended: 'paused',
  'in shutdown': 'shutdown',
  'shut off': 'shutoff',
  crashed: 'crashed',
  dying: 'shutdown',
};

/** libvirt's state reasons (virDomainRunningReason, …ShutoffReason, …) in the words virtdeck has. */
const REASONS: Record<string, StateReason> = {
  booted: 'booted',
  unpaused: 'user',
  user: 'user',
  destroyed: 'destroyed',
  shutdown: 'shutdown',
  crashed: 'crashed',
  panicked: 'crashed',
  failed: 'failed',
  migrated: 'migrated-state',
  'migration canceled': 'migrated-state',
  restored: 'migrated-state',
  saved: 'migrated-state',
  'from snapshot': 'migrated-state',
  wakeup: 'user',
  'post-copy': 'migrated-state',
};

/**
 * virsh's words for each virDomainPausedReason, in its order (libvirt 9.0's virsh; 'api error'
 * came later), so that a guest libvirt's QEMU paused by itself says why as virtdeck's own do.
 */
const PAUSED_REASONS: Record<string, StateReason> = {
  unknown: 'unknown',
  user: 'user',
  migrating: 'migrating',
  saving: 'saving',
  dumping: 'dumping',
  'I/O error': 'io-error',
  watchdog: 'watchdog',
  'from snapshot': 'migrated-state',
  'shutting down': 'shutting-down',
  'creating snapshot': 'snapshot',
  crashed: 'crashed',
  'starting up': 'starting-up',
  'post-copy': 'migrating',
  'post-copy failed': 'migration-failed',
  'api error': 'api-error',
};

export interface DomainState {
  state: GuestState;
  reason: StateReason;
}

/** `virsh domstate NAME --reason`: `running (booted)`, `shut off (destroyed)`, `paused (I/O error)`. */
export function parseDomState(output: string): DomainState {
  const match = /^\s*([a-z ]+?)\s*(?:\((.*)\))?\s*$/.exec(output.trim());
  const state = STATES[match?.[1] ?? ''] ?? 'shutoff';
  const why = match?.[2] ?? '';
  if (state === 'paused') return { state, reason: PAUSED_REASONS[why] ?? 'unknown' };
  const reason = REASONS[why] ?? (state === 'shutoff' ? 'defined' : 'booted');
  return { state, reason };
}

/** `virsh dominfo NAME`: `Key:   value` lines. */
export function parseDomInfo(output: string): Record<string, string> {
  const info: Record<string, string> = {};
  for (const line of output.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) info[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return info;
}

/**
 * Whether dominfo describes an active domain (a QEMU process exists): libvirt gives an
 * active domain an Id and an inactive one `-`. A crashed guest is active when on_crash kept
 * its QEMU (preserve), and `shut off (crashed)` when it did not.
 */
export function isActiveDomain(info: Record<string, string>): boolean {
  return info.Id !== undefined && info.Id !== '-';
}

/** `virsh list --all --name`: one name a line. */
export function parseNames(output: string): string[] {
  return output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

export interface VirshEvent {
  /** The domain the event is about. */
  name: string;
  /** `lifecycle`, `reboot`, `device-added`, … */
  kind: string;
  /** For lifecycle events: `Started Booted`, `Stopped Destroyed`, … */
  detail: string;
  timestamp: string;
}

/** One line of `virsh event --all --loop --timestamp`: `2026-12-02 06:59:16.258+0000: event 'lifecycle' for domain 'x': Started Booted`. */
export function parseEventLine(line: string): VirshEvent | undefined {
  const match = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+)([+-]\d{4}): event '([^']+)' for domain '(.*)'(?:: (.*))?$/.exec(line.trim());
  if (!match) return undefined;
  const [, time = '', zone = '+0000', kind = '', name = '', detail = ''] = match;
  const timestamp = new Date(`${time.replace(' ', 'T')}${zone.slice(0, 3)}:${zone.slice(3)}`);
  return { name, kind, detail, timestamp: Number.isNaN(timestamp.getTime()) ? new Date().toISOString() : timestamp.toISOString() };
}

/** A libvirt event in the names of virtdeck's event log; undefined for events that change nothing it shows. */
export function lifecycleEventOf(event: VirshEvent): LifecycleEventName | undefined {
  if (event.kind === 'reboot') return 'reset';
  if (event.kind !== 'lifecycle') return undefined;
  const [what, why = ''] = event.detail.split(' ', 2);
  switch (what) {
    case 'Defined':
      return 'defined';
    case 'Undefined':
      return 'undefined';
    case 'Started':
      return 'started';
    case 'Suspended':
      return 'suspended';
    case 'Resumed':
      return 'resumed';
    case 'Stopped':
      return why === 'Shutdown' ? 'powered-off' : 'stopped';
    case 'Crashed':
      return 'panicked';
    case 'Shutdown':
      return event.detail.includes('guest request') ? 'powered-off' : undefined;
    default:
      return undefined;
  }
}

/** `virsh domstats --list-running`: `Domain: 'x'` headers, then `key=value` lines. */
export function parseDomStats(output: string): Map<string, Map<string, string>> {
  const domains = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const line of output.split('\n')) {
    const header = /^Domain: '(.*)'$/.exec(line.trim());
    if (header?.[1] !== undefined) {
      current = new Map();
      domains.set(header[1], current);
      continue;
    }
    const eq = line.indexOf('=');
    if (current && eq > 0) current.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return domains;
}

/**
 * One guest's domstats as the stats stream sends them; `previous` (CPU time and when) gives
 * the CPU use. libvirt lists an interface without a host device (user-mode networking) with
 * no name and no counters: it goes to `netUnavailable`, with the type of the definition's
 * interface of that index (`interfaceTypes`) saying why, as the embedded driver does.
 */
export function toGuestStats(values: Map<string, string>, elapsedNs: number, previousCpuNs: number | undefined, interfaceTypes: readonly string[] = []): GuestStats {
  const num = (key: string) => Number(values.get(key) ?? 0);
  const cpuTimeNs = num('cpu.time');
  const cpuPercent = previousCpuNs === undefined || elapsedNs <= 0 ? 0 : Math.max(0, ((cpuTimeNs - previousCpuNs) / elapsedNs) * 100);
  const memory: GuestStats['memory'] = { currentKiB: num('balloon.current') || num('balloon.maximum') };
  if (values.has('balloon.current')) memory.balloonKiB = num('balloon.current');
  if (values.has('balloon.rss')) memory.rssKiB = num('balloon.rss');
  const block = Array.from({ length: num('block.count') }, (_, i) => ({
    device: values.get(`block.${i}.name`) ?? `block${i}`,
    rdBytes: num(`block.${i}.rd.bytes`),
    wrBytes: num(`block.${i}.wr.bytes`),
    rdOps: num(`block.${i}.rd.reqs`),
    wrOps: num(`block.${i}.wr.reqs`),
  }));
  const net: GuestStats['net'] = [];
  const netUnavailable: NonNullable<GuestStats['netUnavailable']> = [];
  for (let i = 0; i < num('net.count'); i++) {
    const device = values.get(`net.${i}.name`);
    if (device === undefined) {
      netUnavailable.push({ device: `net${i}`, reason: interfaceTypes[i] === 'user' ? 'user-mode' : 'no-device' });
      continue;
    }
    net.push({ device, rxBytes: num(`net.${i}.rx.bytes`), txBytes: num(`net.${i}.tx.bytes`), rxPackets: num(`net.${i}.rx.pkts`), txPackets: num(`net.${i}.tx.pkts`) });
  }
  const stats: GuestStats = { cpuTimeNs, cpuPercent: Math.round(cpuPercent * 10) / 10, memory, block, net };
  if (netUnavailable.length > 0) stats.netUnavailable = netUnavailable;
  return stats;
}

/**
 * `virsh capabilities` and `virsh domcapabilities` in the shape of virtdeck's own host
 * capabilities, so the host list, the accelerator form and validation read a libvirt host
 * like the local one: the emulators with their machine types, the accelerators libvirt
 * offers (`<domain type='kvm'>` means a usable KVM) and the CPU models it reports usable.
 */
export function parseCapabilities(capabilitiesXml: string, domainCapabilitiesXml: string, version: string): HostCapabilities {
  const caps = parseXml(capabilitiesXml).document.root;
  const domCaps = parseXml(domainCapabilitiesXml).document.root;
  const hostArch = (caps && firstDescendant(caps, 'arch', 'cpu')) ?? 'x86_64';
  const qemuVersion = parseQemuVersion(version);
  const cpuModels = domCaps ? customCpuModels(domCaps) : [];
  let kvm = false;
  const emulators: EmulatorCapabilities[] = [];
  for (const guest of caps ? childElements(caps, 'guest') : []) {
    const arch = firstChild(guest, 'arch');
    if (!arch) continue;
    const domains = childElements(arch, 'domain').map((d) => attributeValue(d, 'type'));
    if (domains.includes('kvm')) kvm = true;
    const machines: MachineType[] = childElements(arch, 'machine').map((m, i) => {
      const machine: MachineType = { name: textContent(m).trim(), isDefault: i === 0, deprecated: attributeValue(m, 'deprecated') === 'yes' };
      const canonical = attributeValue(m, 'canonical');
      if (canonical) {
        machine.name = canonical;
        machine.alias = textContent(m).trim();
      }
      const maxCpus = Number(attributeValue(m, 'maxCpus'));
      if (maxCpus > 0) machine.cpuMax = maxCpus;
      return machine;
    });
    emulators.push({
      path: textContent(firstChild(arch, 'emulator') ?? arch).trim(),
      arch: attributeValue(arch, 'name') ?? hostArch,
      version: qemuVersion,
      accelerators: domains.includes('kvm') ? ['tcg', 'kvm'] : ['tcg'],
      kvm: { present: domains.includes('kvm'), enabled: domains.includes('kvm') },
      machines: dedupeMachines(machines),
      cpuModels: attributeValue(arch, 'name') === hostArch ? cpuModels : [],
      fingerprint: { mtimeMs: 0, size: 0 },
    });
  }
  return {
    host: { os: 'linux', arch: hostArch },
    kvmDevice: kvm ? { path: '/dev/kvm', usable: true } : { path: '/dev/kvm', usable: false, problem: 'missing' },
    emulators: emulators.sort((a, b) => Number(b.arch === hostArch) - Number(a.arch === hostArch)),
    failures: [],
  };
}

/** `virsh version`'s `Running hypervisor: QEMU 7.2.22`. */
function parseQemuVersion(version: string): EmulatorCapabilities['version'] {
  const match = /Running hypervisor:\s*QEMU\s+(\d+)\.(\d+)\.(\d+)/.exec(version);
  return { major: Number(match?.[1] ?? 0), minor: Number(match?.[2] ?? 0), micro: Number(match?.[3] ?? 0) };
}

/** libvirt lists a machine under its alias and again under its own name: keep one, with the alias. */
function dedupeMachines(machines: MachineType[]): MachineType[] {
  const byName = new Map<string, MachineType>();
  for (const machine of machines) {
    const known = byName.get(machine.name);
    if (!known || (machine.alias && !known.alias)) byName.set(machine.name, { ...machine, isDefault: known?.isDefault ?? machine.isDefault });
  }
  return [...byName.values()];
}

function customCpuModels(domCaps: XmlElement): CpuModel[] {
  const cpu = firstChild(domCaps, 'cpu');
  const custom = cpu && childElements(cpu, 'mode').find((m) => attributeValue(m, 'name') === 'custom');
  if (!custom) return [];
  return childElements(custom, 'model').map((m) => ({
    name: textContent(m).trim(),
    unavailableFeatures: attributeValue(m, 'usable') === 'yes' ? [] : ['(libvirt: not usable on this host)'],
    static: false,
    migrationSafe: true,
    deprecated: attributeValue(m, 'deprecated') === 'yes',
  }));
}

function firstDescendant(root: XmlElement, name: string, parent: string): string | undefined {
  for (const element of walkElements(root)) {
    if (element.localName !== parent) continue;
    const child = firstChild(element, name);
    if (child) return textContent(child).trim();
  }
  return undefined;
}
