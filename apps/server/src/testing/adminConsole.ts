import { spawn } from 'node:child_process';
import { waitFor } from './waitFor.js';

/** `virsh console` wants a terminal: Python's pty module gives it one, as consoleProcess.ts does. */
const PTY_SPAWN = 'import pty, sys; pty.spawn(sys.argv[1:])';

export interface AdminConsole {
  /** Everything virsh printed so far (its greeting, the guest's output, its errors). */
  text(): string;
  type(text: string): void;
  waitFor(needle: string, options?: { from?: number; timeoutMs?: number }): Promise<void>;
  /** Whether virsh has ended (refused, taken over, or left). */
  readonly running: boolean;
  ended: Promise<void>;
  /** Leaves the console as a person does: Ctrl+] (virsh's escape character). */
  leave(): Promise<void>;
}

/** An admin's `virsh -c URI console NAME [--force]` in a terminal, beside virtdeck. */
export function adminConsole(uri: string, name: string, { force = false } = {}): AdminConsole {
  const child = spawn('python3', ['-c', PTY_SPAWN, 'virsh', '-c', uri, 'console', name, ...(force ? ['--force'] : [])], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, LC_ALL: 'C', TERM: 'dumb' },
  });
  let output = '';
  let running = true;
  const collect = (chunk: Buffer) => (output += chunk.toString('utf8'));
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const ended = new Promise<void>((resolve) => child.on('close', () => resolve()));
  void ended.then(() => (running = false));
  const text = () => output;
  const waitForText = (needle: string, { from = 0, timeoutMs = 60_000 } = {}) =>
    waitFor(`'${needle}' in the admin's virsh console of ${name} (it printed: ${JSON.stringify(output.slice(-300))})`, () => (output.indexOf(needle, from) >= 0 ? true : undefined), timeoutMs).then(() => undefined);
  return {
    text,
    type: (input) => child.stdin.write(input),
    waitFor: waitForText,
    get running() {
      return running;
    },
    ended,
    leave: async () => {
      if (running) child.stdin.write('\x1d');
      const left = await Promise.race([ended.then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), 10_000))]);
      if (!left) child.kill('SIGKILL');
      await ended;
    },
  };
}
