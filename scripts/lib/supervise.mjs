// Runs the server as a child of `npm start` and says so when it dies. Guests are detached
// from the server (their QEMU outlives it), so they keep running; the next start finds them.
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';

const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Spawns `command args` with the terminal as its stdio and exits with it: 0 after a stop
 * asked for by a signal, non-zero with a message saying what happened when it ended on its own.
 */
export function superviseServer(command, args, options, log) {
  const server = spawn(command, args, { stdio: 'inherit', ...options });
  let stopRequested = false;
  for (const signal of FORWARDED_SIGNALS) {
    process.on(signal, () => {
      stopRequested = true;
      server.kill(signal);
    });
  }
  server.on('error', (error) => {
    log(`the server could not be started: ${error.message}`);
    process.exit(1);
  });
  server.on('exit', (code, signal) => {
    if (stopRequested && (code === 0 || FORWARDED_SIGNALS.includes(signal))) process.exit(0);
    const how = signal ? `killed by ${signal}` : `exit code ${code}`;
    log(`the server stopped unexpectedly (${how}); running guests keep running, and the next start finds them again`);
    process.exit(code || 1);
  });
  return server;
}

// `node scripts/lib/supervise.mjs COMMAND ARGS…`: the same supervision for tests.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [command, ...args] = process.argv.slice(2);
  superviseServer(command, args, {}, (message) => console.log(`[virtdeck] ${message}`));
}
