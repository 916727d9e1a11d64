/**
 * What the validation workers run: pure functions of a request body (and the host
 * capabilities), with plain results that cross a thread boundary by structured clone.
 */
import type { HostCapabilities } from '@virtdeck/qemu';
import { capDiagnostics, validateDomain } from '@virtdeck/schema';
import type { ValidateResult } from '../api.js';
import type { ApiDiagnostic } from '../errors.js';
import { hostDiagnostics } from '../guests/qemuCommand.js';

export interface DefinitionCheck {
  valid: boolean;
  diagnostics: ApiDiagnostic[];
}

/** The document's own diagnostics: what define, redefine and the command-line preview refuse on. */
export function checkDefinition(xml: string): DefinitionCheck {
  const { valid, diagnostics } = validateDomain(xml);
  return { valid, diagnostics };
}

/**
 * `POST /api/validate`: the document's diagnostics and the host's. Where the host says the same
 * thing at the same place (the schema's "kqemu cannot start" warning, the host's error), the
 * host's verdict stands alone. Capped like the document's own list.
 */
export function validateOnHost(xml: string, caps: HostCapabilities): ValidateResult {
  const { domain, diagnostics } = validateDomain(xml);
  if (!domain) return { valid: !diagnostics.some((d) => d.severity === 'error'), diagnostics };
  const host = hostDiagnostics(domain, caps);
  const saidByHost = new Set(host.map((d) => `${d.code}@${d.range.start.offset}`));
  const all: ApiDiagnostic[] = [...diagnostics.filter((d) => !saidByHost.has(`${d.code}@${d.range.start.offset}`)), ...host];
  const valid = !all.some((d) => d.severity === 'error');
  capDiagnostics(all);
  return { valid, diagnostics: all };
}

export const VALIDATION_TASKS = {
  check: checkDefinition,
  validate: validateOnHost,
} as const;

export type ValidationTask = keyof typeof VALIDATION_TASKS;
export type TaskArgs<T extends ValidationTask> = Parameters<(typeof VALIDATION_TASKS)[T]>;
export type TaskResult<T extends ValidationTask> = ReturnType<(typeof VALIDATION_TASKS)[T]>;
