import { spawn, type ChildProcess } from 'node:child_process';
import { Duplex, Transform } from 'node:stream';
import { KEEPALIVE_ARGS, virshEnvironment } from './virsh.js';

/**
 * Gives virsh a terminal: `virsh console` reads and writes a tty, so it runs in a pseudo-
 * terminal made by Python's pty module (no native addon), which copies bytes both ways
 * between the terminal and this process's pipes. Only virsh's stdin and stdout are the
 * terminal: its stderr stays a pipe of its own, so its errors ("Active console session
 * exists…") are told apart from the guest's output and never land in the serial log.
 */
const PTY_HELPER = `import fcntl, os, pty, select, subprocess, sys, termios
master, slave = pty.openpty()
child = subprocess.Popen(sys.argv[1:], stdin=slave, stdout=slave, start_new_session=True, preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
os.close(slave)
watched = [master, 0]
while True:
    ready = select.select(watched, [], [])[0]
    if master in ready:
        try:
            data = os.read(master, 65536)
        except OSError:
            data = b''
        if not data:
            break
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    if 0 in ready:
        data = os.read(0, 65536)
        if not data:
            watched.remove(0)
        while data:
            data = data[os.write(master, data):]
sys.exit(child.wait())`;
/** virsh's greeting ends with this line; what follows is the guest's output. */
const GREETING_END = /Escape character is .*\r?\n/;
const MAX_GREETING_BYTES = 4096;
/** libvirt's refusal while another client (virsh console, virt-manager, another virtdeck) has the console. */
const HELD_ELSEWHERE = /Active console session exists/;

export interface ConsoleEnd {
  /** virsh's exit code (null when it was stopped by a signal). */
  code: number | null;
  /** The last error virsh printed, if any. */
  error?: string;
  /** libvirt refused the console because another client holds it. */
  heldElsewhere: boolean;
}

export interface ConsoleProcess {
  /** The guest's serial port: its output to read, keystrokes to write. Closes when virsh exits. */
  stream: Duplex;
  child: ChildProcess;
  /** How virsh ended, once it has. */
  ended: Promise<ConsoleEnd>;
}

/**
 * `virsh console NAME` in a pseudo-terminal. Without `force` libvirt refuses it while another
 * client holds the console; with it, virsh takes the console from that client.
 */
export function spawnConsole(uri: string, name: string, { force = false } = {}): ConsoleProcess {
  const args = ['-c', PTY_HELPER, 'virsh', ...KEEPALIVE_ARGS, '--connect', uri, 'console', '--domain', name];
  if (force) args.push('--force');
  const child = spawn('python3', args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...virshEnvironment(), TERM: 'dumb' } });
  let errors = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => (errors = (errors + text).slice(-4096)));
  const ended = new Promise<ConsoleEnd>((resolve) => {
    const end = (code: number | null) => {
      const error = errors
        .split(/\r?\n/)
        .filter((line) => line.startsWith('error: '))
        .pop();
      resolve({ code, heldElsewhere: HELD_ELSEWHERE.test(errors), ...(error ? { error: error.slice('error: '.length) } : {}) });
    };
    child.on('close', end);
    child.on('error', (error) => {
      errors += `\nerror: ${error.message}`;
      end(null);
    });
  });
  const output = child.stdout.pipe(withoutGreeting());
  const stream = Duplex.from({ readable: output, writable: child.stdin });
  child.on('exit', () => stream.destroy());
  child.on('error', (error) => stream.destroy(error));
  stream.on('close', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  });
  return { stream, child, ended };
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
