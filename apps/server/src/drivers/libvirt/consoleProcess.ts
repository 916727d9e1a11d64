import { spawn, type ChildProcess } from 'node:child_process';
import { Duplex, Transform } from 'node:stream';
import { KEEPALIVE_ARGS, virshEnvironment } from './virsh.js';

/**
 * Gives virsh a terminal: `virsh console` reads and writes a tty, so it runs in a pseudo-
 * terminal made by Python's pty module (no native addon), which copies bytes both ways
 * between the terminal and this process's pipes.
 */
const PTY_SPAWN = 'import pty, sys; pty.spawn(sys.argv[1:])';
/** virsh's greeting ends with this line; what follows is the guest's output. */
const GREETING_END = /Escape character is .*\r?\n/;
const MAX_GREETING_BYTES = 4096;

export interface ConsoleProcess {
  /** The guest's serial port: its output to read, keystrokes to write. Closes when virsh exits. */
  stream: Duplex;
  child: ChildProcess;
}

/** `virsh console NAME --force` in a pseudo-terminal (`--force` takes the console over from another client). */
export function spawnConsole(uri: string, name: string): ConsoleProcess {
  const child = spawn('python3', ['-c', PTY_SPAWN, 'virsh', ...KEEPALIVE_ARGS, '--connect', uri, 'console', '--domain', name, '--force'], {
    stdio: ['pipe', 'pipe', 'ignore'],
    env: { ...virshEnvironment(), TERM: 'dumb' },
  });
  const output = child.stdout.pipe(withoutGreeting());
  const stream = Duplex.from({ readable: output, writable: child.stdin });
  child.on('exit', () => stream.destroy());
  child.on('error', (error) => stream.destroy(error));
  stream.on('close', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  });
  return { stream, child };
}

/** Drops virsh's `Connected to domain …` / `Escape character is ^]` lines before the guest's own output. */
function withoutGreeting(): Transform {
  let pending: Buffer | undefined = Buffer.alloc(0);
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (!pending) return done(null, chunk);
      pending = Buffer.concat([pending, chunk]);
      const text = pending.toString('latin1');
      const end = GREETING_END.exec(text);
      if (end) {
        const rest = pending.subarray(end.index + end[0].length);
        pending = undefined;
        return done(null, rest);
      }
      if (pending.length > MAX_GREETING_BYTES) {
        const all = pending;
        pending = undefined;
        return done(null, all);
      }
      done();
    },
  });
}
