// @virtdeck/qmp: a QEMU Machine Protocol client for Node (UNIX sockets).
export { QMP_CLIENT_STATES, QmpClient } from './QmpClient.js';
export type {
  QmpAttachOptions,
  QmpClientNotifications,
  QmpClientOptions,
  QmpClientState,
  QmpCloseInfo,
  QmpConnectOptions,
  QmpEventNameInput,
  QmpExecuteOptions,
  QmpWaitForEventOptions,
} from './QmpClient.js';

export { QMP_ERROR_CODES, QmpError, isQmpError, toQmpError } from './QmpError.js';
export type { QmpArguments, QmpErrorCode, QmpErrorDetails } from './QmpError.js';

export type { QmpEvent, QmpEventData } from './protocol.js';

export {
  cont,
  humanMonitorCommand,
  qomGet,
  queryBalloon,
  queryBlockstats,
  queryCpuDefinitions,
  queryCpusFast,
  queryKvm,
  queryMachines,
  queryStatus,
  queryVersion,
  quit,
  stop,
  systemPowerdown,
  systemReset,
} from './commands.js';
export type { QmpExecutor } from './commands.js';

export { GUEST_PANIC_ACTIONS, RUN_STATES, SHUTDOWN_CAUSES, WATCHDOG_ACTIONS } from './qapi.js';
export type {
  BalloonInfo,
  BlockDeviceStats,
  BlockStats,
  CpuDefinitionInfo,
  CpuInfoFast,
  CpuInstanceProperties,
  GuestPanicAction,
  GuestPanicInformation,
  KvmInfo,
  MachineInfo,
  QmpEventMap,
  QmpEventName,
  QmpGreeting,
  QmpTimestamp,
  QmpVersion,
  RunState,
  ShutdownCause,
  StatusInfo,
  WatchdogAction,
} from './qapi.js';
