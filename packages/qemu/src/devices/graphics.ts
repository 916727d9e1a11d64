/** Displays: -vnc, -spice, -display, and the -audiodev backends they and sound cards use. */
import { attributeValue, type Graphics } from '@virtdeck/schema';
import { runFile, type BuildContext } from '../build/context.js';
import { escapeOptionValue, jsonOption, keyValue, type JsonObject, type OptionPairs, type QemuOption } from '../options.js';

const DEFAULT_LISTEN = '127.0.0.1';
const VNC_BASE_PORT = 5900;
/** VNC authentication (RFB's DES challenge) uses the first 8 characters of a password. */
const VNC_PASSWORD_MAX = 8;

type Protocol = 'vnc' | 'spice';

/**
 * A display password as a QEMU secret object read from a 0600 file in the run folder: never
 * on the command line, which /proc shows to every local user. `passwdValidTo` becomes an
 * expire_password the server sends before the CPUs run.
 */
function passwordSecret(ctx: BuildContext, g: Graphics, protocol: Protocol): { option: QemuOption; id: string } | undefined {
  if (g.passwd === undefined) return undefined;
  if (protocol === 'vnc' && g.passwd.length > VNC_PASSWORD_MAX) {
    ctx.diagnostics.warning('invalid-value', g.node, `VNC passwords have at most ${VNC_PASSWORD_MAX} characters: clients check only the first ${VNC_PASSWORD_MAX}.`);
  }
  const id = `graphics-${protocol}-secret`;
  const file = runFile(ctx, `${protocol}-password.secret`);
  if (ctx.runtime) {
    ctx.launch.secrets.push({ path: file, content: g.passwd });
    const expiry = passwordExpiry(ctx, g);
    if (expiry !== undefined) ctx.launch.qmp.push({ execute: 'expire_password', arguments: { protocol, time: expiry } });
  }
  return { option: { flag: '-object', value: jsonOption({ 'qom-type': 'secret', id, format: 'raw', file }) }, id };
}

/** passwdValidTo (a UTC timestamp, `2010-04-09T15:51:00`) as expire_password's seconds since the epoch. */
function passwordExpiry(ctx: BuildContext, g: Graphics): string | undefined {
  const validTo = attributeValue(g.node, 'passwdValidTo');
  if (validTo === undefined) return undefined;
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(validTo) ? validTo : `${validTo}Z`);
  if (Number.isNaN(ms)) {
    ctx.diagnostics.error('invalid-value', g.node, `passwdValidTo '${validTo}' is not a timestamp like 2010-04-09T15:51:00.`);
    return undefined;
  }
  return String(Math.max(0, Math.floor(ms / 1000)));
}

/** The port of an autoport display: the one the server chose at start (the preview shows libvirt's first). */
function chosenPort(ctx: BuildContext, protocol: Protocol): number | undefined {
  return ctx.runtime?.graphicsPorts?.[protocol];
}

interface Listen {
  kind: 'address' | 'socket' | 'none';
  value?: string;
}

function listenOf(ctx: BuildContext, g: Graphics): Listen {
  const first = g.listens[0];
  if (first?.type === 'socket') return { kind: 'socket', value: first.socket ?? g.socket };
  if (first?.type === 'none') return { kind: 'none' };
  if (first?.type === 'network') {
    ctx.diagnostics.unsupported(first.node, "Listening on a libvirt network (<listen type='network'>)", false);
  }
  if (g.socket !== undefined) return { kind: 'socket', value: g.socket };
  return { kind: 'address', value: first?.address ?? g.listen ?? DEFAULT_LISTEN };
}

/** The audiodev id a display or sound card uses: audioN for <audio id='N'>, audio1 otherwise. */
export function audioId(ctx: BuildContext, wanted?: number): string | undefined {
  const audios = ctx.domain.devices.audios;
  if (audios.length === 0) return implicitAudioType(ctx) === undefined ? undefined : 'audio1';
  const audio = audios.find((a) => a.id === wanted) ?? audios[0];
  return `audio${audio?.id ?? 1}`;
}

/** The audio backend libvirt picks when the definition has no <audio>: spice with SPICE, else none. */
function implicitAudioType(ctx: BuildContext): string | undefined {
  const types = ctx.domain.devices.graphics.map((g) => g.type);
  if (types.includes('spice')) return 'spice';
  if (types.includes('sdl') || types.includes('egl-headless')) return undefined;
  return 'none';
}

export function buildAudioArgs(ctx: BuildContext): QemuOption[] {
  const audios = ctx.domain.devices.audios;
  if (audios.length === 0) {
    const type = implicitAudioType(ctx);
    return type === undefined ? [] : [{ flag: '-audiodev', value: jsonOption({ id: 'audio1', driver: type }) }];
  }
  const options: QemuOption[] = [];
  for (const audio of audios) {
    const props: JsonObject = { id: `audio${audio.id ?? 1}`, driver: audio.type === 'pulseaudio' ? 'pa' : (audio.type ?? 'none') };
    if (audio.type === 'file' && audio.path) props.path = audio.path;
    if (audio.type === 'pulseaudio' && audio.serverName) props.server = audio.serverName;
    options.push({ flag: '-audiodev', value: jsonOption(props) });
  }
  return options;
}

function vncValue(ctx: BuildContext, g: Graphics, secret: string | undefined): string | undefined {
  const listen = listenOf(ctx, g);
  let first: string;
  if (listen.kind === 'none') first = 'none';
  else if (listen.kind === 'socket') first = `vnc=unix:${escapeOptionValue(listen.value ?? runFile(ctx, 'vnc.sock'))}`;
  else {
    const address = listen.value ?? DEFAULT_LISTEN;
    const auto = g.autoport === true || g.port === undefined || g.port === -1;
    const chosen = auto ? chosenPort(ctx, 'vnc') : undefined;
    const port = auto ? (chosen ?? VNC_BASE_PORT) : (g.port as number);
    if (port < VNC_BASE_PORT) {
      ctx.diagnostics.error('invalid-value', g.node, `VNC port ${port} is below ${VNC_BASE_PORT}: QEMU counts VNC displays from port ${VNC_BASE_PORT}.`);
      return undefined;
    }
    const host = address.includes(':') ? `[${address}]` : address;
    const text = `${host}:${port - VNC_BASE_PORT}`;
    // An address holding '=' would read as key=value in the implied position: name the key.
    first = text.includes('=') ? `vnc=${escapeOptionValue(text)}` : escapeOptionValue(text);
    if (auto && ctx.runtime && chosen === undefined) first += ',to=99'; // QEMU takes the first free display
  }
  // QEMU's share= values are libvirt's sharePolicy words.
  const share = g.sharePolicy;
  const rest = keyValue([
    ['password-secret', secret],
    ['websocket', g.websocket],
    ['share', share],
    ['audiodev', audioId(ctx, g.audioId)],
  ]);
  return rest ? `${first},${rest}` : first;
}

function spiceValue(ctx: BuildContext, g: Graphics, secret: string | undefined): string {
  const listen = listenOf(ctx, g);
  const pairs: Array<[string, string | number | boolean | undefined]> = [];
  if (listen.kind === 'socket') {
    pairs.push(['unix', true], ['addr', listen.value ?? runFile(ctx, 'spice.sock')]);
  } else if (listen.kind === 'address') {
    const auto = g.autoport === true;
    const chosen = auto ? chosenPort(ctx, 'spice') : undefined;
    pairs.push(['port', auto ? (chosen ?? VNC_BASE_PORT) : (g.port ?? 0)]);
    if (g.tlsPort !== undefined && g.tlsPort > 0) pairs.push(['tls-port', g.tlsPort]);
    if (g.listens.length > 0 || g.listen !== undefined) pairs.push(['addr', listen.value]);
  }
  const mouse = g.spice.mouse;
  if (mouse === 'server' || mouse === 'client') pairs.push(['agent-mouse', mouse === 'client']);
  if (g.tlsPort !== undefined && g.tlsPort > 0) {
    // libvirt's default certificate folder; the host must provide the certificates there.
    pairs.push(['x509-dir', '/etc/pki/libvirt-spice']);
  }
  if (g.defaultMode === 'secure') pairs.push(['tls-channel', 'default']);
  if (g.defaultMode === 'insecure') pairs.push(['plaintext-channel', 'default']);
  for (const channel of g.channels) {
    if (!channel.name || channel.mode === 'any' || channel.mode === undefined) continue;
    pairs.push([channel.mode === 'secure' ? 'tls-channel' : 'plaintext-channel', channel.name]);
  }
  const tuning: Array<[string, string]> = [
    ['image', 'image-compression'],
    ['jpeg', 'jpeg-wan-compression'],
    ['zlib', 'zlib-glz-wan-compression'],
    ['playback', 'playback-compression'],
    ['streaming', 'streaming-video'],
  ];
  for (const [element, key] of tuning) if (g.spice[element] !== undefined) pairs.push([key, g.spice[element]]);
  if (g.spice.clipboard === 'no') pairs.push(['disable-copy-paste', true]);
  if (g.spice.filetransfer === 'no') pairs.push(['disable-agent-file-xfer', true]);
  if (g.gl?.enable) {
    pairs.push(['gl', true]);
    if (g.gl.rendernode) pairs.push(['rendernode', g.gl.rendernode]);
  }
  // Without a password SPICE still asks for a ticket, refusing every client: libvirt turns
  // ticketing off, and so do we (the display listens on 127.0.0.1 unless the definition says otherwise).
  if (secret !== undefined) pairs.push(['password-secret', secret]);
  else pairs.push(['disable-ticketing', true]);
  pairs.push(['seamless-migration', true]);
  return keyValue(pairs as OptionPairs);
}

export function buildGraphicsArgs(ctx: BuildContext): QemuOption[] {
  const graphics = ctx.domain.devices.graphics;
  const options: QemuOption[] = [];
  const seen = new Set<string>();
  for (const g of graphics) {
    if (seen.has(g.type)) {
      ctx.diagnostics.error('too-many-elements', g.node, `Only one ${g.type} display is possible.`);
      continue;
    }
    seen.add(g.type);
    switch (g.type) {
      case 'vnc': {
        const secret = passwordSecret(ctx, g, 'vnc');
        const value = vncValue(ctx, g, secret?.id);
        if (value === undefined) break;
        if (secret) options.push(secret.option);
        options.push({ flag: '-vnc', value });
        if (g.keymap) options.push({ flag: '-k', value: g.keymap });
        break;
      }
      case 'spice': {
        const secret = passwordSecret(ctx, g, 'spice');
        if (secret) options.push(secret.option);
        options.push({ flag: '-spice', value: spiceValue(ctx, g, secret?.id) });
        break;
      }
      case 'sdl': {
        if (g.display !== undefined || g.xauth !== undefined) {
          ctx.diagnostics.info('not-applicable', g.node, 'SDL display= and xauth= go into the QEMU process environment (DISPLAY, XAUTHORITY).');
          if (g.display !== undefined) ctx.env.DISPLAY = g.display;
          if (g.xauth !== undefined) ctx.env.XAUTHORITY = g.xauth;
        }
        const gl = g.gl?.enable ? ',gl=on' : '';
        options.push({ flag: '-display', value: `sdl${gl}` });
        break;
      }
      case 'egl-headless': {
        const node = g.gl?.rendernode;
        options.push({ flag: '-display', value: node ? `egl-headless,rendernode=${escapeOptionValue(node)}` : 'egl-headless' });
        break;
      }
      default:
        ctx.diagnostics.unsupported(g.node, `A ${g.type} display`, true);
    }
  }
  const browser = browserDisplay(ctx);
  if (browser) options.push(browser);
  return options;
}

/**
 * The display the web console shows: one more VNC server on a UNIX socket in the run folder,
 * for every guest with a VNC or SPICE screen, so the browser never needs a TCP port. It
 * asks for the definition's password when there is one, from the secret object the screen
 * itself reads (passwordSecret).
 */
function browserDisplay(ctx: BuildContext): QemuOption | undefined {
  const socket = ctx.runtime?.displaySocket;
  const screen = ctx.domain.devices.graphics.find((g) => g.type === 'vnc' || g.type === 'spice');
  if (!socket || !screen) return undefined;
  const password = screen.passwd !== undefined ? `,password-secret=graphics-${screen.type}-secret` : '';
  return { flag: '-vnc', value: `vnc=unix:${escapeOptionValue(socket)},id=browser${password}` };
}

/** `-display none` when the guest has no display at all. */
export function buildNoDisplayArgs(ctx: BuildContext): QemuOption[] {
  return ctx.domain.devices.graphics.length === 0 ? [{ flag: '-display', value: 'none' }] : [];
}
