import path from 'node:path';
import type { SerialConsoleAccess } from '@virtdeck/qemu';
import type { QmpClient, QmpEvent } from '@virtdeck/qmp';
import { readLogTail, SerialLog } from '../console/SerialLog.js';
import { SCROLLBACK_BYTES, SerialConsole } from '../console/SerialConsole.js';
import type { GuestRuntime } from './GuestRuntime.js';
import type { RunDir } from './RunDir.js';

export interface SerialOptions {
  /** Rotation size of the serial log; SerialLog's default when absent. */
  maxBytes?: number;
  onLogError: (message: string) => void;
}

/**
 * The server's client of a guest's console socket, not yet connected: the rotating log,
 * and the scrollback it left so far, so a viewer sees what was printed before, too.
 */
export async function serialConsoleFor(run: RunDir, { maxBytes, onLogError }: SerialOptions): Promise<SerialConsole> {
  const log = new SerialLog(run.serialLog, { maxBytes, onError: onLogError });
  return new SerialConsole(log, await readLogTail(run.serialLog, SCROLLBACK_BYTES));
}

/** The socket the console reads: the server's own for a pty, or the UNIX socket QEMU serves; none when it cannot be read. */
export function consoleSocketOf(run: RunDir, access: SerialConsoleAccess | undefined): string | undefined {
  if (access?.kind === 'pty') return run.consoleSocket;
  if (access?.kind === 'unix') return access.inRunDir ? path.join(path.dirname(run.qmpSocket), access.path) : access.path;
  return undefined;
}

/** The monitor becomes the runtime's: its events go to `onEvent`, and its loss wakes the pid watch. */
export function attachMonitor(runtime: GuestRuntime, qmp: QmpClient, onEvent: (runtime: GuestRuntime, event: QmpEvent) => void): void {
  runtime.qmp = qmp;
  qmp.on('event', (event) => onEvent(runtime, event));
  qmp.on('close', () => runtime.process.wake?.());
}
