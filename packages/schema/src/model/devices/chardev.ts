import { childElements, firstChild, type XmlElement } from '../../xml/tree.js';
import { deviceAddress, deviceAlias, type DeviceCommon } from '../address.js';
import { read } from '../values.js';

/** Host-side backends of serial ports, consoles, channels, parallel ports, redirdevs. */
export const CHARDEV_TYPES = {
  pty: 'a pseudo-terminal on the host (virsh console attaches to it)',
  file: 'write the output to a file',
  dev: 'a host character device (/dev/ttyS0)',
  pipe: 'a named pipe',
  unix: 'a UNIX domain socket',
  tcp: 'a TCP socket (client or server)',
  udp: 'UDP datagrams',
  null: 'discard output, no input',
  stdio: "QEMU's standard input and output",
  vc: 'a virtual console in the QEMU window',
  spicevmc: 'a SPICE channel (agent, USB redirection)',
  spiceport: 'a SPICE port',
  nmdm: 'a nullmodem device pair (FreeBSD)',
  'qemu-vdagent': "QEMU's built-in SPICE agent (clipboard, mouse)",
  dbus: 'a D-Bus channel',
} as const;
export type CharDevType = keyof typeof CHARDEV_TYPES;

export const CHARDEV_SOURCE_MODES = {
  bind: 'listen (server)',
  connect: 'connect (client)',
} as const;

export const CHARDEV_PROTOCOLS = {
  raw: 'raw bytes',
  telnet: 'telnet protocol',
  telnets: 'telnet over TLS',
  tls: 'TLS',
} as const;

export const SERIAL_TARGET_TYPES = {
  'isa-serial': 'an ISA 16550A UART (COM1-COM4 on x86)',
  'usb-serial': 'a USB serial adapter',
  'pci-serial': 'a PCI serial card',
  'spapr-vio-serial': 'a pseries VIO serial port',
  'system-serial': 'the machine\'s built-in UART (ARM, RISC-V)',
  'sclp-serial': 'the s390 SCLP console',
  'isa-debug': 'the ISA debug console port (0x402)',
} as const;

export const SERIAL_TARGET_MODELS = {
  'isa-serial': 'ISA UART',
  'usb-serial': 'USB serial',
  'pci-serial': 'PCI serial',
  'spapr-vty': 'pseries VTY',
  pl011: 'ARM PL011',
  '16550a': '16550A UART',
  sclpconsole: 's390 SCLP console',
  sclplmconsole: 's390 SCLP line-mode console',
  'isa-debugcon': 'ISA debug console',
} as const;

export const CONSOLE_TARGET_TYPES = {
  serial: 'the console is the first serial port',
  virtio: 'a virtio console (hvc0)',
  xen: 'the Xen console',
  uml: 'a UML console',
  lxc: 'an LXC console',
  openvz: 'an OpenVZ console',
  sclp: 'the s390 SCLP console',
  sclplm: 'the s390 SCLP line-mode console',
} as const;

export const CHANNEL_TARGET_TYPES = {
  virtio: 'a virtio-serial port the guest sees by name (guest agent, SPICE agent)',
  guestfwd: 'a TCP forward from a guest address and port (user networking)',
  xen: 'a Xen channel',
} as const;

export interface CharDevSource {
  mode?: string;
  path?: string;
  host?: string;
  service?: string;
  channel?: string;
  append?: boolean;
  tls?: boolean;
  node: XmlElement;
}

export interface CharDevice extends DeviceCommon {
  type: CharDevType;
  /** serial, console, channel, parallel or redirdev */
  kind: string;
  /** the first `<source>`; UDP uses two (`sources`) */
  source?: CharDevSource;
  sources: CharDevSource[];
  protocol?: string;
  target?: { type?: string; port?: number; name?: string; address?: string; targetPort?: string; state?: string; model?: string; node: XmlElement };
  log?: { file?: string; append?: boolean; node: XmlElement };
  tty?: string;
}

export function parseCharDevice(node: XmlElement): CharDevice {
  const sources = childElements(node, 'source').map((source) => ({
    mode: read.string(source, 'mode'),
    path: read.string(source, 'path'),
    host: read.string(source, 'host'),
    service: read.string(source, 'service'),
    channel: read.string(source, 'channel'),
    append: read.boolean(source, 'append'),
    tls: read.boolean(source, 'tls'),
    node: source,
  }));
  const protocol = firstChild(node, 'protocol');
  const target = firstChild(node, 'target');
  const targetModel = target === undefined ? undefined : firstChild(target, 'model');
  const log = firstChild(node, 'log');
  const isGuestfwd = target !== undefined && read.string(target, 'type') === 'guestfwd';
  return {
    node,
    address: deviceAddress(node),
    alias: deviceAlias(node),
    type: read.enum(node, 'type', CHARDEV_TYPES) ?? 'pty',
    kind: node.name,
    sources,
    source: sources[0],
    protocol: protocol === undefined ? undefined : read.string(protocol, 'type'),
    target:
      target === undefined
        ? undefined
        : {
            type: read.string(target, 'type'),
            // guestfwd's port is a guest TCP port, not a device index
            port: isGuestfwd ? undefined : read.unsigned(target, 'port'),
            targetPort: isGuestfwd ? read.string(target, 'port') : undefined,
            name: read.string(target, 'name'),
            address: read.string(target, 'address'),
            state: read.string(target, 'state'),
            model: targetModel === undefined ? undefined : read.string(targetModel, 'name'),
            node: target,
          },
    log: log === undefined ? undefined : { file: read.string(log, 'file'), append: read.boolean(log, 'append'), node: log },
    tty: read.string(node, 'tty'),
  };
}
