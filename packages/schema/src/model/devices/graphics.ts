import { childElements, firstChild, type XmlElement } from '../../xml/tree.js';
import { read } from '../values.js';

/** `<graphics type='vnc' sharePolicy=…>`: how clients share the display. */
export const VNC_SHARE_POLICIES = {
  'allow-exclusive': 'allow exclusive access',
  'force-shared': 'always shared',
  ignore: 'ignore the request',
} as const;
export type VncSharePolicy = keyof typeof VNC_SHARE_POLICIES;

export const GRAPHICS_TYPES = {
  vnc: 'a VNC server',
  spice: 'a SPICE server',
  sdl: 'an SDL window on the host display',
  'egl-headless': 'OpenGL rendering without a display (for another display type)',
  dbus: 'a D-Bus display',
  rdp: 'an RDP server',
  desktop: 'a window on the host desktop (VirtualBox)',
} as const;
export type GraphicsType = keyof typeof GRAPHICS_TYPES;

export const LISTEN_TYPES = {
  address: 'listen on an IP address or host name',
  network: 'listen on the address of a libvirt network',
  socket: 'listen on a UNIX socket',
  none: 'do not listen (only reachable through the hypervisor)',
} as const;

export const SPICE_CHANNEL_NAMES = {
  main: 'the main channel',
  display: 'the display',
  inputs: 'keyboard and mouse',
  cursor: 'the cursor',
  playback: 'audio playback',
  record: 'audio recording',
  smartcard: 'smartcard passthrough',
  usbredir: 'USB redirection',
} as const;

export const SPICE_CHANNEL_MODES = {
  any: 'secure or insecure, as the client chooses',
  secure: 'TLS only',
  insecure: 'plain text only',
} as const;

export interface Graphics {
  type: GraphicsType;
  port?: number;
  tlsPort?: number;
  autoport?: boolean;
  websocket?: number;
  /** the legacy `listen=` attribute */
  listen?: string;
  socket?: string;
  passwd?: string;
  keymap?: string;
  display?: string;
  xauth?: string;
  fullscreen?: boolean;
  defaultMode?: string;
  sharePolicy?: VncSharePolicy;
  listens: { type?: string; address?: string; network?: string; socket?: string; node: XmlElement }[];
  channels: { name?: string; mode?: string; node: XmlElement }[];
  gl?: { enable?: boolean; rendernode?: string; node: XmlElement };
  /** SPICE tuning, by element: image/jpeg/zlib compression, playback, streaming mode, clipboard, mouse, filetransfer */
  spice: Record<string, string>;
  audioId?: number;
  node: XmlElement;
}

const SPICE_TUNING: Readonly<Record<string, string>> = {
  image: 'compression',
  jpeg: 'compression',
  zlib: 'compression',
  playback: 'compression',
  streaming: 'mode',
  clipboard: 'copypaste',
  mouse: 'mode',
  filetransfer: 'enable',
};

export function parseGraphics(node: XmlElement): Graphics {
  const gl = firstChild(node, 'gl');
  const audio = firstChild(node, 'audio');
  const spice: Record<string, string> = {};
  for (const [element, attribute] of Object.entries(SPICE_TUNING)) {
    const child = firstChild(node, element);
    const value = child === undefined ? undefined : read.string(child, attribute);
    if (value !== undefined) spice[element] = value;
  }
  return { type: read.enum(node, 'type', GRAPHICS_TYPES) ?? 'vnc',
      listens: childElements(node, 'listen').map((listen) => ({
        type: read.string(listen, 'type'),
        address: read.string(listen, 'address'),
        network: read.string(listen, 'network'),
        socket: read.string(listen, 'socket'),
        node: listen,
      })),
      channels: childElements(node, 'channel').map((channel) => ({ name: read.string(channel, 'name'), mode: read.string(channel, 'mode'), node: channel })),
      spice,
      node, port: read.signed(node, 'port'),
      tlsPort: read.signed(node, 'tlsPort'),
      autoport: read.boolean(node, 'autoport'),
      websocket: read.signed(node, 'websocket'),
      listen: read.string(node, 'listen'),
      socket: read.string(node, 'socket'),
      passwd: read.string(node, 'passwd'),
      keymap: read.string(node, 'keymap'),
      display: read.string(node, 'display'),
      xauth: read.string(node, 'xauth'),
      fullscreen: read.boolean(node, 'fullscreen'),
      defaultMode: read.string(node, 'defaultMode'),
      sharePolicy: read.enum(node, 'sharePolicy', VNC_SHARE_POLICIES),
      gl: gl === undefined ? undefined : { enable: read.boolean(gl, 'enable'), rendernode: read.string(gl, 'rendernode'), node: gl },
      audioId: audio === undefined ? undefined : read.number(audio, 'id') };
}
