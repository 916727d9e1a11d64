/**
 * The JSON the API speaks, shared with the web app (type-only import of
 * `@virtdeck/server/api`), so server and browser cannot drift apart. README.md lists the routes.
 */
import type { HostCapabilities } from '@virtdeck/qemu';
import type { AcceleratorInfo, Diagnostic, GuestState, NetworkForwardMode } from '@virtdeck/schema';

/** The states and actions of a guest, and which action each state allows: @virtdeck/schema's guest/actions.ts. */
export { GUEST_ACTIONS, GUEST_STATES, type GuestAction, type GuestState } from '@virtdeck/schema';

/** Why a guest is in its state, as libvirt reports a reason with each lifecycle change. */
export const STATE_REASONS = [
  'defined', // never started
  'booted', // started by a user or autostart, or started again by on_poweroff/on_crash=restart
  'user', // paused/resumed/shut down on request
  'destroyed', // forced off
  'shutdown', // the guest powered itself off
  'crashed', // QEMU died or the guest panicked
  'failed', // a start failed
  'reset', // reset or rebooted
  'reconnected', // found again after a server restart
  'migrated-state', // reserved for state restored from disk
  'io-error', // paused by QEMU because a disk failed (werror/rerror=stop)
  'internal-error', // paused by QEMU after an error it cannot go on from (a KVM internal error, a failed VM entry)
  'watchdog', // paused by QEMU when the guest's watchdog expired (action pause)
  'dumping', // paused while its memory is written to a file (<watchdog action='dump'>, a libvirt guest's virsh dump)
  // libvirt's other paused reasons (virDomainPausedReason), which only its guests have:
  'migrating', // paused while libvirt migrates it (or in post-copy)
  'migration-failed', // paused after a post-copy migration failed
  'saving', // paused while libvirt saves it
  'snapshot', // paused while libvirt takes a snapshot
  'shutting-down', // paused while it shuts down
  'starting-up', // paused while libvirt starts it
  'api-error', // paused after a libvirt call failed
  'unknown', // paused for a reason libvirt does not know
  'bad-file', // broken: its file in domains/ is not a usable definition
] as const;
export type StateReason = (typeof STATE_REASONS)[number];

/** A guest as its driver knows it (a driver serves one host and does not know its id). */
export interface DomainSummary {
  name: string;
  state: GuestState;
  reason: StateReason;
  /** Effective accelerator of the definition (`kvm`, `qemu`, …). */
  accelerator: string;
  vcpus: number;
  memoryKiB: number;
  /**
   * A QEMU process exists for it (libvirt's "active domain"): starting, running, paused,
   * shutting down, or crashed and kept by on_crash=preserve for inspection.
   */
  active: boolean;
  /** QEMU's pid while a process exists, where the driver knows it (virtdeck's own guests). */
  pid?: number;
  /** When the state last changed (ISO 8601). */
  since: string;
  /** A failed start's or a crash's message, for the person looking at the list. */
  error?: string;
  /** Started when the server starts (`virsh autostart`). */
  autostart: boolean;
  /** The saved definition differs from the one the running QEMU was started from (applies at next start). */
  pendingChanges: boolean;
  title?: string;
  /** The definition's `<description>`, which the dashboard's search looks in. */
  description?: string;
  /** The definition's tags (its `<metadata>` in virtdeck's namespace), in their order. */
  tags: string[];
  /** It has a screen the web console shows (`<graphics type='vnc'>` or `'spice'`). */
  display?: 'vnc' | 'spice';
  /** Something the person looking at a running guest should know (see GuestHint). */
  hint?: GuestHint;
}

/**
 * `no-sign-of-life`: the guest has run for a while without serial output, a change of its
 * screen or busy vCPUs (see apps/server/src/guests/signOfLife.ts).
 */
export interface GuestHint {
  code: 'no-sign-of-life';
  message: string;
  /** When it was noticed (ISO 8601). */
  since: string;
}

/** A definition a guest had before a save (GET /api/domains/NAME/history). */
export interface DefinitionVersion {
  /** Names the version in GET /api/domains/NAME/history/ID. */
  id: string;
  /** When this version was saved (ISO 8601). */
  savedAt: string;
  /** When a save replaced it. */
  replacedAt: string;
  bytes: number;
}

/** A guest as the API lists it: identified by its host and its name. */
export interface GuestSummary extends DomainSummary {
  /** The id of the host whose driver serves it (`local` for virtdeck's own). */
  host: string;
}

/** What happened to a guest, for its event log; `event` names are closed. */
export const LIFECYCLE_EVENTS = [
  'defined', // created or redefined
  'undefined',
  'started', // QEMU launched and the CPUs run
  'start-failed',
  'suspended', // paused (by request, an I/O error, …)
  'resumed',
  'shutdown-requested', // ACPI power button pressed on request
  'reboot-requested',
  'powered-off', // the guest turned itself off (QMP SHUTDOWN)
  'reset', // the guest or a user reset the machine
  'restarted', // powered off or crashed, and started again as on_poweroff/on_crash say
  'panicked', // QMP GUEST_PANICKED
  'core-dumped', // on_crash=coredump-* or <watchdog action='dump'>: the guest's memory was written to a file
  'stopped', // the QEMU process is gone (the detail says why)
  'reconnected', // found again after a server restart
  'autostart-failed',
  'monitor-lost', // the QMP connection could not be made or was lost
  'no-sign-of-life', // running for a while with no output, no screen change and idle vCPUs
  'device-changed', // a device attached to or detached from the running guest, or a medium changed (the detail says which)
] as const;
export type LifecycleEventName = (typeof LIFECYCLE_EVENTS)[number];

export interface LifecycleEvent {
  name: string;
  event: LifecycleEventName;
  state: GuestState;
  reason: StateReason;
  /** When it happened (ISO 8601): QEMU's own timestamp for QMP events. */
  timestamp: string;
  detail?: string;
}

export interface BlockStatsEntry {
  /** QEMU's device id (`virtio-disk0`, `sata0-0-0`, …) or block node name. */
  device: string;
  rdBytes: number;
  wrBytes: number;
  rdOps: number;
  wrOps: number;
}

export interface NetStatsEntry {
  /** The host-side interface (`<target dev>`); counters are from the guest's point of view. */
  device: string;
  rxBytes: number;
  txBytes: number;
  rxPackets: number;
  txPackets: number;
}

/**
 * Why an interface has no counters: `user-mode` networking has no host device (and QEMU 7.2
 * keeps none for it), `unnamed`: the host device's name is not known (no `<target dev>`),
 * `no-device`: the named host device does not exist.
 */
export const NET_COUNTERS_GAPS = ['user-mode', 'unnamed', 'no-device'] as const;
export type NetCountersGap = (typeof NET_COUNTERS_GAPS)[number];

export interface GuestStats {
  /** CPU time QEMU used since it started (all threads), in nanoseconds. */
  cpuTimeNs: number;
  /** CPU use since the previous sample; 100 = one host core busy. */
  cpuPercent: number;
  memory: { currentKiB: number; balloonKiB?: number; rssKiB?: number };
  block: BlockStatsEntry[];
  net: NetStatsEntry[];
  /** Interfaces without counters, and why: a code, since this goes out every second for every guest. */
  netUnavailable?: { device: string; reason: NetCountersGap }[];
}

export interface StatsEvent {
  /** Milliseconds since the epoch. */
  timestamp: number;
  /** The running guests of the local host, by name. */
  guests: Record<string, GuestStats>;
  /**
   * The running guests of libvirt hosts (from one `virsh domstats` per host), by host id and
   * then name; absent when no libvirt host has any. A host whose answer is late is left out
   * of one message and comes in the next.
   */
  hosts?: Record<string, Record<string, GuestStats>>;
}

/** The machine the server runs on, as the dashboard's host summary shows it (every few seconds on the stream). */
export interface HostUsageEvent {
  /** Milliseconds since the epoch. */
  timestamp: number;
  /** usePercent: of all cores together, since the previous message. */
  cpu: { cores: number; usePercent: number };
  /** usedKiB: what is not available to new processes (MemTotal − MemAvailable). */
  memory: { totalKiB: number; usedKiB: number };
  /** The file system of the state directory; freeBytes is what an unprivileged user may still write. */
  disk: { path: string; totalBytes: number; usedBytes: number; freeBytes: number };
}

/** A lifecycle event on the event stream, which carries the guests of every host. */
export interface HostLifecycleEvent extends LifecycleEvent {
  host: string;
}

/**
 * A guest that left its host's list: deleted, renamed (then `renamedTo` is its new name
 * there), or moved to another host by virtdeck (then `movedTo` is that host's id; its name is the same).
 */
export interface GuestRemoval {
  host: string;
  name: string;
  renamedTo?: string;
  movedTo?: string;
}

/** Payloads of the `GET /api/events` stream, by SSE event name. */
export interface ServerEvents {
  snapshot: GuestSummary[];
  guest: GuestSummary;
  removed: GuestRemoval;
  lifecycle: HostLifecycleEvent;
  stats: StatsEvent;
  hostUsage: HostUsageEvent;
  /** Every host, on connect and after any change of one (state, capabilities, guest count). */
  hosts: HostSummary[];
  /** The last event of a stream the server ends: why (the client did not keep up). It may reconnect. */
  dropped: { reason: string };
}

/** The hypervisor drivers, as libvirt has them: virtdeck's own runtime, and any libvirt URI. */
export const DRIVER_KINDS = ['embedded', 'libvirt'] as const;
export type DriverKind = (typeof DRIVER_KINDS)[number];

/** The id of virtdeck's own host, served by the embedded driver; always there, never removed. */
export const LOCAL_HOST_ID = 'local';
/** What the local host reports as its URI: it is no libvirt connection. */
export const LOCAL_HOST_URI = 'virtdeck:///embedded';

/** Where the connection to a host stands. A lost host keeps its guests with their last known state. */
export const HOST_STATES = ['connected', 'connecting', 'lost', 'auth-failed'] as const;
export type HostState = (typeof HOST_STATES)[number];

/** What a host can run, in brief (`GET /api/hosts`); the full capabilities are per host. */
export interface HostCapabilitySummary {
  arch: string;
  /** `QEMU 7.2.0`, `libvirt 9.0.0 / QEMU 7.2.0`. */
  hypervisor: string;
  /** Accelerators a guest can use there (`qemu`, `kvm`). */
  accelerators: string[];
}

/** `GET /api/hosts`: one host, the local one or a libvirt connection. */
export interface HostSummary {
  id: string;
  uri: string;
  driver: DriverKind;
  state: HostState;
  /** Why the host is lost or refused us. */
  error?: string;
  /** Absent until the host has been reached once. */
  capabilities?: HostCapabilitySummary;
  guests: number;
}

/** One accelerator as `GET /api/host` reports it: what it is, and whether this host can use it. */
export interface HostAccelerator extends Partial<AcceleratorInfo> {
  name: string;
  usable: boolean;
  /** Why it cannot be used here, when it cannot. */
  reason?: string;
  /** Usable, but something seen on this host says it may not work (guests that did not boot under it). */
  caution?: string;
}

export type HostInfo = HostCapabilities & {
  accelerators: HostAccelerator[];
  /** The host's bridges an interface or a bridge network can attach a tap to (the embedded host only). */
  bridges?: string[];
  /** Whether the server can make taps (it runs as root); absent where the host is not the server's own. */
  privileged?: boolean;
  /** Why QEMU cannot open the taps the server makes (/dev/net/tun out of its reach), when it cannot. */
  tapBlocked?: string;
  /**
   * Whether <qemu:commandline>, <qemu:env> and tap scripts may start here (VIRTDECK_HOST_PASSTHROUGH);
   * absent where the host is not the server's own.
   */
  hostPassthrough?: boolean;
};

/** `POST /api/argv`, `GET /api/domains/NAME/argv`: the best command line of a valid definition. */
/** Who made a command line: libvirt itself (`virsh domxml-to-native`) or virtdeck's own builder. */
export const COMMAND_LINE_BUILDERS = ['libvirt', 'virtdeck'] as const;
export type CommandLineBuilder = (typeof COMMAND_LINE_BUILDERS)[number];

export interface CommandLine {
  argv: string[];
  line: string;
  builtBy: CommandLineBuilder;
  /** Why virtdeck's builder made it on a libvirt host, whose own command line comes first (libvirt's refusal). */
  note?: string;
  /** False when a host diagnostic (all of scope 'host') is an error: a start would be refused. */
  startable: boolean;
  diagnostics: ApiDiagnostic[];
}

/** `POST /api/validate`. */
export interface ValidateResult {
  /** No document diagnostic is an error: libvirt would accept it, and define does. */
  valid: boolean;
  /** Valid, and no host diagnostic is an error either: a start can be asked for. */
  startable: boolean;
  /** Document diagnostics and host checks, each with its `scope`; codes are the schema's or @virtdeck/qemu's. */
  diagnostics: ApiDiagnostic[];
}

/** `GET /api/networks`: a virtual network and how guests on it are connected on this host. */
export interface NetworkSummary {
  name: string;
  uuid?: string;
  title?: string;
  /** libvirt's forward mode; `isolated` when the network has no <forward> */
  forward: NetworkForwardMode | 'isolated';
  /** user-mode networking (NAT, isolated), a tap on a host bridge, or not something virtdeck runs */
  runsAs: 'user' | 'bridge' | 'unsupported';
  /** the bridge the definition names (libvirt's virbr0 for NAT, a host bridge for forward mode='bridge') */
  bridge?: string;
  /** the subnets of its <ip> elements, as `192.168.122.0/24` */
  addresses: string[];
  /** running guests attached to it */
  usedBy: string[];
}

/** `POST /api/networks/validate`: the network document's diagnostics, all of scope 'document'. */
export interface NetworkValidateResult {
  valid: boolean;
  diagnostics: Diagnostic[];
}

export interface TemplateInfo {
  id: string;
  title: string;
  description: string;
  /** False when this host cannot offer it (e.g. no demo kernel); `reason` says why. */
  available: boolean;
  reason?: string;
}

/** The OS families the install-from-an-ISO definition knows, each with the devices it gets (templates/isoInstall.ts). */
export const ISO_OS_FAMILIES = ['linux', 'windows', 'windows11', 'other'] as const;
export type IsoOsFamily = (typeof ISO_OS_FAMILIES)[number];

/** How an installed guest reaches the network: a virtual network of `/api/networks`, user-mode networking, or no NIC. */
export type IsoInstallNetwork = { type: 'network'; name: string } | { type: 'user' } | { type: 'none' };

/** `POST /api/templates/iso`: a guest that installs an OS from an ISO volume onto a new qcow2 volume. */
export interface IsoInstallRequest {
  name: string;
  /** The installer: a volume of a pool. */
  iso: { pool: string; volume: string };
  os: IsoOsFamily;
  memoryMiB: number;
  vcpus: number;
  /** The new disk, `NAME.qcow2` in this pool, made when the guest is defined. */
  disk: { pool: string; sizeGiB: number };
  network: IsoInstallNetwork;
  /** `qemu` (TCG) unless asked; the editor's accelerator picker changes it later too. */
  accelerator?: 'qemu' | 'kvm';
}

/** What `POST /api/templates/iso` answers: the definition to show in the editor, and the disk it will create. */
export interface IsoInstallResult {
  xml: string;
  disk: { pool: string; volume: string; path: string; bytes: number };
}

/**
 * WebSocket close codes of `/api/domains/:name/console`. On a running guest the first
 * binary frame is the scrollback (empty when there is none), every later one live output.
 */
export const CONSOLE_CLOSE_CODES = {
  unknownGuest: 4404,
  notRunning: 4409,
  /** The guest runs, but its serial port is not something the console can read (the reason says why). */
  unreadable: 4415,
  /** The viewer did not read its output fast enough. */
  tooSlow: 4429,
} as const;

/**
 * The console WebSocket's one text frame (the guest's output is always binary): another client
 * (virsh console, virt-manager…) holds the serial console of this libvirt guest. The socket stays
 * open and closes with `notRunning` once virtdeck has the console again;
 * `POST …/domains/:name/console/take-over` takes it at once.
 */
export interface ConsoleNotice {
  notice: 'held-elsewhere';
  message: string;
}

/** `POST /api/domains/:name/display-ticket`: opens `WS /api/domains/:name/display?ticket=…` once (the close codes above apply). */
export interface DisplayTicket {
  ticket: string;
  expiresInMs: number;
  /** The display asks for the definition's VNC password. */
  password: boolean;
}

import type { ApiDiagnostic } from './errors.js';

export type { ApiDiagnostic, ErrorBody, ErrorCode } from './errors.js';
export type { Diagnostic };

/** A storage pool: a directory of volumes (`GET /api/pools`). Sizes in bytes, of the file system it is on. */
export interface PoolSummary {
  name: string;
  uuid?: string;
  path: string;
  capacity: number;
  available: number;
  volumes: number;
}

/** A disk of a guest that is a pool's volume (`GET /api/domains/NAME/volumes`): deleting the guest may delete it too. */
export interface GuestVolume {
  /** the disk's target (vda) */
  target: string;
  path: string;
  pool: string;
  volume: string;
  /** other guests whose definitions use it: it is not deleted while there are any */
  usedBy: string[];
}

/** A volume of a pool (`GET /api/pools/NAME/volumes`), from `qemu-img info --backing-chain`. */
export interface VolumeSummary {
  name: string;
  path: string;
  format: string;
  /** the size the guest sees, bytes */
  capacity: number;
  /** the space it takes on the host, bytes */
  allocation: number;
  /** the images below it, top first */
  backingChain: { path: string; format: string }[];
  /** guests whose definition uses it */
  usedBy: string[];
}

/** A guest's snapshot (`GET /api/domains/NAME/snapshots`), from its libvirt snapshot XML. */
export interface SnapshotSummary {
  name: string;
  description?: string;
  /** When it was taken (ISO 8601). */
  createdAt: string;
  /** The guest's state then: `running`/`paused` snapshots hold its memory, `shutoff` ones its disks only. */
  state: 'running' | 'paused' | 'shutoff';
  /** The snapshot this one was taken on top of (absent for a root). */
  parent?: string;
  /** The guest's disks and memory were last taken or reverted to here. */
  current: boolean;
  /** The guest's memory is in it, so a revert resumes where it was. */
  memory: boolean;
  /** The disks (targets) it holds. */
  disks: string[];
  /**
   * Its file could not be read as a snapshot (why, naming the file): listed so it can be seen
   * and deleted, never reverted to; its other fields are placeholders (a root, shut off, no disks).
   */
  broken?: string;
}

/** `POST /api/domains/NAME/snapshots`: a running or paused guest's snapshot always holds its memory. */
export interface SnapshotRequest {
  name: string;
  description?: string;
}

/** `POST /api/domains/NAME/clone`: a full copy of each disk, or a qcow2 overlay over it. */
export const CLONE_MODES = ['full', 'linked'] as const;
export type CloneMode = (typeof CLONE_MODES)[number];
export interface CloneRequest {
  name: string;
  mode: CloneMode;
}
