/**
 * The API's JSON, from the server's own declarations (type-only: no server code reaches
 * the browser). One place to import them from inside the web app.
 */
export type {
  ApiDiagnostic,
  CommandLine,
  DefinitionVersion,
  Diagnostic,
  ErrorBody,
  ErrorCode,
  GuestAction,
  GuestState,
  GuestStats,
  GuestSummary,
  HostAccelerator,
  HostInfo,
  LifecycleEvent,
  ServerEvents,
  StateReason,
  StatsEvent,
  TemplateInfo,
  ValidateResult,
} from '@virtdeck/server/api';
