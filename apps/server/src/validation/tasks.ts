/**
 * What the validation workers run: pure functions of a request body (and the host
 * capabilities), with plain results that cross a thread boundary by structured clone.
 */
import type { HostCapabilities } from '@virtdeck/qemu';
import { validateDomain } from '@virtdeck/schema';
import type { ValidateResult } from '../api.js';
import type { ApiDiagnostic } from '../errors.js';
import { validateForHost } from '../guests/commandPreview.js';

export interface DefinitionCheck {
  valid: boolean;
  diagnostics: ApiDiagnostic[];
}

/** The document's own diagnostics: what define, redefine and the command-line preview refuse on. */
export function checkDefinition(xml: string): DefinitionCheck {
  const { valid, diagnostics } = validateDomain(xml);
  return { valid, diagnostics };
}

/** `POST /api/validate`: the document's diagnostics and the host's (capabilities, files the definition names). */
export function validateOnHost(xml: string, caps: HostCapabilities, stateDir: string, hostPassthrough: boolean): Promise<ValidateResult> {
  return validateForHost(xml, () => Promise.resolve(caps), stateDir, hostPassthrough);
}

export const VALIDATION_TASKS = {
  check: checkDefinition,
  validate: validateOnHost,
} as const;

export type ValidationTask = keyof typeof VALIDATION_TASKS;
export type TaskArgs<T extends ValidationTask> = Parameters<(typeof VALIDATION_TASKS)[T]>;
export type TaskResult<T extends ValidationTask> = Awaited<ReturnType<(typeof VALIDATION_TASKS)[T]>>;
