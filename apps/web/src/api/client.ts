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
  HostSummary,
  IsoInstallRequest,
  IsoInstallResult,
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
/** A host's routes: the local host's at /api, another host's under /api/hosts/ID. */
export const hostUrl = (host: string, rest: string): string => `${host === LOCAL_HOST ? '/api' : `/api/hosts/${encodeURIComponent(host)}`}${rest}`;
/** A guest's routes: the local host's at /api/domains, another host's under /api/hosts/ID/domains. */
export const guestUrl = (host: string, name: string, rest = ''): string => hostUrl(host, `/domains/${encodeURIComponent(name)}${rest}`);
/** A guest's WebSocket (`console`, `display`) on the page's own server. */
export const guestSocketUrl = (host: string, name: string, socket: 'console' | 'display', page: Pick<Location, 'protocol' | 'host'> = location): string =>
  `${page.protocol === 'https:' ? 'wss' : 'ws'}://${page.host}${guestUrl(host, name, `/${socket}`)}`;

/**
 * The API. A guest is named by its host and its name: every guest call goes to that host's
 * routes. Definitions are checked and previewed by the host they are for.
 */
export const api = {
  host: (host: string = LOCAL_HOST) => request<HostInfo>('GET', hostUrl(host, '/host')),
  listGuests: () => request<GuestSummary[]>('GET', '/api/domains'),
  guest: (host: string, name: string) => request<GuestSummary>('GET', guestUrl(host, name)),
  /** The saved definition; `running` asks for the one the running QEMU was started from. */
  guestXml: (host: string, name: string, options: { running?: boolean; signal?: AbortSignal } = {}) =>
    request<string>('GET', guestUrl(host, name, options.running ? '/xml?running=1' : '/xml'), { signal: options.signal }),
  define: (text: string) => request<GuestSummary>('POST', '/api/domains', xml(text)),
  redefine: (host: string, name: string, text: string) => request<GuestSummary>('PUT', guestUrl(host, name, '/xml'), xml(text)),
  /** Deletes the guest; `volumes` (disk targets) are its pool volumes to delete with it. */
  undefine: (host: string, name: string, volumes: readonly string[] = []) =>
    request<void>('DELETE', guestUrl(host, name, volumes.length > 0 ? `?volumes=${volumes.map(encodeURIComponent).join(',')}` : '')),
  /** The guest's disks that are volumes of a pool, with the other guests using each. */
  guestVolumes: (host: string, name: string, signal?: AbortSignal) => request<GuestVolume[]>('GET', guestUrl(host, name, '/volumes'), { signal }),
  act: (host: string, name: string, action: GuestAction) => request<GuestSummary>('POST', guestUrl(host, name, `/${action}`)),
  /** Takes a libvirt guest's serial console from the client that holds it (virsh console --force). */
  takeOverConsole: (host: string, name: string) => request<void>('POST', guestUrl(host, name, '/console/take-over')),
  /** A shut-off guest to another host, its definition and its disks; or `live`, a running one between two libvirt hosts (POST …/move). */
  move: (host: string, name: string, to: string, live = false) => request<GuestSummary>('POST', guestUrl(host, name, '/move'), json(live ? { to, live } : { to })),
  setTags: (host: string, name: string, tags: string[]) => request<GuestSummary>('PUT', guestUrl(host, name, '/tags'), json({ tags })),
  setAutostart: (host: string, name: string, autostart: boolean) => request<GuestSummary>('PUT', guestUrl(host, name, '/autostart'), json({ autostart })),
  commandLine: (host: string, name: string, signal?: AbortSignal) => request<CommandLine>('GET', guestUrl(host, name, '/argv'), { signal }),
  commandLineFor: (host: string, text: string, signal?: AbortSignal) => request<CommandLine>('POST', hostUrl(host, '/argv'), { ...xml(text), signal }),
  validate: (host: string, text: string, signal?: AbortSignal) => request<ValidateResult>('POST', hostUrl(host, '/validate'), { ...xml(text), signal }),
  /** The definitions the guest had before its saves, newest first. */
  history: (host: string, name: string, signal?: AbortSignal) => request<DefinitionVersion[]>('GET', guestUrl(host, name, '/history'), { signal }),
  version: (host: string, name: string, id: string, signal?: AbortSignal) => request<string>('GET', guestUrl(host, name, `/history/${encodeURIComponent(id)}`), { signal }),
  qemuLog: (host: string, name: string, signal?: AbortSignal) => request<string>('GET', guestUrl(host, name, '/qemu-log'), { signal }),
  guestEvents: (host: string, name: string, signal?: AbortSignal) => request<LifecycleEvent[]>('GET', guestUrl(host, name, '/events'), { signal }),
  /** A one-time ticket for the guest's display WebSocket: asked for right before each connection. */
  displayTicket: (host: string, name: string) => request<DisplayTicket>('POST', guestUrl(host, name, '/display-ticket')),
  /** Types the text on the guest's keyboard (US layout), as if typed on its screen. */
  typeText: (host: string, name: string, text: string) => request<void>('POST', guestUrl(host, name, '/type-text'), json({ text })),
  /** What the guest's screen shows now, as a PNG at most `width` pixels wide. */
  screenshot: (host: string, name: string, width: number, signal?: AbortSignal) => request<Blob>('GET', guestUrl(host, name, `/screenshot?width=${width}`), { signal, blob: true }),
  // Hot-plug, media, snapshots and clones are the local host's guests' for now (libvirt hosts: issue 13 item 5 and later).
  /** Attaches a <disk> or <interface> to the running guest (`live`), its saved definition (`config`) or both. */
  attachDevice: (name: string, deviceXml: string, targets: DeviceTargets) => request<GuestSummary>('POST', guestUrl(LOCAL_HOST, name, '/devices'), json({ xml: deviceXml, ...targets })),
  /** Detaches a disk by its target (vdb) or an interface by its MAC. */
  detachDevice: (name: string, selector: { target: string } | { mac: string }, targets: DeviceTargets) => {
    const query = new URLSearchParams('target' in selector ? { target: selector.target } : { mac: selector.mac });
    if (targets.live) query.set('live', '1');
    if (targets.config) query.set('config', '1');
    return request<GuestSummary>('DELETE', guestUrl(LOCAL_HOST, name, `/devices?${query.toString()}`));
  },
  /** Puts a file in a CD-ROM or floppy drive, or ejects its medium (`null`). */
  changeMedia: (name: string, target: string, source: string | null, targets: DeviceTargets) =>
    request<GuestSummary>('POST', guestUrl(LOCAL_HOST, name, `/disks/${encodeURIComponent(target)}/media`), json({ source, ...targets })),
  snapshots: (name: string, signal?: AbortSignal) => request<SnapshotSummary[]>('GET', guestUrl(LOCAL_HOST, name, '/snapshots'), { signal }),
  createSnapshot: (name: string, snapshot: SnapshotRequest) => request<SnapshotSummary>('POST', guestUrl(LOCAL_HOST, name, '/snapshots'), json(snapshot)),
  revertSnapshot: (name: string, snapshot: string) => request<GuestSummary>('POST', guestUrl(LOCAL_HOST, name, `/snapshots/${encodeURIComponent(snapshot)}/revert`)),
  deleteSnapshot: (name: string, snapshot: string) => request<void>('DELETE', guestUrl(LOCAL_HOST, name, `/snapshots/${encodeURIComponent(snapshot)}`)),
  /** Defines a copy of a shut-off guest: `full` copies its disks, `linked` lays overlays on them. */
  clone: (name: string, clone: string, mode: CloneMode) => request<GuestSummary>('POST', guestUrl(LOCAL_HOST, name, '/clone'), json({ name: clone, mode })),
  /** Adds a libvirt connection (`qemu:///system`, `qemu+ssh://user@host/system`); it connects in the background. */
  addHost: (id: string, uri: string) => request<HostSummary>('POST', '/api/hosts', json({ id, uri })),
  /** Stops following a host; its guests are untouched. */
  removeHost: (id: string) => request<void>('DELETE', `/api/hosts/${encodeURIComponent(id)}`),
  templates: () => request<TemplateInfo[]>('GET', '/api/templates'),
  networks: (signal?: AbortSignal) => request<NetworkSummary[]>('GET', '/api/networks', { signal }),
  instantiateTemplate: (id: string, name: string) => request<{ xml: string }>('POST', `/api/templates/${encodeURIComponent(id)}`, json({ name })),
  /** The definition of a guest that installs from an ISO volume; its new disk is made when it is defined. */
  isoInstall: (install: IsoInstallRequest) => request<IsoInstallResult>('POST', '/api/templates/iso', json(install)),
};
