import { describe, expect, it } from 'vitest';
import { classify, silentFailure, virshEnvironment } from './virsh.js';

describe('a virsh that fails without a word', () => {
  it('is a failed command, not a lost connection (its flags name keepalive)', () => {
    const crashed = classify(silentFailure('screenshot', { killed: false, signal: 'SIGSEGV' }, 60_000));
    expect(crashed.message).toBe('virsh screenshot crashed (SIGSEGV) without a message');
    expect(crashed.connection).toBeUndefined();
    expect(classify(silentFailure('start', { killed: false, code: 1 }, 60_000)).message).toBe('virsh start failed (exit status 1) without a message');
    expect(classify(silentFailure('list', { killed: true, signal: 'SIGTERM' }, 60_000)).message).toMatch(/did not answer within 60 s/);
  });

  it("runs without the user's VIRSH_ settings, which would change what it prints", () => {
    process.env.VIRSH_DEBUG = '0';
    try {
      expect(virshEnvironment().VIRSH_DEBUG).toBeUndefined();
      expect(virshEnvironment().LC_ALL).toBe('C');
    } finally {
      delete process.env.VIRSH_DEBUG;
    }
  });
});
