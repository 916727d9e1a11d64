import type { Domain, Network, XmlElement } from '@virtdeck/schema';
import type { PciAddress } from '../address/pci.js';
import type { EmulatorCapabilities, HostCapabilities, MachineType } from '../capabilities.js';
import type { DiagnosticSink } from '../diagnostics.js';
import type { JsonObject } from '../options.js';
import type { Layout } from './layout.js';

/**
 * How the server launches for real. Without it buildArgv gives the libvirt-compatible
 * preview; with it the argv also starts QEMU stopped (-S) with a QMP monitor, keeps QEMU
 * alive on guest shutdown (-no-shutdown, so the server sees the event and decides), and
 * turns the first pty serial/console into a UNIX socket the server can attach a console to,
 * with everything the guest printed appended to a log.
 */
export interface LaunchRuntime {
  /** UNIX socket for QMP (keep it short: 107 bytes at most). */
  qmpSocket: string;
  /** UNIX socket for the interactive serial console. */
  serialSocket?: string;
  /** File the serial output is appended to. */
  serialLog?: string;
  /** QEMU writes its pid here. */
  pidFile?: string;
  /**
   * Ports the server chose for displays with autoport (free at start, so that two guests
   * never clash); without one VNC takes the first free display itself and SPICE port 5900.
   */
  graphicsPorts?: Partial<Record<'vnc' | 'spice', number>>;
  /** UNIX socket of the extra VNC display (id `browser`) the server proxies to the web console. */
  displaySocket?: string;
  /** Where variable stores in libvirt's NVRAM folder (/var/lib/libvirt/qemu/nvram) live instead. */
  nvramDir?: string;
  /** The guest's emulated TPM state (swtpm's --tpmstate), kept across starts. */
  tpmStateDir?: string;
  /**
   * Folders for the guest's huge-page-backed RAM, by page size in KiB: one on a hugetlbfs mount
   * of that size, writable by QEMU (the server makes it). Without one the preview's path.
   */
  hugepageDirs?: Readonly<Record<number, string>>;
  /** The host's default huge page size in KiB (/proc/meminfo Hugepagesize), for <hugepages/> without a <page>. */
  defaultHugepageKiB?: number;
}

/** swtpm for an emulated TPM: set up on first start, started before QEMU, ended with it. */
export interface SwtpmPlan {
  swtpm: string;
  swtpmSetup: string;
  version: '1.2' | '2.0';
  /** Its state, kept across starts. */
  stateDir: string;
  /** The control socket QEMU connects to (in the run folder). */
  socket: string;
  pidFile: string;
  logFile: string;
  /** Names the guest in the TPM's certificates (libvirt's --vmid NAME:UUID). */
  vmid: string;
  /** PCR banks to activate (<active_pcr_banks>); empty: swtpm_setup's default. */
  pcrBanks: string[];
}

/**
 * What the server does around the launch that the argv relies on. Filled only for a launch
 * (with a LaunchRuntime): the preview has no secrets to write.
 */
export interface LaunchPlan {
  /** Files only QEMU may read (mode 0600) to write before launch; removed once QEMU runs. */
  secrets: Array<{ path: string; content: string }>;
  /** QMP commands to run while the CPUs are stopped, before `cont`. */
  qmp: Array<{ execute: string; arguments: JsonObject }>;
  /** The TPM emulator to start first, for `<tpm><backend type='emulator'>`. */
  swtpm?: SwtpmPlan;
  /** Host CPUs QEMU's threads may run on (<cputune> pins, <vcpu cpuset>), set before `cont`. */
  affinity?: ThreadAffinity;
  /** Memory limits (<memtune>) of the cgroup QEMU is moved into before `cont`. */
  memoryLimits?: MemoryLimits;
  /** Taps on host bridges the server makes before launch (QEMU opens them by name), removed when the guest ends. */
  taps: TapPlan[];
}

/**
 * A tap for an interface on a host bridge, made as libvirt makes it (virNetDevTapCreateInBridgePort):
 * persistent, owned by QEMU's user so that QEMU can open it without privileges, with the guest's
 * MAC address but for a first byte of 0xFE (the bridge never takes the guest's address as its
 * own), the interface's MTU or else the bridge's, in the bridge and up.
 */
export interface TapPlan {
  ifname: string;
  bridge: string;
  /** The guest's MAC address (the NIC's), by which a detach finds its tap. */
  mac?: string;
  /** <mtu size>; without one the bridge's. */
  mtu?: number;
  /** <driver queues> above 1: a multiqueue tap. */
  queues?: number;
}

/**
 * Host CPU sets for QEMU's threads, as libvirt applies them: the emulator (every thread of the
 * process, first), then each vCPU thread (found through query-cpus-fast) and each iothread
 * (query-iothreads). A vCPU without a pin of its own gets `<vcpu cpuset>` when there is one.
 */
export interface ThreadAffinity {
  emulator?: number[];
  vcpus: Array<{ vcpu: number; cpus: number[] }>;
  iothreads: Array<{ iothread: number; cpus: number[] }>;
}

/** <memtune> in bytes, as cgroup v2 takes them: memory.max, memory.high, memory.swap.max. */
export interface MemoryLimits {
  max?: number;
  high?: number;
  /** Swap alone (cgroup v2 counts it apart): libvirt's swap_hard_limit minus hard_limit. */
  swapMax?: number;
}

export interface BuildOptions {
  /** Epoch milliseconds "now", for `<clock offset='variable'>` and `absolute` (no clock is read). */
  now?: number;
  /**
   * The virtual networks and host bridges interfaces attach to. Without it (a preview that does
   * not know the host) a type='network' interface is shown as user-mode networking.
   */
  networks?: NetworkHost;
  /**
   * Whether <qemu:arg>, <qemu:env> and an ethernet interface's <script>/<downscript> may reach
   * the host (default yes, as libvirt). Off, each is an error on its line and left out.
   */
  hostPassthrough?: boolean;
}

/** What the server knows about networking on this host when it builds a command line. */
export interface NetworkHost {
  /** The defined virtual networks (networks/NAME.xml), by name. */
  networks: ReadonlyMap<string, Network>;
  /** The bridge devices that exist on the host (/sys/class/net/NAME/bridge). */
  bridges: ReadonlySet<string>;
  /** The server runs as root, so it can make a tap on a bridge for QEMU. */
  privileged: boolean;
  /** Why QEMU, as the user it runs as, cannot open a tap (/dev/net/tun), when it cannot. */
  tapBlocked?: string;
  /** QEMU's user can open /dev/vhost-net, so a virtio NIC on a tap gets vhost under KVM. */
  vhostNet?: boolean;
  /** How the names of the guest's taps start (a number follows; 15 characters in all at most). */
  tapPrefix?: string;
  /** Names of taps the running guest has already (a hot-plug takes another). */
  tapsInUse?: ReadonlySet<string>;
}

/** The machine family, which decides built-in devices and PCI placement. */
export type Chipset = 'i440fx' | 'q35' | 'isapc' | 'microvm' | 'other';

export interface MachineInfo {
  /** As the command line names it (`pc`, `q35`, `pc-i440fx-7.2`). */
  name: string;
  chipset: Chipset;
  /** The machine type in the capabilities, when known. */
  type?: MachineType;
}

export interface BuildContext {
  readonly domain: Domain;
  readonly caps: HostCapabilities | undefined;
  readonly emulator: EmulatorCapabilities | undefined;
  readonly emulatorPath: string;
  readonly machine: MachineInfo;
  /** QEMU accelerator name to use: tcg, kvm, … */
  readonly accel: string;
  readonly runtime: LaunchRuntime | undefined;
  readonly options: BuildOptions;
  readonly diagnostics: DiagnosticSink;
  readonly layout: Layout;
  /** Environment for the QEMU process (TZ for a timezone clock, qemu:env). */
  readonly env: Record<string, string>;
  /** Where an element without a node of its own reports (the <devices> element or the root). */
  readonly devicesNode: XmlElement;
  readonly launch: LaunchPlan;
}

/** A file in the folder of the QMP socket (the guest's run folder), or a bare name in the preview. */
export function runFile(ctx: Pick<BuildContext, 'runtime'>, name: string): string {
  const qmp = ctx.runtime?.qmpSocket;
  const cut = qmp?.lastIndexOf('/') ?? -1;
  return qmp && cut >= 0 ? `${qmp.slice(0, cut + 1)}${name}` : name;
}

/** Does the emulator know this -device driver? Unknown capabilities answer yes. */
export function hasDevice(ctx: Pick<BuildContext, 'emulator'>, driver: string): boolean {
  return ctx.emulator?.devices === undefined || ctx.emulator.devices.includes(driver);
}

/** JSON properties that place a device on a PCI bus. */
export function pciBusProps(ctx: BuildContext, address: PciAddress | undefined): { bus?: string; multifunction?: boolean; addr?: string } {
  if (!address) return {};
  const props: { bus?: string; multifunction?: boolean; addr?: string } = { bus: ctx.layout.pciBusName(address.bus) };
  if (address.multifunction) props.multifunction = true;
  props.addr = address.function === 0 ? `0x${address.slot.toString(16)}` : `0x${address.slot.toString(16)}.0x${address.function.toString(16)}`;
  return props;
}

/**
 * May this use of host passthrough (a <qemu:arg>, <qemu:env>, tap script) go to QEMU? Where the
 * server turns passthrough off, no: an error on its line that names the setting.
 */
export function hostPassthroughAllowed(ctx: Pick<BuildContext, 'options' | 'diagnostics'>, node: XmlElement, what: string): boolean {
  if (ctx.options.hostPassthrough !== false) return true;
  const shown = what.length > 80 ? `${what.slice(0, 77)}...` : what;
  ctx.diagnostics.error(
    'passthrough-arguments',
    node,
    `${shown} cannot start on this server: it turns off options and programs that reach the host unchecked (the server's VIRTDECK_HOST_PASSTHROUGH is off, its default when it listens beyond 127.0.0.1).`,
  );
  return false;
}
