/**
 * Which character device the server's console attaches to: the first serial port or console
 * it can read (a pty, which the launch turns into the server's socket, or a UNIX socket QEMU
 * listens on), and otherwise why there is none. Also where libvirt's runtime paths go.
 */
import type { CharDevice, Domain } from '@virtdeck/schema';

export type SerialConsoleAccess =
  /** Served on the launch's serial socket (LaunchRuntime.serialSocket). */
  | { kind: 'pty' }
  /** QEMU listens on this UNIX socket; `inRunDir`: a file name in the guest's run folder. */
  | { kind: 'unix'; path: string; inRunDir: boolean }
  | { kind: 'unavailable'; reason: string };

/** Folders of a libvirt host's runtime that do not exist here: their sockets go into the run folder. */
const LIBVIRT_RUNTIME_DIRS = ['/run/libvirt/qemu/', '/var/run/libvirt/qemu/', '/var/lib/libvirt/qemu/channel/', '/var/lib/libvirt/qemu/domain-'];

/** The file name a libvirt runtime path becomes in the run folder, or undefined for any other path. */
export function libvirtRuntimeFile(path: string): string | undefined {
  if (!LIBVIRT_RUNTIME_DIRS.some((dir) => path.startsWith(dir))) return undefined;
  const name = path.slice(path.lastIndexOf('/') + 1);
  return name === '' ? undefined : name;
}

const isServedUnix = (chr: CharDevice): boolean => chr.type === 'unix' && (chr.source?.mode ?? 'bind') === 'bind' && chr.source?.path !== undefined;

/** Serial ports first, then consoles (a serial console without a port is the first serial port). */
function candidates(domain: Domain): CharDevice[] {
  return [...domain.devices.serials, ...domain.devices.consoles];
}

/** The device the console attaches to, when one can be read. */
export function consoleDevice(domain: Domain): CharDevice | undefined {
  return candidates(domain).find((chr) => chr.type === 'pty' || isServedUnix(chr));
}

const WHY_NOT: Partial<Record<CharDevice['type'], string>> = {
  file: 'writes to a file on the host',
  null: 'discards its output (type null)',
  tcp: 'is a TCP socket: connect to it with a TCP client',
  udp: 'sends UDP datagrams',
  pipe: 'is a named pipe on the host',
  unix: 'connects to a UNIX socket another program serves',
  stdio: "is QEMU's standard input and output",
  vc: "is a QEMU window's text console",
  dev: 'is a host serial device',
  spicevmc: 'goes to the SPICE client',
  spiceport: 'goes to the SPICE client',
};

export function serialConsoleAccess(domain: Domain): SerialConsoleAccess | undefined {
  const all = candidates(domain);
  if (all.length === 0) return undefined;
  const chr = consoleDevice(domain);
  if (chr?.type === 'pty') return { kind: 'pty' };
  if (chr) {
    const path = chr.source?.path ?? '';
    const inRunDir = libvirtRuntimeFile(path);
    return inRunDir !== undefined ? { kind: 'unix', path: inRunDir, inRunDir: true } : { kind: 'unix', path, inRunDir: false };
  }
  // Short enough for a WebSocket close reason (123 bytes).
  const first = all[0] as CharDevice;
  return { kind: 'unavailable', reason: `The serial port ${WHY_NOT[first.type] ?? `is of type ${first.type}`}; only a pty or a served UNIX socket can be read.` };
}
