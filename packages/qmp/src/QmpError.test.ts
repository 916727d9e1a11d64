import { describe, expect, it } from 'vitest';
import { describeError, isQmpError, QMP_ERROR_CODES, QmpError, toQmpError } from './QmpError.js';

describe('QmpError', () => {
  it('carries the code, what was sent and what QEMU answered', () => {
    const error = new QmpError('command-failed', 'failed', {
      command: 'qom-get',
      arguments: { path: '/machine' },
      class: 'GenericError',
      desc: "Parameter 'property' is missing",
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('QmpError');
    expect(error).toMatchObject({ code: 'command-failed', command: 'qom-get', arguments: { path: '/machine' }, class: 'GenericError' });
    expect(error.desc).toBe("Parameter 'property' is missing");
    expect(QMP_ERROR_CODES).toContain(error.code);
  });

  it('isQmpError checks the type and, if given, the code', () => {
    const error = new QmpError('timeout', 'late');
    expect(isQmpError(error)).toBe(true);
    expect(isQmpError(error, 'timeout')).toBe(true);
    expect(isQmpError(error, 'disconnected')).toBe(false);
    expect(isQmpError(new Error('late'))).toBe(false);
  });

  it('toQmpError keeps a QmpError and wraps anything else with its cause', () => {
    const original = new QmpError('protocol', 'bad line');
    expect(toQmpError(original, 'connect-failed')).toBe(original);

    const socketError = Object.assign(new Error('connect ECONNREFUSED /tmp/q.sock'), { code: 'ECONNREFUSED' });
    const wrapped = toQmpError(socketError, 'connect-failed', { command: 'qmp_capabilities' });
    expect(wrapped).toMatchObject({ code: 'connect-failed', command: 'qmp_capabilities', message: 'connect ECONNREFUSED /tmp/q.sock' });
    expect(wrapped.cause).toBe(socketError);
    expect(toQmpError('plain string', 'protocol').message).toBe('plain string');
  });

  it('describeError names the errno code once', () => {
    expect(describeError(Object.assign(new Error('connect ENOENT /x'), { code: 'ENOENT' }))).toBe('connect ENOENT /x');
    expect(describeError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe('ECONNRESET: socket hang up');
    expect(describeError(new Error('plain'))).toBe('plain');
    expect(describeError(42)).toBe('42');
  });
});
