import type {
  ApiDiagnostic,
  CloneMode,
  CommandLine,
  DefinitionVersion,
  DisplayTicket,
  ErrorBody,
  GuestAction,
  GuestSummary,
  GuestVolume,
  HostInfo,
  LifecycleEvent,
  NetworkSummary,
  SnapshotRequest,
  SnapshotSummary,
  TemplateInfo,
  ValidateResult,
} from './types';
import { LOCAL_HOST } from './types';

/** Where a device change applies, as libvirt's --live / --config. */
export interface DeviceTargets {
  live?: boolean;
  config?: boolean;
}

/** An API failure, carrying the server's `{ code, message, diagnostics?, detail? }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body.message);
    this.name = 'ApiError';
  }

  get diagnostics(): ApiDiagnostic[] {
    return this.body.diagnostics ?? [];
  }
}

/** Turns anything a request throws into one message a person can act on. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.body.detail ? `${error.message}\n${error.body.detail}` : error.message;
  if (error instanceof TypeError) return `The server cannot be reached (${error.message})`;
  return error instanceof Error ? error.message : String(error);
}

type UnauthorizedListener = () => void;
const unauthorizedListeners = new Set<UnauthorizedListener>();

/** Called whenever the server answers 401: the session store shows the sign-in page. */
export function onUnauthorized(listener: UnauthorizedListener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

interface RequestInit {
  body?: string;
  contentType?: string;
  signal?: AbortSignal;
  /** The answer is binary (a screenshot): a Blob when it succeeds. */
  blob?: boolean;
}

/** Tells the session store the server answered 401 (for requests made without `request`, such as uploads). */
export function notifyUnauthorized(): void {
  for (const listener of unauthorizedListeners) listener();
}

export async function request<T>(method: string, url: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(url, {
    method,
    body: init.body,
    headers: init.contentType ? { 'Content-Type': init.contentType } : undefined,
    credentials: 'same-origin',
    signal: init.signal,
  });
  if (response.status === 204) return undefined as T;
  if (init.blob && response.ok) return (await response.blob()) as T;
  const isJson = response.headers.get('content-type')?.includes('application/json') ?? false;
  const payload: unknown = isJson ? await response.json() : await response.text();
  if (!response.ok) {
    if (response.status === 401) notifyUnauthorized();
    const body: ErrorBody = isJson
      ? (payload as ErrorBody)
      : { code: 'internal', message: `${response.status} ${response.statusText}`.trim() };
    throw new ApiError(response.status, body);
  }
  return payload as T;
}

export const xml = (text: string): RequestInit => ({ body: text, contentType: 'application/xml' });
export const json = (value: unknown): RequestInit => ({ body: JSON.stringify(value), contentType: 'application/json' });
/** A guest's routes: the local host's at /api/domains, another host's under /api/hosts/ID. */
const guestUrl = (name: string, rest = '', host: string = LOCAL_HOST) => {
  const base = host === LOCAL_HOST ? '/api' : `/api/hosts/${encodeURIComponent(host)}`;
  return `${base}/domains/${encodeURIComponent(name)}${rest}`;
};

export const api = {
  host: () => request<HostInfo>('GET', '/api/host'),
  listGuests: () => request<GuestSummary[]>('GET', '/api/domains'),
  guest: (name: string) => request<GuestSummary>('GET', guestUrl(name)),
  /** The saved definition; `running` asks for the one the running QEMU was started from. */
  guestXml: (name: string, options: { running?: boolean; signal?: AbortSignal } = {}) =>
    request<string>('GET', guestUrl(name, options.running ? '/xml?running=1' : '/xml'), { signal: options.signal }),
  define: (text: string) => request<GuestSummary>('POST', '/api/domains', xml(text)),
  redefine: (name: string, text: string) => request<GuestSummary>('PUT', guestUrl(name, '/xml'), xml(text)),
  /** Deletes the guest; `volumes` (disk targets) are its pool volumes to delete with it. */
  undefine: (name: string, host?: string, volumes: readonly string[] = []) =>
    request<void>('DELETE', guestUrl(name, volumes.length > 0 ? `?volumes=${volumes.map(encodeURIComponent).join(',')}` : '', host)),
  /** The guest's disks that are volumes of a pool, with the other guests using each. */
  guestVolumes: (name: string, signal?: AbortSignal) => request<GuestVolume[]>('GET', guestUrl(name, '/volumes'), { signal }),
  act: (name: string, action: GuestAction, host?: string) => request<GuestSummary>('POST', guestUrl(name, `/${action}`, host)),
  setTags: (name: string, tags: string[], host?: string) => request<GuestSummary>('PUT', guestUrl(name, '/tags', host), json({ tags })),
  setAutostart: (name: string, autostart: boolean) => request<GuestSummary>('PUT', guestUrl(name, '/autostart'), json({ autostart })),
  commandLine: (name: string, signal?: AbortSignal) => request<CommandLine>('GET', guestUrl(name, '/argv'), { signal }),
  commandLineFor: (text: string) => request<CommandLine>('POST', '/api/argv', xml(text)),
  validate: (text: string, signal?: AbortSignal) => request<ValidateResult>('POST', '/api/validate', { ...xml(text), signal }),
  /** The definitions the guest had before its saves, newest first. */
  history: (name: string, signal?: AbortSignal) => request<DefinitionVersion[]>('GET', guestUrl(name, '/history'), { signal }),
  version: (name: string, id: string, signal?: AbortSignal) => request<string>('GET', guestUrl(name, `/history/${encodeURIComponent(id)}`), { signal }),
  qemuLog: (name: string, signal?: AbortSignal) => request<string>('GET', guestUrl(name, '/qemu-log'), { signal }),
  guestEvents: (name: string, signal?: AbortSignal) => request<LifecycleEvent[]>('GET', guestUrl(name, '/events'), { signal }),
  /** A one-time ticket for the guest's display WebSocket: asked for right before each connection. */
  displayTicket: (name: string) => request<DisplayTicket>('POST', guestUrl(name, '/display-ticket')),
  /** Types the text on the guest's keyboard (US layout), as if typed on its screen. */
  typeText: (name: string, text: string) => request<void>('POST', guestUrl(name, '/type-text'), json({ text })),
  /** What the guest's screen shows now, as a PNG at most `width` pixels wide. */
  screenshot: (name: string, width: number, signal?: AbortSignal) => request<Blob>('GET', guestUrl(name, `/screenshot?width=${width}`), { signal, blob: true }),
  /** Attaches a <disk> or <interface> to the running guest (`live`), its saved definition (`config`) or both. */
  attachDevice: (name: string, deviceXml: string, targets: DeviceTargets) => request<GuestSummary>('POST', guestUrl(name, '/devices'), json({ xml: deviceXml, ...targets })),
  /** Detaches a disk by its target (vdb) or an interface by its MAC. */
  detachDevice: (name: string, selector: { target: string } | { mac: string }, targets: DeviceTargets) => {
    const query = new URLSearchParams('target' in selector ? { target: selector.target } : { mac: selector.mac });
    if (targets.live) query.set('live', '1');
    if (targets.config) query.set('config', '1');
    return request<GuestSummary>('DELETE', guestUrl(name, `/devices?${query.toString()}`));
  },
  /** Puts a file in a CD-ROM or floppy drive, or ejects its medium (`null`). */
  changeMedia: (name: string, target: string, source: string | null, targets: DeviceTargets) =>
    request<GuestSummary>('POST', guestUrl(name, `/disks/${encodeURIComponent(target)}/media`), json({ source, ...targets })),
  snapshots: (name: string, signal?: AbortSignal) => request<SnapshotSummary[]>('GET', guestUrl(name, '/snapshots'), { signal }),
  createSnapshot: (name: string, snapshot: SnapshotRequest) => request<SnapshotSummary>('POST', guestUrl(name, '/snapshots'), json(snapshot)),
  revertSnapshot: (name: string, snapshot: string) => request<GuestSummary>('POST', guestUrl(name, `/snapshots/${encodeURIComponent(snapshot)}/revert`)),
  deleteSnapshot: (name: string, snapshot: string) => request<void>('DELETE', guestUrl(name, `/snapshots/${encodeURIComponent(snapshot)}`)),
  /** Defines a copy of a shut-off guest: `full` copies its disks, `linked` lays overlays on them. */
  clone: (name: string, clone: string, mode: CloneMode) => request<GuestSummary>('POST', guestUrl(name, '/clone'), json({ name: clone, mode })),
  templates: () => request<TemplateInfo[]>('GET', '/api/templates'),
  networks: (signal?: AbortSignal) => request<NetworkSummary[]>('GET', '/api/networks', { signal }),
  instantiateTemplate: (id: string, name: string) => request<{ xml: string }>('POST', `/api/templates/${encodeURIComponent(id)}`, json({ name })),
};
