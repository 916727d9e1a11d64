/**
 * How the routes check request bodies: a small definition (what people write) inline, a larger
 * one on the validation pool, so that no body, however large or hostile, blocks the event loop.
 */
import type { HostCapabilities } from '@virtdeck/qemu';
import type { ValidateResult } from '../api.js';
import { VirtdeckError } from '../errors.js';
import { ValidationPool } from './ValidationPool.js';

/** Below this many characters a body is checked inline: a few milliseconds at most. */
export const INLINE_MAX_CHARS = 16 * 1024;

let shared: ValidationPool | undefined;

/** The process's pool, started on first use. */
export function validationPool(): ValidationPool {
  return (shared ??= new ValidationPool());
}

/** `POST /api/validate`: `inline` for a small body, the pool for a larger one. */
export async function validateRequest(xml: string, host: { capabilities: () => Promise<HostCapabilities>; stateDir: string; hostPassthrough: boolean }, inline: () => Promise<ValidateResult>): Promise<ValidateResult> {
  if (xml.length <= INLINE_MAX_CHARS) return inline();
  return validationPool().run('validate', xml, await host.capabilities(), host.stateDir, host.hostPassthrough);
}

/**
 * Define, redefine and the command-line preview: a larger body is checked on the pool first
 * and refused there with its diagnostics (422), as the inline path would refuse it. A valid one
 * goes on to the caller, whose own parse is then linear in a document known to be well formed.
 */
export async function refuseInvalidDefinition(xml: string): Promise<void> {
  if (xml.length <= INLINE_MAX_CHARS) return;
  const { valid, diagnostics } = await validationPool().run('check', xml);
  if (!valid) throw new VirtdeckError('invalid-xml', 'The definition has errors', { diagnostics });
}
