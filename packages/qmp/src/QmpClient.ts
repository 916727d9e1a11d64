import net from 'node:net';
import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { LineFramer } from './LineFramer.js';
import type { FramedLine } from './LineFramer.js';
import { excerpt, parseQmpMessage, serializeCommand } from './protocol.js';
import type { QmpEvent, QmpMessage } from './protocol.js';
import type { QmpEventName, QmpGreeting } from './qapi.js';
import { describeError, QmpError, toQmpError } from './QmpError.js';
import type { QmpArguments, QmpErrorDetails } from './QmpError.js';

/**
 * `idle` (new) → `connecting` (opening the socket) → `handshake` (greeting, `qmp_capabilities`)
 * → `running` (commands allowed) → `closed` (final: a client is used for one connection).
 */
export const QMP_CLIENT_STATES = ['idle', 'connecting', 'handshake', 'running', 'closed'] as const;
export type QmpClientState = (typeof QMP_CLIENT_STATES)[number];

export interface QmpClientOptions {
  /** Time limit of a command when `execute` is given none. Default 10 000 ms. */
  commandTimeoutMs?: number;
  /** Longest line accepted from QEMU; longer ones are dropped and reported. Default 16 MiB. */
  maxLineBytes?: number;
}

export interface QmpConnectOptions {
  /** Time limit for opening the socket (retries included), the greeting and `qmp_capabilities`. Default 5000 ms. */
  timeoutMs?: number;
  /**
   * Keep trying while the socket does not exist yet or refuses connections, until `timeoutMs`
   * has passed: QEMU creates its QMP socket a moment after it starts. Default false.
   */
  retry?: boolean;
  /** Pause between attempts when retrying. Default 20 ms. */
  retryIntervalMs?: number;
  /** Stops connecting (e.g. when the QEMU process has exited meanwhile). */
  signal?: AbortSignal;
}

export type QmpAttachOptions = Pick<QmpConnectOptions, 'timeoutMs' | 'signal'>;

export interface QmpExecuteOptions {
  /**
   * Reject the call with a `timeout` error when no reply came within this time. QEMU may
   * still carry the command out; its late reply is then ignored.
   */
  timeoutMs?: number;
}

export interface QmpWaitForEventOptions<Name extends string> {
  /** Default: the client's command timeout. */
  timeoutMs?: number;
  /** Only an event for which this returns true ends the wait. */
  filter?: (event: QmpEvent<Name>) => boolean;
}

/** Why the connection ended. */
export interface QmpCloseInfo {
  /** True when this side ended it (`close()`, a failed handshake). */
  byClient: boolean;
  reason: string;
  cause?: unknown;
}

/** What a QmpClient reports through `on(name, listener)`. */
export interface QmpClientNotifications {
  /** Every QMP event, in the order QEMU sent them. */
  event: (event: QmpEvent) => void;
  /** Fires exactly once, when the client becomes `closed`, however that happens. */
  close: (info: QmpCloseInfo) => void;
  /** Something QEMU sent could not be understood; the connection goes on. */
  'protocol-error': (error: QmpError) => void;
  /** A listener threw or returned a rejected promise. */
  'listener-error': (error: unknown) => void;
}

/** Event names with autocompletion for the known ones; any other name is accepted too. */
export type QmpEventNameInput = QmpEventName | (string & Record<never, never>);

type AnyListener = (...args: never[]) => unknown;

interface PendingCall {
  command: string;
  args: QmpArguments | undefined;
  resolve: (value: unknown) => void;
  reject: (error: QmpError) => void;
  timer: NodeJS.Timeout;
  /** Runs synchronously when the reply arrives, before any later message of the same chunk. */
  onReturn: (() => void) | undefined;
}

const DEFAULT_COMMAND_TIMEOUT_MS = 10_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
const DEFAULT_RETRY_INTERVAL_MS = 20;
const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;
/** Linux `sockaddr_un.sun_path` is 108 bytes with the final NUL; libuv silently truncates longer paths. */
const MAX_UNIX_SOCKET_PATH_BYTES = 107;
/** Errors that mean "QEMU has not created or opened its socket yet". */
const RETRYABLE_CONNECT_ERRORS: ReadonlySet<string> = new Set(['ENOENT', 'ECONNREFUSED', 'EAGAIN']);
/** setTimeout's limit; longer delays fire at once. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * A client for the QEMU Machine Protocol over a UNIX socket (or any connected stream).
 *
 * Commands carry increasing numeric ids and replies are routed by id, so any number may be in
 * flight. Events go to listeners synchronously as they are read, before any reply that follows
 * them in the stream resolves; listeners are never awaited. On disconnect every pending call
 * is rejected with a `disconnected` error and `close` fires once.
 */
export class QmpClient {
  /** Connects to the QMP socket at `path` and completes the handshake. */
  static async connect(path: string, options: QmpClientOptions & QmpConnectOptions = {}): Promise<QmpClient> {
    const client = new QmpClient(options);
    await client.connect(path, options);
    return client;
  }

  /** Completes the handshake on an already-connected stream. */
  static async attach(socket: Duplex, options: QmpClientOptions & QmpAttachOptions = {}): Promise<QmpClient> {
    const client = new QmpClient(options);
    await client.attach(socket, options);
    return client;
  }

  #state: QmpClientState = 'idle';
  #greeting: QmpGreeting | undefined;
  private socket: Duplex | undefined;
  private readonly framer: LineFramer;
  private readonly maxLineBytes: number;
  private readonly commandTimeoutMs: number;
  private readonly pending = new Map<number, PendingCall>();
  /** Ids of calls that timed out: a late reply to them is expected, not a protocol error. */
  private readonly expired = new Set<number>();
  private nextId = 1;
  private greetingWaiter: { resolve: (greeting: QmpGreeting) => void; reject: (error: QmpError) => void } | undefined;
  private connectAbort: AbortController | undefined;
  private readonly notificationListeners = new Map<keyof QmpClientNotifications, Set<AnyListener>>();
  private readonly eventListeners = new Map<string, Set<AnyListener>>();
  private readonly closedPromise: Promise<QmpCloseInfo>;
  private resolveClosed!: (info: QmpCloseInfo) => void;

  constructor(options: QmpClientOptions = {}) {
    this.commandTimeoutMs = checkTimeout(options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS, 'commandTimeoutMs');
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    if (!Number.isSafeInteger(this.maxLineBytes) || this.maxLineBytes < 1) {
      throw new QmpError('invalid-arguments', `maxLineBytes must be a positive integer, got ${String(options.maxLineBytes)}`);
    }
    this.framer = new LineFramer(this.maxLineBytes);
    this.closedPromise = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
  }

  get state(): QmpClientState {
    return this.#state;
  }

  /** QEMU's greeting (version, capabilities); undefined until it has been read. */
  get greeting(): QmpGreeting | undefined {
    return this.#greeting;
  }

  /** Resolves once the client is closed, with why. */
  get closed(): Promise<QmpCloseInfo> {
    return this.closedPromise;
  }

  /** Opens the UNIX socket at `path`, reads the greeting and negotiates capabilities. */
  async connect(path: string, options: QmpConnectOptions = {}): Promise<QmpGreeting> {
    this.requireIdle('connect');
    const timeoutMs = checkTimeout(options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, 'timeoutMs');
    const retryIntervalMs = checkTimeout(options.retryIntervalMs ?? DEFAULT_RETRY_INTERVAL_MS, 'retryIntervalMs');
    const deadline = performance.now() + timeoutMs;
    const signal = this.startConnecting(options.signal);
    this.#state = 'connecting';
    try {
      if (Buffer.byteLength(path) > MAX_UNIX_SOCKET_PATH_BYTES) {
        throw new QmpError(
          'connect-failed',
          `The QMP socket path is ${Buffer.byteLength(path)} bytes long; UNIX socket paths are limited to ${MAX_UNIX_SOCKET_PATH_BYTES}: ${path}`,
        );
      }
      const socket = await openUnixSocket(path, { deadline, timeoutMs, retry: options.retry ?? false, retryIntervalMs, signal });
      return await this.handshake(socket, deadline, timeoutMs, signal);
    } catch (error) {
      throw this.failConnect(error, `Could not connect to the QMP socket ${path}`);
    } finally {
      this.connectAbort = undefined;
    }
  }

  /** Reads the greeting and negotiates capabilities on an already-connected stream. */
  async attach(socket: Duplex, options: QmpAttachOptions = {}): Promise<QmpGreeting> {
    this.requireIdle('attach');
    const timeoutMs = checkTimeout(options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, 'timeoutMs');
    const signal = this.startConnecting(options.signal);
    try {
      if (socket.destroyed) throw new QmpError('connect-failed', 'The stream is already closed');
      return await this.handshake(socket, performance.now() + timeoutMs, timeoutMs, signal);
    } catch (error) {
      throw this.failConnect(error, 'Could not start QMP on the given stream');
    } finally {
      this.connectAbort = undefined;
    }
  }

  /**
   * Runs a QMP command and resolves with its `return` value. Rejects with `command-failed`
   * (QEMU's `class` and `desc` kept), `timeout`, `disconnected`, `state` (not running) or
   * `invalid-arguments`.
   */
  execute<T = unknown>(command: string, args?: QmpArguments, options: QmpExecuteOptions = {}): Promise<T> {
    if (this.#state !== 'running') {
      return Promise.reject(
        new QmpError('state', `Cannot run QMP command "${command}": ${describeState(this.#state)}`, { command, arguments: args }),
      );
    }
    return this.send(command, args, options.timeoutMs ?? this.commandTimeoutMs) as Promise<T>;
  }

  /** Subscribes to a notification; returns the function that unsubscribes. */
  on<K extends keyof QmpClientNotifications>(name: K, listener: QmpClientNotifications[K]): () => void {
    return subscribe(this.notificationListeners, name, listener);
  }

  off<K extends keyof QmpClientNotifications>(name: K, listener: QmpClientNotifications[K]): void {
    this.notificationListeners.get(name)?.delete(listener);
  }

  /** Subscribes to one event by name, with its data typed for the known events; returns the unsubscriber. */
  onEvent<K extends QmpEventNameInput>(name: K, listener: (event: QmpEvent<K>) => void): () => void {
    return subscribe(this.eventListeners, name, listener);
  }

  /**
   * Resolves with the next event called `name` (passing `filter`, if given). Subscribe before
   * sending the command that causes it: QEMU sends the event before the command's reply.
   */
  waitForEvent<K extends QmpEventNameInput>(name: K, options: QmpWaitForEventOptions<K> = {}): Promise<QmpEvent<K>> {
    if (this.#state === 'closed') {
      return Promise.reject(new QmpError('state', `Cannot wait for event ${name}: ${describeState(this.#state)}`));
    }
    let timeoutMs: number;
    try {
      timeoutMs = checkTimeout(options.timeoutMs ?? this.commandTimeoutMs, 'timeoutMs');
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      const finish = (settle: () => void) => {
        unsubscribeEvent();
        unsubscribeClose();
        clearTimeout(timer);
        settle();
      };
      const unsubscribeEvent = this.onEvent(name, (event) => {
        let wanted: boolean;
        try {
          wanted = options.filter === undefined || options.filter(event);
        } catch (error) {
          finish(() => reject(toQmpError(error, 'invalid-arguments')));
          return;
        }
        if (wanted) finish(() => resolve(event));
      });
      const unsubscribeClose = this.on('close', (info) => {
        finish(() => reject(new QmpError('disconnected', `The QMP connection closed before event ${name} came: ${info.reason}`, { cause: info.cause })));
      });
      const timer = setTimeout(() => {
        finish(() => reject(new QmpError('timeout', `QMP event ${name} did not come within ${timeoutMs} ms`)));
      }, timeoutMs);
    });
  }

  /**
   * Closes the connection: pending calls are rejected with `disconnected`, `close` fires.
   * Resolves once the socket is closed. Safe to call in any state, any number of times.
   */
  async close(): Promise<void> {
    const socket = this.socket;
    this.shutdown({ byClient: true, reason: 'the client closed the connection' });
    if (socket !== undefined && !socket.closed) {
      await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    }
  }

  private requireIdle(operation: string): void {
    if (this.#state !== 'idle') {
      throw new QmpError('state', `Cannot ${operation}: ${describeState(this.#state)}; a QmpClient serves one connection`);
    }
  }

  private startConnecting(signal: AbortSignal | undefined): AbortSignal {
    this.connectAbort = new AbortController();
    return signal === undefined ? this.connectAbort.signal : AbortSignal.any([this.connectAbort.signal, signal]);
  }

  private failConnect(error: unknown, context: string): QmpError {
    const failure =
      error instanceof QmpError && error.code === 'connect-failed'
        ? error
        : new QmpError('connect-failed', `${context}: ${describeError(error)}`, { cause: error });
    this.shutdown({ byClient: true, reason: failure.message, cause: failure });
    return failure;
  }

  private async handshake(socket: Duplex, deadline: number, timeoutMs: number, signal: AbortSignal): Promise<QmpGreeting> {
    if (this.#state === 'closed') {
      socket.destroy();
      throw new QmpError('connect-failed', 'The client was closed while connecting');
    }
    this.socket = socket;
    this.#state = 'handshake';
    socket.on('data', (chunk: Buffer | string) => this.onData(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
    socket.on('end', () => this.shutdown({ byClient: false, reason: 'QEMU closed the QMP connection' }));
    socket.on('close', () => this.shutdown({ byClient: false, reason: 'the QMP socket closed' }));
    // Stays attached for the socket's whole life: an 'error' without a listener would crash the process.
    socket.on('error', (error) => this.shutdown({ byClient: false, reason: `QMP socket error: ${describeError(error)}`, cause: error }));

    this.#greeting = await this.readGreeting(deadline, timeoutMs, signal);
    // Running from the moment the reply is read: an event in the same chunk may have a listener that runs commands.
    await this.send('qmp_capabilities', undefined, remainingMs(deadline), () => {
      this.#state = 'running';
    });
    return this.#greeting;
  }

  private readGreeting(deadline: number, timeoutMs: number, signal: AbortSignal): Promise<QmpGreeting> {
    return new Promise((resolve, reject) => {
      const done = () => {
        this.greetingWaiter = undefined;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        done();
        reject(new QmpError('connect-failed', `Connecting was aborted: ${describeError(signal.reason)}`, { cause: signal.reason }));
      };
      const timer = setTimeout(() => {
        done();
        // QEMU serves one client per monitor; a second one gets no greeting until the first leaves.
        reject(new QmpError('connect-failed', `No QMP greeting within ${timeoutMs} ms (is another client connected to this monitor?)`));
      }, remainingMs(deadline));
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.greetingWaiter = {
        resolve: (greeting) => {
          done();
          resolve(greeting);
        },
        reject: (error) => {
          done();
          reject(error);
        },
      };
    });
  }

  private send(command: string, args: QmpArguments | undefined, timeoutMs: number, onReturn?: () => void): Promise<unknown> {
    const socket = this.socket;
    // The handshake sends after an await, by which time the connection may have ended.
    if (socket === undefined || this.#state === 'closed') {
      return Promise.reject(new QmpError('disconnected', `QMP command "${command}" was not sent: the connection has ended`, { command, arguments: args }));
    }
    let line: string;
    try {
      checkTimeout(timeoutMs, 'timeoutMs', { command, arguments: args });
      line = serializeCommand(command, args, this.nextId);
    } catch (error) {
      return Promise.reject(toQmpError(error, 'invalid-arguments', { command, arguments: args }));
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.expired.add(id);
        reject(new QmpError('timeout', `QMP command "${command}" got no reply within ${timeoutMs} ms`, { command, arguments: args }));
      }, timeoutMs);
      this.pending.set(id, { command, args, resolve, reject, timer, onReturn });
      socket.write(line);
    });
  }

  private onData(chunk: Buffer): void {
    for (const framed of this.framer.push(chunk)) {
      // A listener may have closed the client part-way through a chunk.
      if (this.#state === 'closed') return;
      if (framed.kind === 'oversized') this.onOversizedLine(framed);
      else this.onLine(framed.text);
    }
  }

  private onLine(text: string): void {
    let message: QmpMessage;
    try {
      message = parseQmpMessage(text);
    } catch (error) {
      const problem = toQmpError(error, 'protocol');
      if (this.greetingWaiter === undefined) this.onProtocolError(problem);
      else this.greetingWaiter.reject(new QmpError('connect-failed', `Expected the QMP greeting: ${problem.message}`, { cause: problem }));
      return;
    }
    if (this.greetingWaiter !== undefined) {
      if (message.kind === 'greeting') this.greetingWaiter.resolve(message.greeting);
      else this.greetingWaiter.reject(new QmpError('connect-failed', `Expected the QMP greeting, got: ${excerpt(text)}`));
      return;
    }
    switch (message.kind) {
      case 'greeting':
        this.onProtocolError(new QmpError('protocol', `QEMU sent a second greeting: ${excerpt(text)}`));
        return;
      case 'event':
        this.dispatchEvent(message.event);
        return;
      case 'return':
      case 'error':
        this.onReply(message);
        return;
      default: {
        const unhandled: never = message;
        throw new Error(`unhandled QMP message ${JSON.stringify(unhandled)}`);
      }
    }
  }

  private onReply(message: Extract<QmpMessage, { kind: 'return' | 'error' }>): void {
    const { id } = message;
    const call = typeof id === 'number' ? this.pending.get(id) : undefined;
    if (call === undefined) {
      if (typeof id === 'number' && this.expired.delete(id)) return;
      const qemuError = message.kind === 'error' ? { class: message.class, desc: message.desc } : {};
      const what = message.kind === 'error' ? `an error (${message.class}: ${message.desc})` : 'a reply';
      const problem =
        id === undefined
          ? `QEMU sent ${what} without an id, so it belongs to no command`
          : `QEMU sent ${what} with id ${JSON.stringify(id)}, which matches no pending command`;
      this.onProtocolError(new QmpError('protocol', problem, qemuError));
      return;
    }
    this.pending.delete(id as number);
    clearTimeout(call.timer);
    if (message.kind === 'return') {
      call.onReturn?.();
      call.resolve(message.value);
    } else {
      call.reject(
        new QmpError('command-failed', `QMP command "${call.command}" failed: ${message.class}: ${message.desc}`, {
          command: call.command,
          arguments: call.args,
          class: message.class,
          desc: message.desc,
        }),
      );
    }
  }

  /** A line over the cap was dropped; if its id can be read from its edges, fail that call now rather than at its timeout. */
  private onOversizedLine(line: Extract<FramedLine, { kind: 'oversized' }>): void {
    const problem = `QEMU sent a line of ${line.bytes} bytes, over the limit of ${this.maxLineBytes} bytes`;
    if (this.greetingWaiter !== undefined) {
      this.greetingWaiter.reject(new QmpError('connect-failed', `${problem} instead of the greeting`));
      return;
    }
    const id = Number((/^\{\s*"id"\s*:\s*(\d+)\s*,/.exec(line.head) ?? /[,{]\s*"id"\s*:\s*(\d+)\s*\}\s*$/.exec(line.tail))?.[1]);
    const call = this.pending.get(id);
    if (call === undefined) {
      this.onProtocolError(new QmpError('protocol', problem));
      return;
    }
    this.pending.delete(id);
    clearTimeout(call.timer);
    call.reject(
      new QmpError('protocol', `The reply to QMP command "${call.command}" was dropped: ${problem}`, {
        command: call.command,
        arguments: call.args,
      }),
    );
  }

  private onProtocolError(error: QmpError): void {
    if (!this.notify('protocol-error', error)) process.emitWarning(error.message, 'QmpProtocolWarning');
  }

  private dispatchEvent(event: QmpEvent): void {
    this.notify('event', event);
    for (const listener of [...(this.eventListeners.get(event.event) ?? [])]) this.callListener(listener, [event]);
  }

  /** Calls the listeners of a notification; false when there were none. */
  private notify<K extends keyof QmpClientNotifications>(name: K, ...args: Parameters<QmpClientNotifications[K]>): boolean {
    const listeners = this.notificationListeners.get(name);
    if (listeners === undefined || listeners.size === 0) return false;
    for (const listener of [...listeners]) this.callListener(listener, args);
    return true;
  }

  /** A failing listener must not stop the others or the reading of the stream. */
  private callListener(listener: AnyListener, args: unknown[]): void {
    try {
      const result = (listener as (...a: unknown[]) => unknown)(...args);
      if (isPromiseLike(result)) result.then(undefined, (error: unknown) => this.onListenerError(error));
    } catch (error) {
      this.onListenerError(error);
    }
  }

  private onListenerError(error: unknown): void {
    const listeners = [...(this.notificationListeners.get('listener-error') ?? [])];
    if (listeners.length === 0) {
      process.emitWarning(`A QmpClient listener failed: ${describeError(error)}`, 'QmpListenerWarning');
      return;
    }
    for (const listener of listeners) {
      try {
        (listener as QmpClientNotifications['listener-error'])(error);
      } catch (reportError) {
        // Reporting through listener-error again could loop forever.
        process.emitWarning(`A QmpClient listener-error listener failed: ${describeError(reportError)}`, 'QmpListenerWarning');
      }
    }
  }

  /** The one way into `closed`: rejects everything waiting, tells the listeners once. */
  private shutdown(info: QmpCloseInfo): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    // Before the abort below, so that a handshake in progress fails with this reason.
    this.greetingWaiter?.reject(new QmpError('connect-failed', `The connection ended before the QMP greeting: ${info.reason}`, { cause: info.cause }));
    this.connectAbort?.abort(new Error(info.reason));
    this.socket?.destroy();
    const calls = [...this.pending.values()];
    this.pending.clear();
    this.expired.clear();
    for (const call of calls) {
      clearTimeout(call.timer);
      call.reject(
        new QmpError('disconnected', `QMP command "${call.command}" got no reply: ${info.reason}`, {
          command: call.command,
          arguments: call.args,
          cause: info.cause,
        }),
      );
    }
    this.notify('close', info);
    this.resolveClosed(info);
  }
}

async function openUnixSocket(
  path: string,
  options: { deadline: number; timeoutMs: number; retry: boolean; retryIntervalMs: number; signal: AbortSignal },
): Promise<net.Socket> {
  let lastError: unknown;
  for (;;) {
    if (options.signal.aborted) {
      throw new QmpError('connect-failed', `Connecting to ${path} was aborted: ${describeError(options.signal.reason)}`, {
        cause: options.signal.reason,
      });
    }
    const remaining = options.deadline - performance.now();
    if (remaining <= 0) {
      const last = lastError === undefined ? '' : ` (last error: ${describeError(lastError)})`;
      throw new QmpError('connect-failed', `Could not connect to the QMP socket ${path} within ${options.timeoutMs} ms${last}`, {
        cause: lastError,
      });
    }
    try {
      return await connectOnce(path, remaining, options.timeoutMs, options.signal);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (!options.retry || code === undefined || !RETRYABLE_CONNECT_ERRORS.has(code)) throw error;
      lastError = error;
    }
    await sleep(Math.min(options.retryIntervalMs, Math.max(0, options.deadline - performance.now())), undefined, {
      signal: options.signal,
    }).catch(() => undefined);
  }
}

function connectOnce(path: string, remainingMs: number, timeoutMs: number, signal: AbortSignal): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection({ path });
    const settle = (error?: unknown) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.off('error', settle);
      socket.off('connect', onConnect);
      if (error === undefined) {
        resolve(socket);
      } else {
        socket.destroy();
        reject(error);
      }
    };
    const onConnect = () => settle();
    const onAbort = () =>
      settle(new QmpError('connect-failed', `Connecting to ${path} was aborted: ${describeError(signal.reason)}`, { cause: signal.reason }));
    const timer = setTimeout(
      () => settle(new QmpError('connect-failed', `Could not connect to the QMP socket ${path} within ${timeoutMs} ms`)),
      remainingMs,
    );
    socket.once('connect', onConnect);
    socket.once('error', settle);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function subscribe<K>(registry: Map<K, Set<AnyListener>>, name: K, listener: AnyListener): () => void {
  let listeners = registry.get(name);
  if (listeners === undefined) {
    listeners = new Set();
    registry.set(name, listeners);
  }
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

function checkTimeout(value: number, name: string, details: QmpErrorDetails = {}): number {
  if (!Number.isFinite(value) || value <= 0 || value > MAX_TIMEOUT_MS) {
    throw new QmpError(
      'invalid-arguments',
      `${name} must be a number of milliseconds between 1 and ${MAX_TIMEOUT_MS}, got ${String(value)}`,
      details,
    );
  }
  return value;
}

function describeState(state: QmpClientState): string {
  switch (state) {
    case 'idle':
      return 'the client is not connected (call connect() or attach() first)';
    case 'connecting':
    case 'handshake':
      return 'the client is still connecting';
    case 'running':
      return 'the client is connected';
    case 'closed':
      return 'the client is closed';
    default: {
      const unknownState: never = state;
      return `the client is in state ${String(unknownState)}`;
    }
  }
}

/** Whole milliseconds left until `deadline` (a performance.now() time), at least 1. */
function remainingMs(deadline: number): number {
  return Math.max(1, Math.ceil(deadline - performance.now()));
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
