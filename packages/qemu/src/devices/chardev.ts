/**
 * Character devices: serial and parallel ports, consoles and channels. Each is a -chardev
 * backend (pty, file, socket, …) plus the guest-side device (isa-serial, virtconsole,
 * virtserialport, …), named charserial0 / serial0 and so on like libvirt.
 */
import { attributeValue, firstChild, type CharDevice } from '@virtdeck/schema';
import { hasDevice, pciBusProps, runFile, type BuildContext, type LaunchRuntime } from '../build/context.js';
import { jsonOption, keyValue, type JsonObject, type OptionPairs, type QemuOption } from '../options.js';
import { consoleDevice, libvirtRuntimeFile } from './serialConsole.js';
import { usbBusProps } from './usb.js';

const IPV4 = /^(?:(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])$/;

/**
 * The path of a UNIX socket: as written, in the run folder when it names a libvirt host's
 * runtime folder (which this host does not have), or there by its target name when none.
 */
function unixSocketPath(ctx: BuildContext, chr: CharDevice, id: string): string {
  const path = chr.source?.path;
  if (path === undefined) return runFile(ctx, `${chr.target?.name ?? id}.sock`);
  const name = libvirtRuntimeFile(path);
  if (name === undefined) return path;
  ctx.diagnostics.info('not-applicable', chr.source?.node ?? chr.node, `${path} is in a libvirt host's runtime folder: virtdeck puts the socket in the guest's run folder as ${name}.`);
  return runFile(ctx, name);
}

/**
 * The -chardev value of a character device, or undefined (with a diagnostic) when the
 * backend cannot be expressed. `id` is the chardev id.
 */
export function chardevValue(ctx: BuildContext, chr: CharDevice, id: string, purpose: 'serial' | 'parallel' | 'other'): string | undefined {
  const { diagnostics } = ctx;
  const src = chr.source;
  const log: OptionPairs = chr.log?.file ? [['logfile', chr.log.file], ['logappend', chr.log.append]] : [];
  const reconnect = src ? firstChild(src.node, 'reconnect') : undefined;
  const reconnectTimeout = reconnect && attributeValue(reconnect, 'enabled') !== 'no' ? Number(attributeValue(reconnect, 'timeout') ?? '0') : undefined;
  switch (chr.type) {
    case 'null':
    case 'vc':
    case 'pty':
      return keyValue([['id', id], ...log], chr.type);
    case 'stdio':
      return keyValue([['id', id], ['signal', false], ...log], 'stdio');
    case 'dev':
      return keyValue([['id', id], ['path', src?.path], ...log], purpose === 'parallel' ? 'parallel' : 'serial');
    case 'file':
      return keyValue([['id', id], ['path', src?.path], ['append', src?.append], ...log], 'file');
    case 'pipe':
      return keyValue([['id', id], ['path', src?.path], ...log], 'pipe');
    case 'unix': {
      const server = (src?.mode ?? 'bind') === 'bind';
      const path = unixSocketPath(ctx, chr, id);
      return keyValue([['id', id], ['path', path], ...log, ...(server ? ([['server', true], ['wait', false]] as OptionPairs) : []), ['reconnect', server ? undefined : reconnectTimeout]], 'socket');
    }
    case 'tcp': {
      const server = src?.mode === 'bind';
      if (chr.protocol === 'tls' || chr.protocol === 'telnets' || src?.tls) {
        diagnostics.unsupported(chr.node, 'TLS on a TCP character device', true);
        return undefined;
      }
      return keyValue(
        [
          ['id', id],
          ['host', src?.host],
          ['port', src?.service],
          ['telnet', chr.protocol === 'telnet' ? true : undefined],
          ...log,
          ...(server ? ([['server', true], ['wait', false]] as OptionPairs) : []),
          ['reconnect', server ? undefined : reconnectTimeout],
        ],
        'socket',
      );
    }
    case 'udp': {
      const connect = chr.sources.find((s) => s.mode !== 'bind') ?? chr.sources[0];
      const bind = chr.sources.find((s) => s.mode === 'bind');
      return keyValue(
        [
          ['id', id],
          ['host', connect?.host ?? ''],
          ['port', connect?.service],
          ['localaddr', bind?.host ?? ''],
          ['localport', bind?.service ?? '0'],
          ...log,
        ],
        'udp',
      );
    }
    case 'spicevmc': {
      const name = chr.kind === 'redirdev' ? 'usbredir' : chr.kind === 'smartcard' ? 'smartcard' : 'vdagent';
      return keyValue([['id', id], ['name', name]], 'spicevmc');
    }
    case 'spiceport':
      return keyValue([['id', id], ['name', src?.channel]], 'spiceport');
    case 'qemu-vdagent':
      return keyValue([['id', id], ['name', 'vdagent']], 'qemu-vdagent');
    case 'dbus':
      return keyValue([['id', id], ['name', chr.target?.name]], 'dbus');
    case 'nmdm':
      diagnostics.unsupported(chr.node, 'The nmdm (FreeBSD null modem) character device', true);
      return undefined;
    default: {
      const unknown: never = chr.type;
      diagnostics.error('invalid-value', chr.node, `Character device type '${String(unknown)}' is unknown.`);
      return undefined;
    }
  }
}

/**
 * With a launch runtime, the console device (see serialConsole.ts), when it is a pty, becomes a socket
 * the server attaches the interactive console to, with a log of everything printed.
 */
function runtimeSerialChardev(ctx: BuildContext, chr: CharDevice, id: string): string | undefined {
  const rt = ctx.runtime;
  if (!rt?.serialSocket || chr.type !== 'pty' || consoleDevice(ctx.domain) !== chr) return undefined;
  return keyValue(
    [
      ['id', id],
      ['path', rt.serialSocket],
      ['server', true],
      ['wait', false],
      ...consoleLog(rt, chr),
    ],
    'socket',
  );
}

/** The console's log: the runtime's, else the one the definition names (<log file append>). */
function consoleLog(rt: LaunchRuntime, chr: CharDevice): OptionPairs {
  if (rt.serialLog !== undefined) return [['logfile', rt.serialLog], ['logappend', true]];
  return chr.log?.file ? [['logfile', chr.log.file], ['logappend', chr.log.append]] : [];
}

function serialDevice(ctx: BuildContext, chr: CharDevice, chardev: string, id: string | undefined): JsonObject | undefined {
  const targetType = chr.target?.type ?? 'isa-serial';
  const port = ctx.layout.serialPort.get(chr) ?? 0;
  switch (targetType) {
    case 'isa-serial':
      return { driver: 'isa-serial', chardev, id, index: port };
    case 'usb-serial':
      return { driver: 'usb-serial', chardev, id, ...usbBusProps(ctx, chr) };
    case 'pci-serial':
      return { driver: 'pci-serial', chardev, id, ...pciBusProps(ctx, ctx.layout.pci.get(chr)) };
    case 'isa-debug':
      return { driver: 'isa-debugcon', chardev, id, iobase: 0x402 };
    default:
      ctx.diagnostics.unsupported(chr.target?.node ?? chr.node, `A serial port of target type '${targetType}'`, true);
      return undefined;
  }
}

function pushDevice(ctx: BuildContext, options: QemuOption[], chr: CharDevice, props: JsonObject): void {
  const driver = String(props.driver);
  if (!hasDevice(ctx, driver)) ctx.diagnostics.error('device-model-unknown', chr.node, `This QEMU has no '${driver}' device.`);
  options.push({ flag: '-device', value: jsonOption(props) });
}

export function buildSerialArgs(ctx: BuildContext): QemuOption[] {
  const options: QemuOption[] = [];
  ctx.layout.serials.forEach((chr, i) => {
    const chardevId = `charserial${i}`;
    const value = runtimeSerialChardev(ctx, chr, chardevId) ?? chardevValue(ctx, chr, chardevId, 'serial');
    if (!value) return;
    const props = serialDevice(ctx, chr, chardevId, ctx.layout.alias.get(chr));
    if (!props) return;
    options.push({ flag: '-chardev', value });
    pushDevice(ctx, options, chr, props);
  });
  return options;
}

export function buildParallelArgs(ctx: BuildContext): QemuOption[] {
  const options: QemuOption[] = [];
  ctx.domain.devices.parallels.forEach((chr, i) => {
    const chardevId = `charparallel${i}`;
    const value = chardevValue(ctx, chr, chardevId, 'parallel');
    if (!value) return;
    options.push({ flag: '-chardev', value });
    pushDevice(ctx, options, chr, { driver: 'isa-parallel', chardev: chardevId, id: ctx.layout.alias.get(chr) });
  });
  return options;
}

function virtioSerialPlacement(ctx: BuildContext, chr: CharDevice): JsonObject {
  const slot = ctx.layout.virtioSerial.get(chr);
  if (!slot?.explicit) return {};
  const controller = ctx.layout.controllerAlias('virtio-serial', slot.controller) ?? `virtio-serial${slot.controller}`;
  return { bus: `${controller}.0`, nr: slot.port };
}

export function buildChannelArgs(ctx: BuildContext): QemuOption[] {
  const options: QemuOption[] = [];
  ctx.domain.devices.channels.forEach((chr, i) => {
    const chardevId = `charchannel${i}`;
    const id = ctx.layout.alias.get(chr);
    const targetType = chr.target?.type ?? 'virtio';
    if (targetType === 'guestfwd') {
      // The forward rule is one string QEMU splits on ':' and '-': only an IPv4 address and
      // a port number may go into it.
      const address = chr.target?.address ?? '';
      const port = chr.target?.targetPort ?? '';
      if (!IPV4.test(address) || !/^[0-9]{1,5}$/.test(port) || Number(port) > 65535) {
        ctx.diagnostics.error('invalid-value', chr.target?.node ?? chr.node, 'A guestfwd channel needs an IPv4 target address and a port number.');
        return;
      }
      const value = chardevValue(ctx, chr, chardevId, 'other');
      if (!value) return;
      options.push({ flag: '-chardev', value });
      const rule = `tcp:${address}:${port}-chardev:${chardevId}`;
      options.push({ flag: '-netdev', value: jsonOption({ type: 'user', guestfwd: [{ str: rule }], id }) });
      return;
    }
    if (targetType !== 'virtio') {
      ctx.diagnostics.unsupported(chr.target?.node ?? chr.node, `A channel of target type '${targetType}'`, true);
      return;
    }
    const value = chardevValue(ctx, chr, chardevId, 'other');
    if (!value) return;
    options.push({ flag: '-chardev', value });
    pushDevice(ctx, options, chr, { driver: 'virtserialport', ...virtioSerialPlacement(ctx, chr), chardev: chardevId, id, name: chr.target?.name });
  });
  return options;
}

export function buildConsoleArgs(ctx: BuildContext): QemuOption[] {
  const options: QemuOption[] = [];
  for (const chr of ctx.layout.consoles) {
    const index = ctx.domain.devices.consoles.indexOf(chr);
    const chardevId = `charconsole${index}`;
    const targetType = chr.target?.type ?? 'serial';
    if (targetType !== 'virtio') {
      ctx.diagnostics.unsupported(chr.target?.node ?? chr.node, `A console of target type '${targetType}' beyond the first`, true);
      continue;
    }
    const value = runtimeSerialChardev(ctx, chr, chardevId) ?? chardevValue(ctx, chr, chardevId, 'other');
    if (!value) continue;
    options.push({ flag: '-chardev', value });
    pushDevice(ctx, options, chr, { driver: 'virtconsole', ...virtioSerialPlacement(ctx, chr), chardev: chardevId, id: ctx.layout.alias.get(chr) });
  }
  return options;
}
