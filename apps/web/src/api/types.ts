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
import type { GuestState, LOCAL_HOST_ID } from '@virtdeck/server/api';

/** The server's LOCAL_HOST_ID (the browser takes only types from the server; the compiler holds the two equal). */
export const LOCAL_HOST: typeof LOCAL_HOST_ID = 'local';

/** The server's GUEST_STATES in its order (a record, so the compiler checks that every state is here). */
const STATES_IN_ORDER = { shutoff: 0, running: 1, paused: 2, shutdown: 3, crashed: 4, broken: 5 } as const satisfies Record<GuestState, number>;
export const GUEST_STATES = Object.keys(STATES_IN_ORDER) as GuestState[];
