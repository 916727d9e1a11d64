// Typed wrappers for the QMP commands virtdeck uses. Each one is `execute` with the command's
// argument names and reply type spelled out once; anything else goes through `execute` itself.
import type { QmpClient, QmpExecuteOptions } from './QmpClient.js';
import { isQmpError } from './QmpError.js';
import type {
  BalloonInfo,
  BlockStats,
  CpuDefinitionInfo,
  CpuInfoFast,
  KvmInfo,
  MachineInfo,
  QmpVersion,
  StatusInfo,
} from './qapi.js';

/** What the helpers need: a QmpClient, or anything with its `execute`. */
export type QmpExecutor = Pick<QmpClient, 'execute'>;

export function queryStatus(qmp: QmpExecutor, options?: QmpExecuteOptions): Promise<StatusInfo> {
  return qmp.execute<StatusInfo>('query-status', undefined, options);
}

/** Starts or resumes the vCPUs (after `-S` or `stop`); QEMU sends RESUME. */
export async function cont(qmp: QmpExecutor, options?: QmpExecuteOptions): Promise<void> {
  await qmp.execute('cont', undefined, options);
}

/** Pauses the vCPUs; QEMU sends STOP. */
export async function stop(qmp: QmpExecutor, options?: QmpExecuteOptions): Promise<void> {
  await qmp.execute('stop', undefined, options);
}

/** Presses the ACPI power button; QEMU sends POWERDOWN, and SHUTDOWN if the guest obeys. */
export async function systemPowerdown(qmp: QmpExecutor, options?: QmpExecuteOptions): Promise<void> {
  await qmp.execute('system_powerdown', undefined, options);
}

/** Resets the machine as the reset button would; QEMU sends RESET. */
export async function systemReset(qmp: QmpExecutor, options?: QmpExecuteOptions): Promise<void> {
  await qmp.execute('system_reset', undefined, options);
}

/**
 * Makes QEMU exit; it sends SHUTDOWN (reason `host-qmp-quit`) and closes the connection.
 * The connection closing before the reply arrived also counts as success: exiting is what
 * was asked for.
 */
export async function quit(qmp: QmpExecutor, options?: QmpExecuteOptions): Promise<void> {
  try {
    await qmp.execute('quit', undefined, options);
  } catch (error) {
    if (!isQmpError(error, 'disconnected')) throw error;
  }
}

export function queryKvm(qmp: QmpExecutor, options?: QmpExecuteOptions): Promise<KvmInfo> {
  return qmp.execute<KvmInfo>('query-kvm', undefined, options);
}

export function queryVersion(qmp: QmpExecutor, options?: QmpExecuteOptions): Promise<QmpVersion> {
  return qmp.execute<QmpVersion>('query-version', undefined, options);
}

export function queryMachines(qmp: QmpExecutor, options?: QmpExecuteOptions): Promise<MachineInfo[]> {
  return qmp.execute<MachineInfo[]>('query-machines', undefined, options);
}

export function queryCpuDefinitions(qmp: QmpExecutor, options?: QmpExecuteOptions): Promise<CpuDefinitionInfo[]> {
  return qmp.execute<CpuDefinitionInfo[]>('query-cpu-definitions', undefined, options);
}

export function queryCpusFast(qmp: QmpExecutor, options?: QmpExecuteOptions): Promise<CpuInfoFast[]> {
  return qmp.execute<CpuInfoFast[]>('query-cpus-fast', undefined, options);
}

/** Block I/O statistics per drive; `queryNodes` lists every block node instead of the drives. */
export function queryBlockstats(qmp: QmpExecutor, options: QmpExecuteOptions & { queryNodes?: boolean } = {}): Promise<BlockStats[]> {
  const { queryNodes, ...executeOptions } = options;
  return qmp.execute<BlockStats[]>('query-blockstats', queryNodes === undefined ? undefined : { 'query-nodes': queryNodes }, executeOptions);
}

/** The guest's current memory per the balloon; fails with class `DeviceNotActive` when the guest has no balloon device. */
export function queryBalloon(qmp: QmpExecutor, options?: QmpExecuteOptions): Promise<BalloonInfo> {
  return qmp.execute<BalloonInfo>('query-balloon', undefined, options);
}

/** Reads a QOM property (`qom-get`); the type of the value depends on the property. */
export function qomGet<T = unknown>(qmp: QmpExecutor, path: string, property: string, options?: QmpExecuteOptions): Promise<T> {
  return qmp.execute<T>('qom-get', { path, property }, options);
}

/** Runs a human monitor (HMP) command and returns its text output. */
export function humanMonitorCommand(
  qmp: QmpExecutor,
  commandLine: string,
  options: QmpExecuteOptions & { cpuIndex?: number } = {},
): Promise<string> {
  const { cpuIndex, ...executeOptions } = options;
  const args = cpuIndex === undefined ? { 'command-line': commandLine } : { 'command-line': commandLine, 'cpu-index': cpuIndex };
  return qmp.execute<string>('human-monitor-command', args, executeOptions);
}
