import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EmulatorCapabilities, HostCapabilities } from '@virtdeck/qemu';

/**
 * How a fake "QEMU" behaves. It is a real process started by the server like QEMU: it
 * writes its pid file and listens on the monitor and console sockets named on its command line.
 * - `silent`: opens the QMP socket and never greets (a hung QEMU);
 * - `dies-mid-start`: greets, accepts qmp_capabilities, then crashes on the next command;
 * - `panics`: starts like QEMU (prelaunch, `cont`), then reports a guest panic as QEMU does
 *   with a pvpanic device (GUEST_PANICKED, STOP), a moment after every `cont`; it carries
 *   out stop, system_reset, dump-guest-memory (writing a small file) and quit.
 */
export type FakeQemuMode = 'silent' | 'dies-mid-start' | 'panics';

const script = (mode: FakeQemuMode) => `#!${process.execPath}
const fs = require('node:fs');
const net = require('node:net');
const args = process.argv.slice(2);
const pidFile = args[args.indexOf('-pidfile') + 1];
if (pidFile) fs.writeFileSync(pidFile, process.pid + '\\n');
const socketPath = (name) => args.map((a) => new RegExp('(?:path=|unix:)([^,]*' + name + ')').exec(a)?.[1]).find(Boolean);
const qmpPath = socketPath('qmp\\.sock');
if (!qmpPath) { console.error('fake QEMU: no QMP socket on the command line'); process.exit(2); }
// The serial console socket, like QEMU's socket chardev (output goes nowhere).
const consolePath = socketPath('console\\.sock');
if (consolePath) net.createServer(() => {}).listen(consolePath);
net.createServer((socket) => {
  if (${JSON.stringify(mode)} === 'silent') return;
  socket.write(JSON.stringify({ QMP: { version: { qemu: { major: 7, minor: 2, micro: 0 }, package: 'fake' }, capabilities: [] } }) + '\\r\\n');
  let buffer = '';
  socket.on('data', (chunk) => {
    buffer += chunk;
    for (let i; (i = buffer.indexOf('\\n')) >= 0; buffer = buffer.slice(i + 1)) {
      const command = JSON.parse(buffer.slice(0, i));
      const reply = (value) => socket.write(JSON.stringify({ return: value, id: command.id }) + '\\r\\n');
      if (command.execute === 'qmp_capabilities') { reply({}); continue; }
      if (${JSON.stringify(mode)} === 'dies-mid-start') {
        console.error('fake QEMU: simulated crash while running ' + command.execute);
        process.exit(1);
      }
      const event = (name, data = {}) => {
        const now = Date.now();
        socket.write(JSON.stringify({ event: name, data, timestamp: { seconds: Math.floor(now / 1000), microseconds: (now % 1000) * 1000 } }) + '\\r\\n');
      };
      switch (command.execute) {
        case 'query-status': reply({ status, running: status === 'running' }); break;
        case 'cont':
          status = 'running';
          event('RESUME');
          reply({});
          setTimeout(() => { status = 'guest-panicked'; event('GUEST_PANICKED', { action: 'pause' }); event('STOP'); }, 300);
          break;
        case 'stop': status = 'paused'; event('STOP'); reply({}); break;
        case 'system_reset': status = 'prelaunch'; event('RESET', { guest: false, reason: 'host-qmp-system-reset' }); reply({}); break;
        case 'dump-guest-memory': fs.writeFileSync(command.arguments.protocol.slice('file:'.length), 'fake guest memory\\n'); reply({}); break;
        case 'quit': reply({}); process.exit(0);
        default: socket.write(JSON.stringify({ error: { class: 'CommandNotFound', desc: 'fake QEMU has no ' + command.execute }, id: command.id }) + '\\r\\n');
      }
    }
  });
}).listen(qmpPath);
let status = 'prelaunch';
setInterval(() => {}, 1000);
`;

/** Writes the fake emulator as an executable file in `dir`; returns its path. */
export async function writeFakeQemu(dir: string, mode: FakeQemuMode): Promise<string> {
  // QEMU runs as its own user under a root server: that user must reach the program.
  await chmod(dir, 0o755);
  const file = path.join(dir, `qemu-system-x86_64-fake-${mode}`);
  await writeFile(file, script(mode));
  await chmod(file, 0o755);
  return file;
}

/** The host's capabilities with `path` added as one more x86_64 emulator (a copy of the real one's). */
export function withEmulator(caps: HostCapabilities, emulatorPath: string): HostCapabilities {
  const real = caps.emulators.find((e) => e.arch === 'x86_64');
  if (!real) throw new Error('no x86_64 emulator on this host to copy');
  const fake: EmulatorCapabilities = { ...real, path: emulatorPath };
  return { ...caps, emulators: [...caps.emulators, fake] };
}
