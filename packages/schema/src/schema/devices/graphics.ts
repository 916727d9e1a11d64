/** <graphics>: VNC, SPICE, SDL, EGL, D-Bus, RDP displays. */
import { GRAPHICS_TYPES, LISTEN_TYPES, SPICE_CHANNEL_MODES, SPICE_CHANNEL_NAMES, VNC_SHARE_POLICIES } from '../../model/devices/graphics.js';
import { ON_OFF, YES_NO, yesNo } from '../common.js';
import { attr, data, element, many, one, oneOf, required } from '../types.js';
import { audioRef } from './common.js';

export const listenSpec = element('where the display server listens', {
  attributes: { type: required('address, network, socket or none', oneOf(LISTEN_TYPES)) },
  variants: {
    attribute: 'type',
    cases: {
      address: { attributes: { address: attr('the address', data('ipOrName')) } },
      network: { attributes: { network: required('the libvirt network', data('string')), address: attr('the address (output)', data('ipOrName')) } },
      socket: { attributes: { socket: attr('the socket path', data('absPath')) } },
      none: {},
    },
  },
});
export const glSpec = element('OpenGL acceleration', { attributes: { enable: yesNo('enable OpenGL'), rendernode: attr('the DRM render node', data('absPath')) } });
export const compression = (doc: string, values: Readonly<Record<string, string>>) => element(doc, { attributes: { compression: required('compression', oneOf(values)) } });
export const AUTO_NEVER_ALWAYS = { auto: 'automatic', never: 'never', always: 'always' } as const;
export const graphicsSpec = element('a graphical console', {
  attributes: { type: required('the kind of display', oneOf(GRAPHICS_TYPES)) },
  variants: {
    attribute: 'type',
    cases: {
      vnc: {
        attributes: {
          port: attr('the TCP port (-1 or autoport: chosen automatically)', data('portNumber')),
          autoport: yesNo('choose a free port at start'),
          websocket: attr('the WebSocket port', data('portNumber')),
          listen: attr('the listen address (prefer <listen>)', data('ipOrName')),
          socket: attr('a UNIX socket instead of TCP', data('absPath')),
          sharePolicy: attr('sharing between clients', oneOf(VNC_SHARE_POLICIES)),
          powerControl: yesNo('allow power control from the client'),
          passwd: attr('the password', data('string')),
          keymap: attr('the keyboard layout (en-us, de, fr…)', data('string')),
          passwdValidTo: attr('password expiry', data('string')),
          connected: attr('what happens to clients on password change', oneOf({ keep: 'keep them' })),
        },
        children: { listen: many(listenSpec), audio: one(audioRef) },
      },
      spice: {
        attributes: {
          port: attr('the plain TCP port', data('portNumber')),
          tlsPort: attr('the TLS port', data('portNumber')),
          autoport: yesNo('choose free ports at start'),
          listen: attr('the listen address (prefer <listen>)', data('ipOrName')),
          passwd: attr('the password', data('string')),
          keymap: attr('the keyboard layout', data('string')),
          passwdValidTo: attr('password expiry', data('string')),
          connected: attr('what happens to clients on password change', oneOf({ fail: 'fail', disconnect: 'disconnect', keep: 'keep' })),
          defaultMode: attr('default channel security', oneOf(SPICE_CHANNEL_MODES)),
        },
        children: {
          listen: many(listenSpec),
          channel: many(element('security of one SPICE channel', { attributes: { name: required('the channel', oneOf(SPICE_CHANNEL_NAMES)), mode: required('its security', oneOf(SPICE_CHANNEL_MODES)) } })),
          image: one(compression('image compression', { auto_glz: 'auto GLZ', auto_lz: 'auto LZ', quic: 'QUIC', glz: 'GLZ', lz: 'LZ', off: 'off' })),
          jpeg: one(compression('JPEG compression over WAN', AUTO_NEVER_ALWAYS)),
          zlib: one(compression('zlib compression of images', AUTO_NEVER_ALWAYS)),
          playback: one(compression('audio stream compression', ON_OFF)),
          streaming: one(element('video streaming', { attributes: { mode: required('the mode', oneOf({ filter: 'filter', all: 'all', off: 'off' })) } })),
          clipboard: one(element('clipboard sharing', { attributes: { copypaste: required('allow copy and paste', oneOf(YES_NO)) } })),
          mouse: one(element('mouse mode', { attributes: { mode: required('server or client', oneOf({ server: 'server', client: 'client' })) } })),
          filetransfer: one(element('file transfer', { attributes: { enable: required('allow it', oneOf(YES_NO)) } })),
          gl: one(glSpec),
        },
      },
      sdl: {
        attributes: { display: attr('the X display', data('string')), xauth: attr('the X authority file', data('string')), fullscreen: yesNo('start full screen') },
        children: { gl: one(glSpec) },
      },
      'egl-headless': { children: { gl: one(glSpec) } },
      dbus: {
        attributes: { address: attr('the D-Bus address', data('string')), p2p: yesNo('peer-to-peer connection') },
        children: { gl: one(glSpec), audio: one(audioRef) },
      },
      rdp: {
        attributes: {
          port: attr('the TCP port', data('portNumber')),
          autoport: yesNo('choose a free port'),
          replaceUser: yesNo('replace the connected user'),
          multiUser: yesNo('several users at once'),
          listen: attr('the listen address', data('ipOrName')),
          username: attr('the user name clients log in with', data('string')),
          passwd: attr('the password', data('string')),
        },
        children: { listen: many(listenSpec) },
      },
      desktop: { attributes: { display: attr('the X display', data('string')), fullscreen: yesNo('start full screen') } },
    },
  },
});
