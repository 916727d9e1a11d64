import type { Diagnostic } from '@virtdeck/schema';
import type { editor } from 'monaco-editor/editor/editor.api';
import { api, ApiError, errorMessage } from '../api/client';
import { LOCAL_HOST, type ApiDiagnostic, type HostInfo } from '../api/types';
import { toEditOperations, toMarker } from '../monaco/convert';
import type { Monaco } from '../monaco/setup';
import type { DomainForm, FormChange } from './domainForm';
import type { CommandLinePreview, CompletionEntry, EmulatorChoices, HoverResult, WorkerRequest, WorkerResults, WorkerRole } from './protocol';
import { mergeDiagnostics } from './mergeDiagnostics';
import { SchemaWorkerClient, StaleRequestError, type Notification, type WorkerEndpoint } from './SchemaWorkerClient';

/** Marker owners: the worker's own checks, the server's (host checks), and a rejected save. */
export const MARKER_OWNERS = { local: 'virtdeck', server: 'virtdeck-host', rejected: 'virtdeck-save' } as const;

/** Host checks ask the server: wait until typing pauses. Local checks never wait. */
const SERVER_CHECK_DELAY_MS = 600;

export interface EditorSnapshot {
  /** Model version of the newest local result. */
  version: number;
  diagnostics: Diagnostic[];
  /** Host checks by the server (POST …/validate of the definition's host), one per problem with `diagnostics` (mergeDiagnostics). */
  serverDiagnostics: ApiDiagnostic[];
  serverCheck: 'pending' | 'done' | 'failed';
  /** Diagnostics of a save the server refused, until the text changes. */
  rejected: ApiDiagnostic[];
  form: DomainForm | null;
  commandLine: CommandLinePreview | { error: string } | null;
  /** What the machine and CPU pickers offer. */
  emulator: EmulatorChoices | null;
  /** The text differs from the last saved (or loaded) one. */
  dirty: boolean;
  /** Time the worker took for the newest result. */
  validateMs?: number;
}

export interface EditorSessionOptions {
  /** Model URI: one model per guest (`virtdeck:/guest/NAME.xml`) or draft. */
  uri: string;
  text: string;
  host: HostInfo | null;
  /**
   * The host the definition is for (the local one when absent): the server checks it against
   * that host. Another host's command line comes from the server too (libvirt's own), once
   * typing pauses; the local one's is built in a worker on every change.
   */
  hostId?: string;
  createWorker: (role: WorkerRole) => WorkerEndpoint;
}

const sessions = new Map<string, EditorSession>();

/** The session behind a Monaco model, for the language providers (one registration serves all editors). */
export function sessionFor(model: editor.ITextModel): EditorSession | undefined {
  return sessions.get(model.uri.toString());
}

const sameDiagnostic = (a: ApiDiagnostic, b: ApiDiagnostic) => a.code === b.code && a.range.start.offset === b.range.start.offset && a.message === b.message;

/**
 * One document being edited: the Monaco model, the schema worker that checks it on every
 * change, the server's host checks once typing pauses, and what the form and the command
 * line preview show. React reads it through `subscribe`/`getSnapshot`.
 */
export class EditorSession {
  readonly model: editor.ITextModel;
  private client?: SchemaWorkerClient;
  private preview?: SchemaWorkerClient;
  private host: HostInfo | null;
  private readonly hostId: string;
  private readonly started: Promise<void>;
  private onStarted!: () => void;
  private readonly createWorker: (role: WorkerRole) => WorkerEndpoint;
  private startTimer?: ReturnType<typeof setTimeout>;
  private readonly listeners = new Set<() => void>();
  private snapshot: EditorSnapshot;
  private savedVersion: number;
  private serverTimer?: ReturnType<typeof setTimeout>;
  private serverAbort?: AbortController;
  /** What each source said last, for which text version (the snapshot shows them merged). */
  private reported: { local: Diagnostic[]; localVersion: number; server: ApiDiagnostic[]; serverVersion: number } = { local: [], localVersion: -1, server: [], serverVersion: -1 };
  private readonly disposables: { dispose(): void }[] = [];
  private readonly settledWaiters: (() => void)[] = [];
  private notifyScheduled = false;
  /** The text when the session closed with unsaved changes, so a page can keep it as a draft. */
  unsavedTextAtClose?: string;

  constructor(
    private readonly monaco: Monaco,
    options: EditorSessionOptions,
  ) {
    const uri = monaco.Uri.parse(options.uri);
    monaco.editor.getModel(uri)?.dispose();
    this.model = monaco.editor.createModel(options.text, 'xml', uri);
    this.model.updateOptions({ tabSize: 2, insertSpaces: true });
    this.savedVersion = this.model.getAlternativeVersionId();
    this.snapshot = {
      version: 0,
      diagnostics: [],
      serverDiagnostics: [],
      serverCheck: 'pending',
      rejected: [],
      form: null,
      commandLine: null,
      emulator: null,
      dirty: false,
    };
    this.host = options.host;
    this.hostId = options.hostId ?? LOCAL_HOST;
    sessions.set(this.model.uri.toString(), this);
    this.disposables.push(this.model.onDidChangeContent(() => this.onChange()));
    this.createWorker = options.createWorker;
    this.started = new Promise((resolve) => (this.onStarted = resolve));
  }

  /**
   * Starts the checks once the editor showing this model has drawn its first frame (XmlEditor
   * calls it): the worker's script would otherwise compete with Monaco's start for the two
   * cores, before anyone can type. The command line preview's worker follows the first
   * diagnostics. Later calls do nothing.
   */
  start(): void {
    if (this.startTimer !== undefined || this.client) return;
    this.startTimer = setTimeout(() => {
      if (this.model.isDisposed()) return;
      performance.mark('virtdeck:workers');
      this.client = new SchemaWorkerClient(this.createWorker('checks'), (message) => this.onWorker(message));
      this.setHost(this.host);
      this.sync();
      this.onStarted();
    }, 0);
  }

  /** The local host's command line, built in a worker of its own on every change (another host's comes from the server). */
  private startPreview(): void {
    if (this.preview || this.hostId !== LOCAL_HOST || this.model.isDisposed()) return;
    this.preview = new SchemaWorkerClient(this.createWorker('preview'), (message) => this.onWorker(message));
    this.preview.setHost(this.host);
    this.preview.update(this.model.getVersionId(), this.model.getValue());
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): EditorSnapshot => this.snapshot;

  get text(): string {
    return this.model.getValue();
  }

  setHost(host: HostInfo | null): void {
    this.host = host;
    this.client?.setHost(host);
    this.preview?.setHost(host);
  }

  /** The text now in the editor is what is saved: it is no longer "dirty". */
  markSaved(): void {
    this.savedVersion = this.model.getAlternativeVersionId();
    this.update({ dirty: false });
  }

  /** A text that exists nowhere else yet (a new guest): leaving it should ask. */
  markUnsaved(): void {
    this.savedVersion = -1;
    this.update({ dirty: true });
  }

  /** Replaces the whole text (a template, a reload) as one undoable edit. */
  replaceText(text: string, options: { saved?: boolean } = {}): void {
    this.model.pushEditOperations([], [{ range: this.model.getFullModelRange(), text }], () => null);
    if (options.saved) this.markSaved();
  }

  /** Shows a refused save's diagnostics at their lines until the text changes. */
  showRejected(diagnostics: ApiDiagnostic[]): void {
    this.monaco.editor.setModelMarkers(
      this.model,
      MARKER_OWNERS.rejected,
      diagnostics.map((d) => toMarker(this.monaco, d, 'server (save refused)')),
    );
    this.update({ rejected: diagnostics });
  }

  /** Local and server diagnostics together, for the problems list and quick fixes. */
  allDiagnostics(): ApiDiagnostic[] {
    const { diagnostics, serverDiagnostics, rejected } = this.snapshot;
    return [...diagnostics, ...serverDiagnostics, ...rejected.filter((r) => !diagnostics.some((d) => sameDiagnostic(d, r)))];
  }

  /** True while the newest local result belongs to the text in the editor. */
  get current(): boolean {
    return this.snapshot.version === this.model.getVersionId();
  }

  /** Resolves once the local checks have caught up with the text in the editor. */
  settled(): Promise<EditorSnapshot> {
    if (this.current) return Promise.resolve(this.snapshot);
    return new Promise((resolve) => this.settledWaiters.push(() => resolve(this.snapshot)));
  }

  async complete(offset: number): Promise<CompletionEntry[]> {
    return this.ask({ kind: 'complete', offset }, []);
  }

  async hover(offset: number): Promise<HoverResult | null> {
    return this.ask({ kind: 'hover', offset }, null);
  }

  async formatEdits(): Promise<WorkerResults['format']> {
    return this.ask({ kind: 'format' }, []);
  }

  /**
   * A form change becomes a minimal text edit, computed by the worker on the newest text
   * and applied as one undoable step. Typing in between makes the answer stale: ask again.
   */
  async applyFormChange(change: FormChange): Promise<void> {
    await this.started;
    for (let attempt = 0; attempt < 3; attempt++) {
      const version = this.model.getVersionId();
      try {
        const edits = await this.client!.request(version, { kind: 'form-edit', change });
        if (this.model.getVersionId() !== version) continue;
        if (edits.length === 0) return;
        this.model.pushStackElement();
        this.model.pushEditOperations([], toEditOperations(edits), () => null);
        this.model.pushStackElement();
        return;
      } catch (error) {
        if (!(error instanceof StaleRequestError)) throw error;
      }
    }
    throw new Error('The text kept changing while the form change was being applied; try again');
  }

  dispose(): void {
    if (this.snapshot.dirty) this.unsavedTextAtClose = this.model.getValue();
    clearTimeout(this.serverTimer);
    this.serverAbort?.abort();
    for (const d of this.disposables) d.dispose();
    clearTimeout(this.startTimer);
    this.client?.dispose();
    this.preview?.dispose();
    for (const wake of this.settledWaiters.splice(0)) wake();
    sessions.delete(this.model.uri.toString());
    this.model.dispose();
    this.listeners.clear();
  }

  private async ask<K extends WorkerRequest['kind']>(request: Extract<WorkerRequest, { kind: K }>, fallback: WorkerResults[K]): Promise<WorkerResults[K]> {
    if (!this.client) return fallback;
    try {
      return await this.client.request(this.model.getVersionId(), request);
    } catch (error) {
      if (error instanceof StaleRequestError) return fallback;
      throw error;
    }
  }

  private onChange(): void {
    const dirty = this.model.getAlternativeVersionId() !== this.savedVersion;
    if (this.snapshot.rejected.length > 0) {
      this.monaco.editor.setModelMarkers(this.model, MARKER_OWNERS.rejected, []);
      this.update({ rejected: [], dirty });
    } else if (dirty !== this.snapshot.dirty) this.update({ dirty });
    this.sync();
  }

  /** Every change goes to the worker at once; the server check waits for a pause. */
  private sync(): void {
    if (this.client) {
      const version = this.model.getVersionId();
      const text = this.model.getValue();
      this.client.update(version, text);
      this.preview?.update(version, text);
    }
    clearTimeout(this.serverTimer);
    this.serverAbort?.abort();
    this.serverTimer = setTimeout(() => void this.checkOnServer(), SERVER_CHECK_DELAY_MS);
  }

  private async checkOnServer(): Promise<void> {
    const version = this.model.getVersionId();
    const abort = new AbortController();
    this.serverAbort = abort;
    this.update({ serverCheck: 'pending' });
    const text = this.model.getValue();
    if (this.hostId !== LOCAL_HOST) void this.previewOnServer(text, version, abort.signal);
    try {
      const result = await api.validate(this.hostId, text, abort.signal);
      if (abort.signal.aborted || this.model.getVersionId() !== version) return;
      this.setServerDiagnostics(result.diagnostics);
      this.update({ serverCheck: 'done' });
    } catch (error) {
      if (abort.signal.aborted) return;
      // 422 carries diagnostics too (some servers answer an invalid text that way).
      if (error instanceof ApiError && error.diagnostics.length > 0 && this.model.getVersionId() === version) {
        this.setServerDiagnostics(error.diagnostics);
        this.update({ serverCheck: 'done' });
      } else this.update({ serverCheck: 'failed' });
    }
  }

  /** Another host's command line for the text: libvirt's own where it gives one. */
  private async previewOnServer(text: string, version: number, signal: AbortSignal): Promise<void> {
    let commandLine: CommandLinePreview | { error: string };
    try {
      const { argv, line, diagnostics, builtBy, note } = await api.commandLineFor(this.hostId, text, signal);
      commandLine = { argv, line, diagnostics, builtBy, ...(note !== undefined ? { note } : {}) };
    } catch (error) {
      // An invalid text has no command line; its errors are in the problems list already.
      commandLine = { error: error instanceof ApiError && error.diagnostics.length > 0 ? 'the definition has errors' : errorMessage(error) };
    }
    if (signal.aborted || this.model.isDisposed() || this.model.getVersionId() !== version) return;
    this.update({ commandLine }, { afterPaint: true });
  }

  private setServerDiagnostics(all: ApiDiagnostic[]): void {
    this.reported = { ...this.reported, server: all, serverVersion: this.model.getVersionId() };
    this.showDiagnostics();
  }

  /** Markers and lists from both sources, one per problem (mergeDiagnostics). */
  private showDiagnostics(patch: Partial<EditorSnapshot> = {}): void {
    const { local, server, localVersion, serverVersion } = this.reported;
    const merged = mergeDiagnostics(local, server, localVersion === serverVersion);
    this.monaco.editor.setModelMarkers(this.model, MARKER_OWNERS.local, merged.local.map((d) => toMarker(this.monaco, d, 'virtdeck')));
    this.monaco.editor.setModelMarkers(this.model, MARKER_OWNERS.server, merged.server.map((d) => toMarker(this.monaco, d, 'host check')));
    this.update({ ...patch, diagnostics: merged.local, serverDiagnostics: merged.server }, { afterPaint: true });
  }

  private onWorker(message: Notification): void {
    // A result for an older text would put markers in the wrong places: the newer one is coming.
    if (this.model.isDisposed() || message.version !== this.model.getVersionId()) return;
    if (message.type === 'diagnostics') {
      if (this.snapshot.validateMs === undefined) {
        performance.mark('virtdeck:diagnostics');
        this.startPreview();
      }
      this.reported = { ...this.reported, local: message.diagnostics, localVersion: message.version };
      this.showDiagnostics({ version: message.version, validateMs: message.elapsedMs });
      for (const wake of this.settledWaiters.splice(0)) wake();
    } else if (message.type === 'derived') {
      this.update({ form: message.form, ...(message.emulator !== undefined ? { emulator: message.emulator } : {}) }, { afterPaint: true });
    } else {
      this.update({ commandLine: message.commandLine }, { afterPaint: true });
    }
  }

  private update(patch: Partial<EditorSnapshot>, options: { afterPaint?: boolean } = {}): void {
    this.snapshot = { ...this.snapshot, ...patch };
    if (!options.afterPaint) {
      this.notify();
      return;
    }
    // Results from the workers re-render the toolbar, form and preview: let the browser paint
    // the markers (already set on the model) first, then bring React up to date.
    if (this.notifyScheduled) return;
    this.notifyScheduled = true;
    requestAnimationFrame(() =>
      setTimeout(() => {
        this.notifyScheduled = false;
        this.notify();
      }, 0),
    );
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}
