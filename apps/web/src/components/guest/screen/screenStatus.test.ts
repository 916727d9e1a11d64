import { describe, expect, it } from 'vitest';
import { INITIAL_SCREEN_STATUS, screenStatusReducer, screenStatusText, type ScreenEvent } from './screenStatus';

const run = (...events: ScreenEvent[]) => events.reduce(screenStatusReducer, INITIAL_SCREEN_STATUS);

describe('the Screen tab status', () => {
  it('reads connecting, then connected', () => {
    expect(screenStatusText(INITIAL_SCREEN_STATUS)).toBe('connecting…');
    expect(screenStatusText(run({ type: 'connecting', attempt: 1 }, { type: 'connected' }))).toBe('connected');
  });

  it('says why it was cut off and when it tries again', () => {
    const status = run({ type: 'connected' }, { type: 'lost', reason: 'the connection was lost', attempt: 2, retryInMs: 1400 });
    expect(screenStatusText(status)).toBe('disconnected: the connection was lost; reconnecting in 2 s…');
    expect(screenStatusText(screenStatusReducer(status, { type: 'connecting', attempt: 2 }))).toBe('connecting (attempt 2)…');
  });

  it('keeps saying the password was wrong until a connection works', () => {
    const refused = run({ type: 'credentials-required' }, { type: 'password-refused' }, { type: 'connecting', attempt: 1 }, { type: 'password-refused' });
    expect(refused).toEqual({ phase: 'password', wrong: true });
    expect(screenStatusText(refused)).toBe('the password was refused: enter it again');
    expect(run({ type: 'credentials-required' })).toEqual({ phase: 'password', wrong: false });
    expect(screenStatusReducer(refused, { type: 'connected' })).toEqual({ phase: 'connected' });
  });

  it('waits for a stopped guest and gives up on one that went away', () => {
    expect(screenStatusText(run({ type: 'guest-stopped', reason: "'x' stopped" }))).toBe("disconnected: 'x' stopped; the screen comes back when the guest starts");
    expect(screenStatusText(run({ type: 'failed', reason: "There is no guest named 'x'" }))).toBe("disconnected: There is no guest named 'x'");
  });
});
