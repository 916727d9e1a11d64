// The QMP wire format: what one line from QEMU means, and the line a command becomes.
import { QmpError } from './QmpError.js';
import type { QmpArguments } from './QmpError.js';
import type { QmpEventMap, QmpGreeting, QmpTimestamp } from './qapi.js';

/** Event data for a known event name, a plain record for any other. */
export type QmpEventData<Name extends string> = Name extends keyof QmpEventMap ? QmpEventMap[Name] : Record<string, unknown>;

/** An asynchronous event from QEMU. `data` is `{}` for events that carry none. */
export interface QmpEvent<Name extends string = string> {
  event: Name;
  data: QmpEventData<Name>;
  timestamp: QmpTimestamp;
}

/** One message from QEMU, classified. Reply ids are kept as sent back (any JSON value). */
export type QmpMessage =
  | { kind: 'greeting'; greeting: QmpGreeting }
  | { kind: 'event'; event: QmpEvent }
  | { kind: 'return'; id: unknown; value: unknown }
  | { kind: 'error'; id: unknown; class: string; desc: string };

/** Parses one line from QEMU. Throws a `protocol` QmpError saying what is wrong with it. */
export function parseQmpMessage(line: string): QmpMessage {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new QmpError('protocol', `QEMU sent a line that is not JSON: ${excerpt(line)}`, { cause: error });
  }
  if (!isRecord(value)) throw new QmpError('protocol', `QEMU sent JSON that is not an object: ${excerpt(line)}`);

  if ('return' in value) return { kind: 'return', id: value.id, value: value.return };
  if ('error' in value) {
    const error = value.error;
    if (!isRecord(error) || typeof error.class !== 'string' || typeof error.desc !== 'string') {
      throw new QmpError('protocol', `QEMU sent an error reply without a string class and desc: ${excerpt(line)}`);
    }
    return { kind: 'error', id: value.id, class: error.class, desc: error.desc };
  }
  if ('event' in value) return { kind: 'event', event: parseEvent(value, line) };
  if ('QMP' in value) return { kind: 'greeting', greeting: parseGreeting(value.QMP, line) };
  throw new QmpError('protocol', `QEMU sent an object that is no reply, event or greeting: ${excerpt(line)}`);
}

function parseEvent(value: Record<string, unknown>, line: string): QmpEvent {
  const { event, data, timestamp } = value;
  if (typeof event !== 'string' || event === '') {
    throw new QmpError('protocol', `QEMU sent an event without a name: ${excerpt(line)}`);
  }
  if (data !== undefined && !isRecord(data)) {
    throw new QmpError('protocol', `QEMU sent event ${event} whose data is not an object: ${excerpt(line)}`);
  }
  if (!isRecord(timestamp) || typeof timestamp.seconds !== 'number' || typeof timestamp.microseconds !== 'number') {
    throw new QmpError('protocol', `QEMU sent event ${event} without a valid timestamp: ${excerpt(line)}`);
  }
  return { event, data: data ?? {}, timestamp: { seconds: timestamp.seconds, microseconds: timestamp.microseconds } };
}

function parseGreeting(value: unknown, line: string): QmpGreeting {
  const invalid = (what: string) => new QmpError('protocol', `QEMU sent a greeting ${what}: ${excerpt(line)}`);
  if (!isRecord(value) || !isRecord(value.version)) throw invalid('without a version');
  const { qemu, package: pkg } = value.version;
  if (!isRecord(qemu) || typeof qemu.major !== 'number' || typeof qemu.minor !== 'number' || typeof qemu.micro !== 'number') {
    throw invalid('whose version has no numeric major, minor and micro');
  }
  const capabilities = value.capabilities;
  if (!Array.isArray(capabilities) || !capabilities.every((c): c is string => typeof c === 'string')) {
    throw invalid('without a list of capabilities');
  }
  return {
    version: { qemu: { major: qemu.major, minor: qemu.minor, micro: qemu.micro }, package: typeof pkg === 'string' ? pkg : '' },
    capabilities,
  };
}

/** The line that sends `command`; throws `invalid-arguments` when the arguments are not JSON. */
export function serializeCommand(command: string, args: QmpArguments | undefined, id: number): string {
  let json: string;
  try {
    json = JSON.stringify(args === undefined ? { execute: command, id } : { execute: command, arguments: args, id });
  } catch (error) {
    throw new QmpError('invalid-arguments', `The arguments of "${command}" cannot be sent as JSON: ${String(error)}`, {
      command,
      arguments: args,
      cause: error,
    });
  }
  // JSON.stringify escapes newlines inside strings, so the message is exactly one line.
  return `${json}\n`;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const EXCERPT_CHARS = 120;

/** A line shortened for an error message. */
export function excerpt(text: string): string {
  const json = JSON.stringify(text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text);
  return text.length > EXCERPT_CHARS ? `${json} (${text.length} characters)` : json;
}
