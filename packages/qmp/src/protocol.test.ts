import { describe, expect, it } from 'vitest';
import { parseQmpMessage, serializeCommand } from './protocol.js';
import { QmpError } from './QmpError.js';

// Lines as QEMU 7.2 sends them.
const GREETING =
  '{"QMP": {"version": {"qemu": {"micro": 22, "minor": 2, "major": 7}, "package": "Debian 1:7.2+dfsg-7+deb12u18+b3"}, "capabilities": ["oob"]}}';

function protocolError(line: string): QmpError {
  try {
    parseQmpMessage(line);
  } catch (error) {
    if (error instanceof QmpError) return error;
    throw error;
  }
  throw new Error(`parsed: ${line}`);
}

describe('parseQmpMessage', () => {
  it('reads the greeting', () => {
    expect(parseQmpMessage(GREETING)).toEqual({
      kind: 'greeting',
      greeting: { version: { qemu: { major: 7, minor: 2, micro: 22 }, package: 'Debian 1:7.2+dfsg-7+deb12u18+b3' }, capabilities: ['oob'] },
    });
  });

  it('reads return and error replies with their ids', () => {
    expect(parseQmpMessage('{"return": {"status": "prelaunch", "singlestep": false, "running": false}, "id": 3}')).toEqual({
      kind: 'return',
      id: 3,
      value: { status: 'prelaunch', singlestep: false, running: false },
    });
    expect(parseQmpMessage('{"id": 0, "error": {"class": "CommandNotFound", "desc": "The command nope has not been found"}}')).toEqual({
      kind: 'error',
      id: 0,
      class: 'CommandNotFound',
      desc: 'The command nope has not been found',
    });
    expect(parseQmpMessage('{"error": {"class": "GenericError", "desc": "JSON parse error"}}')).toMatchObject({ kind: 'error', id: undefined });
  });

  it('reads events, giving data-less ones an empty data object', () => {
    expect(parseQmpMessage('{"timestamp": {"seconds": 1795756829, "microseconds": 263809}, "event": "RESUME"}')).toEqual({
      kind: 'event',
      event: { event: 'RESUME', data: {}, timestamp: { seconds: 1795756829, microseconds: 263809 } },
    });
    expect(
      parseQmpMessage(
        '{"timestamp": {"seconds": 1, "microseconds": 2}, "event": "SHUTDOWN", "data": {"guest": false, "reason": "host-qmp-quit"}}',
      ),
    ).toMatchObject({ kind: 'event', event: { event: 'SHUTDOWN', data: { guest: false, reason: 'host-qmp-quit' } } });
  });

  it.each([
    ['garbage', 'not JSON'],
    ['[1, 2]', 'not an object'],
    ['{"hello": 1}', 'no reply, event or greeting'],
    ['{"error": "bad", "id": 1}', 'without a string class and desc'],
    ['{"event": 5, "timestamp": {"seconds": 1, "microseconds": 2}}', 'without a name'],
    ['{"event": "STOP"}', 'without a valid timestamp'],
    ['{"event": "STOP", "data": [1], "timestamp": {"seconds": 1, "microseconds": 2}}', 'data is not an object'],
    ['{"QMP": {"version": {"qemu": {"major": "7"}}, "capabilities": []}}', 'no numeric major'],
    ['{"QMP": {"version": {"qemu": {"major": 7, "minor": 2, "micro": 0}}}}', 'without a list of capabilities'],
  ])('rejects %s as a protocol error', (line, message) => {
    const error = protocolError(line);
    expect(error.code).toBe('protocol');
    expect(error.message).toContain(message);
    expect(error.message).toContain(JSON.stringify(line));
  });

  it('shortens a long line in the error message', () => {
    const error = protocolError(`x${'y'.repeat(5000)}`);
    expect(error.message.length).toBeLessThan(300);
    expect(error.message).toContain('(5001 characters)');
  });
});

describe('serializeCommand', () => {
  it('writes one line, with arguments only when given', () => {
    expect(serializeCommand('query-status', undefined, 4)).toBe('{"execute":"query-status","id":4}\n');
    expect(serializeCommand('human-monitor-command', { 'command-line': 'info\nversion' }, 5)).toBe(
      '{"execute":"human-monitor-command","arguments":{"command-line":"info\\nversion"},"id":5}\n',
    );
  });

  it('rejects arguments that are not JSON with the command named', () => {
    let thrown: unknown;
    try {
      serializeCommand('qom-get', { path: 1n }, 1);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(QmpError);
    expect(thrown).toMatchObject({ code: 'invalid-arguments', command: 'qom-get', arguments: { path: 1n } });
  });
});
