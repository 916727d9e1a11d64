import type { QemuDiagnostic } from '@virtdeck/qemu';

/** A diagnostic as the API sends it: the schema's, plus the codes only the QEMU side has (host checks). */
export type ApiDiagnostic = QemuDiagnostic;

/**
 * The closed set of API error codes, each with its HTTP status. One table, so a code
 * means the same thing everywhere and the mapping to HTTP lives in one place.
 */
export const ERROR_STATUS = {
  'invalid-xml': 422,
  'invalid-request': 400,
  'not-found': 404,
  conflict: 409,
  'unsupported-accelerator': 422,
  /** A host file the guest needs is missing or unusable, or an image names files the definition does not. */
  'host-file': 422,
  'qemu-failed': 502,
  'qemu-missing': 503,
  unauthorized: 401,
  forbidden: 403,
  'payload-too-large': 413,
  /** A download's Range lies past the end of the file. */
  'range-not-satisfiable': 416,
  /** A request body that is neither JSON nor XML (an HTML form, say). */
  'unsupported-media-type': 415,
  /** The Host header names a host this server is not (DNS rebinding). */
  'misdirected-request': 421,
  timeout: 504,
  /** The state directory could not be written (full disk, read-only file system, …). */
  'storage-failed': 507,
  /** This host's driver does not offer the operation (yet). */
  'not-implemented': 501,
  /** The server cannot offer this here (e.g. a template whose files are missing). */
  unavailable: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  diagnostics?: ApiDiagnostic[];
  detail?: string;
}

export class VirtdeckError extends Error {
  readonly code: ErrorCode;
  readonly diagnostics?: ApiDiagnostic[];
  /** Extra text for the user, such as QEMU's stderr when a launch fails. */
  readonly detail?: string;

  constructor(code: ErrorCode, message: string, options: { diagnostics?: ApiDiagnostic[]; detail?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'VirtdeckError';
    this.code = code;
    this.diagnostics = options.diagnostics;
    this.detail = options.detail;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toJSON(): ErrorBody {
    const body: ErrorBody = { code: this.code, message: this.message };
    if (this.diagnostics) body.diagnostics = this.diagnostics;
    if (this.detail) body.detail = this.detail;
    return body;
  }
}

/** Turns anything thrown into the project's error type; unknown failures become `internal`. */
export function toVirtdeckError(error: unknown): VirtdeckError {
  if (error instanceof VirtdeckError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new VirtdeckError('internal', message, { cause: error });
}

/** A one-line description of anything thrown (`ENOSPC: no space left on device, write`). */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    // Plain property access: this file is also compiled for the browser (through api.ts), without Node's types.
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && !error.message.startsWith(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
