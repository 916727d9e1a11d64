/**
 * What the Screen tab shows about its connection: one state, changed only by the events
 * below, so that the text a person reads always matches what the viewer is doing.
 */
export type ScreenStatus =
  | { phase: 'connecting'; attempt: number }
  /** QEMU asks for the definition's VNC password; `wrong` after a refused one. */
  | { phase: 'password'; wrong: boolean }
  | { phase: 'connected' }
  /** Cut off while the guest runs: connecting again after `retryInMs`. */
  | { phase: 'reconnecting'; reason: string; attempt: number; retryInMs: number }
  /** The guest does not run: the viewer connects again when it starts. */
  | { phase: 'stopped'; reason: string }
  /** Nothing to connect to (the guest went away): no retry. */
  | { phase: 'failed'; reason: string };

export type ScreenEvent =
  | { type: 'connecting'; attempt: number }
  | { type: 'credentials-required' }
  | { type: 'password-refused' }
  | { type: 'connected' }
  | { type: 'lost'; reason: string; attempt: number; retryInMs: number }
  | { type: 'guest-stopped'; reason: string }
  | { type: 'failed'; reason: string };

export const INITIAL_SCREEN_STATUS: ScreenStatus = { phase: 'connecting', attempt: 1 };

/** Attempt numbers count the tries since the last connection that worked (the connection sets the backoff by them). */
export function screenStatusReducer(status: ScreenStatus, event: ScreenEvent): ScreenStatus {
  switch (event.type) {
    case 'connecting':
      return { phase: 'connecting', attempt: event.attempt };
    case 'credentials-required':
      return { phase: 'password', wrong: status.phase === 'password' && status.wrong };
    case 'password-refused':
      return { phase: 'password', wrong: true };
    case 'connected':
      return { phase: 'connected' };
    case 'lost':
      return { phase: 'reconnecting', reason: event.reason, attempt: event.attempt, retryInMs: event.retryInMs };
    case 'guest-stopped':
      return { phase: 'stopped', reason: event.reason };
    case 'failed':
      return { phase: 'failed', reason: event.reason };
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}

/** The status line under the toolbar. */
export function screenStatusText(status: ScreenStatus): string {
  switch (status.phase) {
    case 'connecting':
      return status.attempt > 1 ? `connecting (attempt ${status.attempt})…` : 'connecting…';
    case 'password':
      return status.wrong ? 'the password was refused: enter it again' : 'the display asks for its password';
    case 'connected':
      return 'connected';
    case 'reconnecting':
      return `disconnected: ${status.reason}; reconnecting in ${Math.ceil(status.retryInMs / 1000)} s…`;
    case 'stopped':
      return `disconnected: ${status.reason}; the screen comes back when the guest starts`;
    case 'failed':
      return `disconnected: ${status.reason}`;
    default: {
      const unreachable: never = status;
      return unreachable;
    }
  }
}
