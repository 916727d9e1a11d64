import type { Request } from 'express';
import { z } from 'zod';
import { GUEST_ACTIONS, ISO_OS_FAMILIES } from '../api.js';
import { VirtdeckError } from '../errors.js';
import { guestNameProblem } from '../guests/guestName.js';
import { MAX_TAGS, tagProblem } from '../guests/guestTags.js';

/** Definitions are small; anything bigger than this is a mistake or an attack. */
export const MAX_XML_BYTES = 1024 * 1024;
/** The JSON bodies are a flag or a name. */
export const MAX_JSON_BYTES = 16 * 1024;

export const XML_TYPES = ['application/xml', 'text/xml'];
/** Every body the API takes. */
export const BODY_TYPES = ['application/json', ...XML_TYPES];

export const guestName = z.string().superRefine((name, ctx) => {
  const problem = guestNameProblem(name);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const actionParam = z.enum(GUEST_ACTIONS);
export const actionBody = z
  .object({
    /** shutdown only: force the guest off if it has not powered off after this long. */
    escalateAfterMs: z.number().int().min(100).max(3_600_000).optional(),
  })
  .strict();
export const autostartBody = z.object({ autostart: z.boolean() }).strict();
const tag = z.string().superRefine((value, ctx) => {
  const problem = tagProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
export const tagsBody = z.object({ tags: z.array(tag).max(MAX_TAGS, `a guest has at most ${MAX_TAGS} tags`) }).strict();
export const templateBody = z.object({ name: guestName }).strict();
const required = (what: string) => z.string({ error: `${what} is required` }).min(1, `${what} is required`);
/** POST /api/templates/iso (IsoInstallRequest). */
export const isoInstallBody = z
  .object({
    name: guestName,
    iso: z.object({ pool: required('the ISO\'s pool'), volume: required('the ISO volume') }).strict(),
    os: z.enum(ISO_OS_FAMILIES),
    memoryMiB: z.number().int().min(16, 'at least 16 MiB').max(16 * 1024 * 1024, 'at most 16 TiB'),
    vcpus: z.number().int().min(1, 'at least 1').max(4096, 'at most 4096'),
    disk: z.object({ pool: required('the disk\'s pool'), sizeGiB: z.number().positive('more than 0 GiB').max(64 * 1024, 'at most 64 TiB') }).strict(),
    network: z.discriminatedUnion('type', [
      z.object({ type: z.literal('network'), name: required('the network\'s name') }).strict(),
      z.object({ type: z.literal('user') }).strict(),
      z.object({ type: z.literal('none') }).strict(),
    ]),
    accelerator: z.enum(['qemu', 'kvm']).optional(),
  })
  .strict();
export const xmlQuery = z.object({ running: z.enum(['0', '1', 'true', 'false']).optional() });

/**
 * Checks API input against its schema; a mismatch is a 400 that says what and where in
 * words: `what` names the input as a user would ("new guest", "shutdown options"), each
 * field is named as it is spelt in the request, and zod's codes are said plainly.
 */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  // reportInput: an issue carries the value it is about, to say what kind of value was sent.
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const problems = [...new Set(result.error.issues.map((issue) => describeIssue(issue, what)))];
  throw new VirtdeckError('invalid-request', `${capitalise(what)}: ${problems.join('; ')}`);
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const quoted = (path: PropertyKey[]) => `'${path.map(String).join('.')}'`;
/** zod's own messages start so; the schemas' own are already in words. */
const ZOD_WORDING = /^(Invalid|Too (small|big)|Unrecognized)\b/;

function valueKind(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  switch (typeof input) {
    case 'number':
    case 'boolean':
      return String(input);
    case 'string':
      return 'text';
    case 'object':
      return 'an object';
    default:
      return `a ${typeof input}`;
  }
}

const KIND_WORDS: Record<string, string> = { string: 'text', number: 'a number', int: 'a whole number', boolean: 'true or false', object: 'an object', array: 'a list' };

function bound(issue: { origin: string; inclusive?: boolean }, limit: number | bigint, direction: 'min' | 'max'): string {
  const words = direction === 'min' ? (issue.inclusive ? 'at least' : 'more than') : issue.inclusive ? 'at most' : 'less than';
  const unit = issue.origin === 'string' ? ' characters long' : issue.origin === 'array' || issue.origin === 'set' ? ' items' : '';
  return `${words} ${limit}${unit}`;
}

export function describeIssue(issue: z.core.$ZodIssue, what: string): string {
  const field = issue.path.length > 0 ? quoted(issue.path) : `the ${what}`;
  if (!ZOD_WORDING.test(issue.message)) {
    // The schema's own message: a bound ("at least 16 MiB") needs its field, a sentence does not.
    return /^(at (least|most)|more than|less than)\b/.test(issue.message) ? `${field} should be ${issue.message}` : issue.message;
  }
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? `${field} is missing` : `${field} should be ${KIND_WORDS[issue.expected] ?? issue.expected}, not ${valueKind(issue.input)}`;
    case 'invalid_value':
      return `${field} should be ${issue.values.length === 1 ? '' : 'one of '}${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'unrecognized_keys':
      return `${issue.keys.map((key) => `'${key}'`).join(', ')} ${issue.keys.length === 1 ? 'is not a field' : 'are not fields'} of ${field}`;
    case 'too_small':
      return `${field} should be ${bound(issue, issue.minimum, 'min')}`;
    case 'too_big':
      return `${field} should be ${bound(issue, issue.maximum, 'max')}`;
    case 'invalid_union':
      return `${field} is none of the forms it may take`;
    case 'invalid_format':
      return `${field} is not a valid ${issue.format}`;
    default:
      return `${field}: ${issue.message}`;
  }
}

/** The domain XML of a request: sent as the body with an XML content type. */
export function xmlBody(req: Request): string {
  if (!req.is(XML_TYPES) || typeof req.body !== 'string') {
    throw new VirtdeckError('invalid-request', 'Send the domain XML as the request body with Content-Type: application/xml');
  }
  if (req.body.trim() === '') throw new VirtdeckError('invalid-request', 'The request body is empty; send the domain XML');
  return req.body;
}

/** A JSON body, or an empty object when none was sent. */
export function jsonBody(req: Request): unknown {
  if (req.body === undefined) return {};
  if (!req.is('application/json')) throw new VirtdeckError('invalid-request', 'Send the request body as JSON with Content-Type: application/json');
  return req.body;
}
