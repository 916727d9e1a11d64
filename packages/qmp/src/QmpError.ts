/** Every way a QMP interaction can fail; declared once, used by the client and by callers' switches. */
export const QMP_ERROR_CODES = [
  /** The socket could not be opened, or the greeting / `qmp_capabilities` handshake failed. */
  'connect-failed',
  /** A command got no reply (or an awaited event did not come) within its time limit. */
  'timeout',
  /** The connection went away while a command was waiting for its reply. */
  'disconnected',
  /** QEMU sent something that is not valid QMP (garbage, an oversized line, a reply to no command). */
  'protocol',
  /** QEMU answered the command with an error; `class` and `desc` say which. */
  'command-failed',
  /** The client is not in a state that allows the call (not connected yet, or closed). */
  'state',
  /** The caller passed something that cannot be sent (arguments that are not JSON, a bad timeout). */
  'invalid-arguments',
] as const;

export type QmpErrorCode = (typeof QMP_ERROR_CODES)[number];

export type QmpArguments = Record<string, unknown>;

export interface QmpErrorDetails {
  /** The QMP command this error is about, when there is one. */
  command?: string;
  /** The arguments sent with that command. */
  arguments?: QmpArguments;
  /** QEMU's error class (`CommandNotFound`, `GenericError`, `DeviceNotActive`, …). */
  class?: string;
  /** QEMU's human-readable error description. */
  desc?: string;
  cause?: unknown;
}

/** The single error type of @virtdeck/qmp: a closed `code`, plus what was sent and what QEMU said. */
export class QmpError extends Error {
  override readonly name = 'QmpError';
  readonly code: QmpErrorCode;
  readonly command: string | undefined;
  readonly arguments: QmpArguments | undefined;
  readonly class: string | undefined;
  readonly desc: string | undefined;

  constructor(code: QmpErrorCode, message: string, details: QmpErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.command = details.command;
    this.arguments = details.arguments;
    this.class = details.class;
    this.desc = details.desc;
  }
}

export function isQmpError(value: unknown, code?: QmpErrorCode): value is QmpError {
  return value instanceof QmpError && (code === undefined || value.code === code);
}

/**
 * Turns anything thrown into a QmpError: a QmpError passes through unchanged, anything else
 * becomes one with `fallbackCode`, keeping the original as `cause`.
 */
export function toQmpError(value: unknown, fallbackCode: QmpErrorCode, details: Omit<QmpErrorDetails, 'cause'> = {}): QmpError {
  if (value instanceof QmpError) return value;
  return new QmpError(fallbackCode, describeError(value), { ...details, cause: value });
}

/** A one-line description of anything thrown, for messages; an errno code is named once. */
export function describeError(value: unknown): string {
  if (value instanceof Error) {
    const code = (value as NodeJS.ErrnoException).code;
    return code !== undefined && !value.message.includes(code) ? `${code}: ${value.message}` : value.message;
  }
  return String(value);
}
