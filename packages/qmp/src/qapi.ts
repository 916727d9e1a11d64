// QEMU's QAPI types for the commands and events virtdeck uses, as QEMU 7.2 sends them
// (qapi/*.json in the QEMU source). They describe QEMU's replies; the client does not check them.

/** `RunState`: the VM run states `query-status` reports. */
export const RUN_STATES = [
  'debug',
  'inmigrate',
  'internal-error',
  'io-error',
  'paused',
  'postmigrate',
  'prelaunch',
  'finish-migrate',
  'restore-vm',
  'running',
  'save-vm',
  'shutdown',
  'suspended',
  'watchdog',
  'guest-panicked',
  'colo',
] as const;
export type RunState = (typeof RUN_STATES)[number];

/** `ShutdownCause`: why a SHUTDOWN or RESET happened. */
export const SHUTDOWN_CAUSES = [
  'none',
  'host-error',
  'host-qmp-quit',
  'host-qmp-system-reset',
  'host-signal',
  'host-ui',
  'guest-shutdown',
  'guest-reset',
  'guest-panic',
  'subsystem-reset',
  'snapshot-load',
] as const;
export type ShutdownCause = (typeof SHUTDOWN_CAUSES)[number];

export const WATCHDOG_ACTIONS = ['reset', 'shutdown', 'poweroff', 'pause', 'debug', 'none', 'inject-nmi'] as const;
export type WatchdogAction = (typeof WATCHDOG_ACTIONS)[number];

export const GUEST_PANIC_ACTIONS = ['pause', 'poweroff', 'run'] as const;
export type GuestPanicAction = (typeof GUEST_PANIC_ACTIONS)[number];

/** The version QEMU reports in its greeting and from `query-version`. */
export interface QmpVersion {
  qemu: { major: number; minor: number; micro: number };
  /** Distribution build string, e.g. `Debian 1:7.2+dfsg-7+deb12u18+b3`. */
  package: string;
}

/** QEMU's first message on a new QMP connection. */
export interface QmpGreeting {
  version: QmpVersion;
  /** Optional protocol features QEMU offers (`oob`); this client enables none. */
  capabilities: string[];
}

/** When QEMU emitted an event; both fields are -1 when QEMU could not read the clock. */
export interface QmpTimestamp {
  seconds: number;
  microseconds: number;
}

export interface StatusInfo {
  running: boolean;
  status: RunState;
  /** Deprecated; still sent by QEMU 7.2. */
  singlestep?: boolean;
}

export interface KvmInfo {
  /** KVM is the accelerator of this VM. */
  enabled: boolean;
  /** KVM is compiled in and /dev/kvm can be used. */
  present: boolean;
}

export interface MachineInfo {
  name: string;
  alias?: string;
  'is-default'?: boolean;
  'cpu-max': number;
  'hotpluggable-cpus': boolean;
  'numa-mem-supported': boolean;
  deprecated: boolean;
  'default-cpu-type'?: string;
  'default-ram-id'?: string;
}

export interface CpuDefinitionInfo {
  name: string;
  'migration-safe'?: boolean;
  static: boolean;
  /** Features the current accelerator cannot provide; empty when the model is usable. */
  'unavailable-features'?: string[];
  typename: string;
  'alias-of'?: string;
  deprecated: boolean;
}

export interface CpuInstanceProperties {
  'node-id'?: number;
  'socket-id'?: number;
  'die-id'?: number;
  'cluster-id'?: number;
  'core-id'?: number;
  'thread-id'?: number;
}

export interface CpuInfoFast {
  'cpu-index': number;
  'qom-path': string;
  /** Host thread id of the vCPU: its CPU time is in /proc/PID/task/THREAD/stat. */
  'thread-id': number;
  props?: CpuInstanceProperties;
  target: string;
}

export interface BlockDeviceStats {
  rd_bytes: number;
  wr_bytes: number;
  unmap_bytes: number;
  rd_operations: number;
  wr_operations: number;
  flush_operations: number;
  unmap_operations: number;
  rd_total_time_ns: number;
  wr_total_time_ns: number;
  flush_total_time_ns: number;
  unmap_total_time_ns: number;
  wr_highest_offset: number;
  rd_merged: number;
  wr_merged: number;
  unmap_merged: number;
  idle_time_ns?: number;
  failed_rd_operations: number;
  failed_wr_operations: number;
  failed_flush_operations: number;
  failed_unmap_operations: number;
  invalid_rd_operations: number;
  invalid_wr_operations: number;
  invalid_flush_operations: number;
  invalid_unmap_operations: number;
  account_invalid: boolean;
  account_failed: boolean;
  timed_stats: unknown[];
}

export interface BlockStats {
  /** The drive id (`-drive id=`), empty or absent for nodes without a BlockBackend name. */
  device?: string;
  /** QOM path of the device the drive is attached to. */
  qdev?: string;
  'node-name'?: string;
  stats: BlockDeviceStats;
  'driver-specific'?: Record<string, unknown>;
  parent?: BlockStats;
  backing?: BlockStats;
}

export interface BalloonInfo {
  /** Memory the guest currently has, in bytes. */
  actual: number;
}

export type GuestPanicInformation =
  | { type: 'hyper-v'; arg1: number; arg2: number; arg3: number; arg4: number; arg5: number }
  | { type: 's390'; core: number; 'psw-mask': number; 'psw-addr': number; reason: string };

type NoData = Record<string, never>;

/** The `data` of the QMP events virtdeck reacts to, by event name. */
export interface QmpEventMap {
  SHUTDOWN: { guest: boolean; reason: ShutdownCause };
  POWERDOWN: NoData;
  RESET: { guest: boolean; reason: ShutdownCause };
  STOP: NoData;
  RESUME: NoData;
  SUSPEND: NoData;
  SUSPEND_DISK: NoData;
  WAKEUP: NoData;
  WATCHDOG: { action: WatchdogAction };
  GUEST_PANICKED: { action: GuestPanicAction; info?: GuestPanicInformation };
  GUEST_CRASHLOADED: { action: GuestPanicAction; info?: GuestPanicInformation };
  BALLOON_CHANGE: { actual: number };
  BLOCK_IO_ERROR: {
    device: string;
    'node-name'?: string;
    operation: 'read' | 'write';
    action: 'ignore' | 'report' | 'stop';
    nospace?: boolean;
    reason: string;
  };
  DEVICE_DELETED: { device?: string; path: string };
}

export type QmpEventName = keyof QmpEventMap;
