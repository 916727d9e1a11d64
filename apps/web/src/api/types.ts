/**
 * The API's JSON, from the server's own declarations (type-only: no server code reaches
 * the browser). One place to import them from inside the web app.
 */
export type {
  ApiDiagnostic,
  CloneMode,
  CommandLine,
  CommandLineBuilder,
  DefinitionVersion,
  Diagnostic,
  DisplayTicket,
  ErrorBody,
  ErrorCode,
  GuestVolume,
  GuestAction,
  GuestState,
  GuestStats,
  GuestSummary,
  HostAccelerator,
  HostInfo,
  HostLifecycleEvent,
  HostState,
  HostSummary,
  HostUsageEvent,
  IsoInstallNetwork,
  IsoInstallRequest,
  IsoInstallResult,
  IsoOsFamily,
  LifecycleEvent,
  NetCountersGap,
  NetworkSummary,
  PoolSummary,
  ServerEvents,
  SnapshotRequest,
  SnapshotSummary,
  StateReason,
  StatsEvent,
  TemplateInfo,
  ValidateResult,
  VolumeSummary,
} from '@virtdeck/server/api';
import type { LOCAL_HOST_ID } from '@virtdeck/server/api';

/** The server's LOCAL_HOST_ID (the browser takes only types from the server; the compiler holds the two equal). */
export const LOCAL_HOST: typeof LOCAL_HOST_ID = 'local';

/** The guest states, from @virtdeck/schema as the server takes them. */
export { GUEST_STATES } from '@virtdeck/schema';
