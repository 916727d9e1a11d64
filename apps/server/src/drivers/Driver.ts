import type { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import type { HostCapabilities } from '@virtdeck/qemu';
import type { CloneRequest, CommandLine, DefinitionVersion, DomainSummary, DriverKind, GuestAction, GuestStats, HostState, LifecycleEvent, SnapshotRequest, SnapshotSummary, ValidateResult } from '../api.js';
import type { ConsoleViewer } from '../console/SerialConsole.js';
import type { DeviceSelector, DeviceTargets } from '../devices/deviceXml.js';
import type { KeyStroke } from '../vnc/usKeymap.js';

export interface DriverEvents {
  /** A guest's full new summary, after any change. */
  guest: [DomainSummary];
  /** A guest is no longer defined (by its name), or is defined under the new name `renamedTo`. */
  removed: [name: string, renamedTo?: string];
  lifecycle: [LifecycleEvent];
  /** The connection to the hypervisor changed state. */
  connection: [HostConnection];
}

/** Where a driver's connection to its hypervisor stands; the embedded driver is always connected. */
export interface HostConnection {
  state: HostState;
  /** Why it is lost or was refused. */
  error?: string;
}

/** A running guest's serial console: a viewer gets the scrollback, then live output. */
export interface ConsoleStream {
  /** Returns the function that detaches the viewer. */
  attach(viewer: ConsoleViewer): () => void;
  /** Keyboard input from a viewer. */
  write(data: Buffer): void;
}

/** A libvirt guest's serial console while another client (virsh console, virt-manager…) holds it. */
export interface ConsoleHeldElsewhere {
  /** What the viewer is told, in words. */
  message: string;
  /** Keeps the viewer until virtdeck has the console again, then closes it so it reconnects; returns the function that lets it go. */
  wait(viewer: { close(code: number, reason: string): void }): () => void;
}

export interface SerialEndpoint {
  /** Absent while the guest does not run, or when its serial port cannot be read. */
  live?: ConsoleStream;
  /** Set while another client holds a running guest's console (live is absent then). */
  heldElsewhere?: ConsoleHeldElsewhere;
  /** Why a running guest's serial port cannot be read (a file, TCP, … backend). */
  unreadable?: string;
  /** What the guest printed last (also for a guest that no longer runs). */
  scrollback(): Promise<Buffer>;
}

/** Where a guest's graphical console is reached; the server relays it, never the browser directly. */
export interface GraphicsEndpoint {
  protocol: 'vnc';
  /** A byte stream to the display (a local socket, or an SSH tunnel to a remote one). */
  open(): Promise<Duplex>;
  /** The password the definition sets, which the relay must enforce. */
  password?: string;
  /** What the screen shows now, as a binary PPM (QMP screendump). */
  screendump(): Promise<Buffer>;
  /** Presses and releases these keys on the guest's keyboard, one stroke after another. */
  type(strokes: readonly KeyStroke[]): Promise<void>;
}

export interface DefineOptions {
  /** POST: the name must be new. Otherwise (PUT) the guest must exist and keep its name. */
  create: boolean;
  name?: string;
  /** A read-modify-write: the saved definition must still be this text, else 409 'changed meanwhile'. */
  unchanged?: string;
}

export interface ActionOptions {
  /** shutdown only: force the guest off if it has not powered off after this long. */
  escalateAfterMs?: number;
}

/**
 * What the HTTP layer, the SSE stream and the console sockets know of a hypervisor: one
 * interface in front of every driver (libvirt's virDomain* API, in TypeScript). A guest is
 * identified by its host (one driver instance) and its name. Lists and summaries are the
 * driver's current knowledge and return at once; everything that asks the hypervisor is async.
 */
export interface Driver extends Pick<EventEmitter<DriverEvents>, 'on' | 'off'> {
  readonly kind: DriverKind;
  connection(): HostConnection;
  list(): DomainSummary[];
  get(name: string): DomainSummary;
  /** The saved definition, or with `running` the one the running guest was started from. */
  definition(name: string, options?: { running?: boolean }): Promise<string>;
  /** The guest's recent lifecycle events, oldest first. */
  events(name: string): LifecycleEvent[];
  /** Everything QEMU printed on stdout and stderr over the guest's launches (empty before the first). */
  qemuLog(name: string): Promise<string>;
  define(xml: string, options: DefineOptions): Promise<DomainSummary>;
  /** The definitions the guest had before its saves, newest first (a bounded number). */
  history(name: string): Promise<DefinitionVersion[]>;
  /** One of them, by the id `history` gives. */
  version(name: string, id: string): Promise<string>;
  undefine(name: string): Promise<void>;
  setAutostart(name: string, autostart: boolean): Promise<DomainSummary>;
  act(name: string, action: GuestAction, options?: ActionOptions): Promise<DomainSummary>;
  /** The QEMU command line a saved definition becomes on this host, with the host's diagnostics. */
  commandLine(name: string): Promise<CommandLine>;
  /** The best QEMU command line a valid definition becomes here, with the host's diagnostics; 422 only when the document is invalid. */
  commandLineOf(xml: string): Promise<CommandLine>;
  /** Document diagnostics plus the checks of this host: valid (libvirt accepts it) and startable (here). */
  validate(xml: string): Promise<ValidateResult>;
  serialConsole(name: string): SerialEndpoint;
  /** Takes the serial console from another client that holds it (libvirt hosts; virtdeck's own QEMU has no other client). */
  takeOverConsole?(name: string): void;
  /** The guest's graphical console; a VirtdeckError when it has none or does not run. */
  graphicsConsole(name: string): Promise<GraphicsEndpoint>;
  /** The guest's snapshots, oldest first (each names its parent: a tree). */
  snapshots(name: string): Promise<SnapshotSummary[]>;
  /** One snapshot as libvirt's snapshot XML (snapshot-dumpxml), with the definition it keeps. */
  snapshotXml(name: string, snapshot: string): Promise<string>;
  /** Takes a snapshot: of disks and memory when the guest runs, of its disks when it is off. */
  createSnapshot(name: string, request: SnapshotRequest): Promise<SnapshotSummary>;
  /** Brings the guest (its disks, its memory if kept, and its definition) back to the snapshot. */
  revertSnapshot(name: string, snapshot: string): Promise<DomainSummary>;
  deleteSnapshot(name: string, snapshot: string): Promise<void>;
  /** Defines a copy of a shut-off guest with its own disks, name, UUID and MACs. */
  clone(name: string, request: CloneRequest): Promise<DomainSummary>;
  /** Attaches a <disk> or <interface> to the running guest and/or its saved definition (virsh attach-device). */
  attachDevice(name: string, xml: string, targets: DeviceTargets): Promise<DomainSummary>;
  /** Detaches a disk (by target), an interface (by MAC) or a device by its alias (virsh detach-device). */
  detachDevice(name: string, selector: DeviceSelector, targets: DeviceTargets): Promise<DomainSummary>;
  /** A new medium for a CD-ROM or floppy drive, or none (virsh change-media). */
  changeMedia(name: string, target: string, file: string | null, targets: DeviceTargets): Promise<DomainSummary>;
  /** One sample of every running guest, by name. */
  stats(): Promise<Record<string, GuestStats>>;
  capabilities(): Promise<HostCapabilities>;
  /** Lets go of connections; guests keep running. */
  close(): Promise<void>;
}
