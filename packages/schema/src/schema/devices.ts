import {
  CHANNEL_TARGET_TYPES,
  CHARDEV_TYPES,
  CONSOLE_TARGET_TYPES,
  SERIAL_TARGET_MODELS,
  SERIAL_TARGET_TYPES,
} from '../model/devices/chardev.js';
import {
  CONTROLLER_TYPES,
  IDE_CONTROLLER_MODELS,
  PCI_CONTROLLER_MODEL_NAMES,
  PCI_CONTROLLER_MODELS,
  SCSI_CONTROLLER_MODELS,
  USB_CONTROLLER_MODELS,
  VIRTIO_MODELS,
} from '../model/devices/controller.js';
import { FILESYSTEM_ACCESS_MODES, FILESYSTEM_DRIVERS, FILESYSTEM_TYPES } from '../model/devices/filesystem.js';
import { GRAPHICS_TYPES, LISTEN_TYPES, SPICE_CHANNEL_MODES, SPICE_CHANNEL_NAMES } from '../model/devices/graphics.js';
import { HOSTDEV_MODES, HOSTDEV_TYPES, MDEV_MODELS } from '../model/devices/hostdev.js';
import { HUB_TYPES } from '../model/devices/hub.js';
import { GRAB_TOGGLES, INPUT_BUSES, INPUT_TYPES } from '../model/devices/input.js';
import { INTERFACE_TYPES, LINK_STATES, MACVTAP_MODES, NET_DRIVER_NAMES, NIC_MODELS, VIRTUALPORT_TYPES } from '../model/devices/interface.js';
import { IOMMU_MODELS } from '../model/devices/iommu.js';
import { MEMBALLOON_MODELS } from '../model/devices/memballoon.js';
import { MEMORY_DEVICE_MODELS } from '../model/devices/memoryDevice.js';
import { PANIC_MODELS } from '../model/devices/panic.js';
import { REDIRDEV_BUSES } from '../model/devices/redirdev.js';
import { RNG_BACKEND_MODELS } from '../model/devices/rng.js';
import { SHMEM_MODELS } from '../model/devices/shmem.js';
import { SMARTCARD_MODES } from '../model/devices/smartcard.js';
import { AUDIO_TYPES, SOUND_CODECS, SOUND_MODELS } from '../model/devices/sound.js';
import { TPM_BACKEND_TYPES, TPM_MODELS, TPM_VERSIONS } from '../model/devices/tpm.js';
import { VIDEO_MODELS } from '../model/devices/video.js';
import { WATCHDOG_ACTIONS, WATCHDOG_MODELS } from '../model/devices/watchdog.js';
import { DISK_SOURCE_STARTUP_POLICIES } from '../model/devices/disk.js';
import {
  acpiSpec,
  addressSpec,
  aliasSpec,
  bootSpec,
  chardevCommonChildren,
  driverVirtioOnly,
  ON_OFF,
  onOff,
  reconnectSpec,
  virtioOptions,
  YES_NO,
  yesNo,
} from './common.js';
import { diskAuthSpec, diskSpec, pciHostAddressSpec } from './disk.js';
import { attr, data, element, many, must, one, oneOf, required, suggest, type ChildSpec, type ElementSpec, type SpecParts } from './types.js';

const placement = { alias: one(aliasSpec), acpi: one(acpiSpec), address: one(addressSpec) };
const sized = (doc: string) => element(doc, { text: data('ulong'), attributes: { unit: attr('unit of the size', data('unit')) } });

const controllerDriver = element('controller driver options', {
  attributes: {
    queues: attr('queues (virtio-scsi)', data('uint')),
    cmd_per_lun: attr('commands per LUN (virtio-scsi)', data('uint')),
    max_sectors: attr('largest transfer in sectors (virtio-scsi)', data('uint')),
    ioeventfd: onOff('ioeventfd notification'),
    iothread: attr('the I/O thread serving the controller', data('uint')),
    ...virtioOptions,
  },
  children: { iothreads: one(element('I/O threads for the queues', { anyContent: true })) },
});

const controllerSpec = element('a bus controller: IDE, SATA, SCSI, USB, virtio-serial, PCI/PCIe', {
  attributes: {
    type: required('the kind of controller', oneOf(CONTROLLER_TYPES)),
    index: attr('the controller number within its type (0, 1, …)', data('uint')),
  },
  children: { ...placement, driver: one(controllerDriver) },
  variants: {
    attribute: 'type',
    cases: {
      ide: { attributes: { model: attr('the IDE chipset', oneOf(IDE_CONTROLLER_MODELS)) } },
      fdc: {},
      sata: {},
      ccid: {},
      isa: {},
      scsi: { attributes: { model: attr('the SCSI adapter model', oneOf(SCSI_CONTROLLER_MODELS)) } },
      usb: {
        attributes: { model: attr('the USB controller model', oneOf(USB_CONTROLLER_MODELS)), ports: attr('number of ports', data('uint')) },
        children: { master: one(element('the EHCI this companion UHCI belongs to', { attributes: { startport: required('first port', data('usbPort')) } })) },
      },
      'virtio-serial': {
        attributes: { model: attr('the virtio variant', oneOf(VIRTIO_MODELS)), ports: attr('ports per bus', data('uint')), vectors: attr('MSI vectors', data('uint')) },
      },
      xenbus: { attributes: { maxGrantFrames: attr('grant frames', data('uint')), maxEventChannels: attr('event channels', data('uint')) } },
      nvme: { attributes: { serial: attr('the NVMe serial', data('string')) } },
      pci: {
        attributes: { model: required('the kind of PCI controller', oneOf(PCI_CONTROLLER_MODELS)) },
        children: {
          model: one(element('the QEMU device emulating this controller', { attributes: { name: required('the QEMU device', oneOf(PCI_CONTROLLER_MODEL_NAMES)) } })),
          target: one(
            element('controller-specific numbers', {
              attributes: {
                chassisNr: attr('chassis number (pci-bridge)', data('uint8')),
                chassis: attr('chassis (PCIe ports)', data('uint8')),
                port: attr('port (PCIe ports)', data('uint8')),
                busNr: attr('bus number (expander buses)', data('uint8')),
                index: attr('PHB index (pseries)', data('uint8')),
                hotplug: onOff('hot-plug on this port'),
                memReserve: attr('memory reserved for hot-plug, KiB', data('ulong')),
              },
              children: { node: one(element('the guest NUMA node of an expander bus', { text: data('uint') })) },
            }),
          ),
          pcihole64: one(sized('the 64-bit PCI hole size (pci-root, pcie-root)')),
        },
        constraints: [
          {
            kind: 'forbids',
            when: 'pcihole64',
            names: ['@model=pci-bridge', '@model=pcie-root-port', '@model=dmi-to-pci-bridge', '@model=pcie-to-pci-bridge', '@model=pcie-switch-upstream-port', '@model=pcie-switch-downstream-port', '@model=pci-expander-bus', '@model=pcie-expander-bus'],
            message: '<pcihole64> belongs on the pci-root or pcie-root controller.',
          },
        ],
      },
    },
  },
});

const ipSpec = element('an IP address', {
  attributes: {
    address: required('the address', data('ip')),
    family: attr('ipv4 or ipv6', oneOf({ ipv4: 'IPv4', ipv6: 'IPv6' })),
    prefix: attr('the prefix length', data('ipPrefix')),
    peer: attr('the peer address (point-to-point)', data('ip')),
  },
});
const routeSpec = element('a route', {
  attributes: {
    family: attr('ipv4 or ipv6', oneOf({ ipv4: 'IPv4', ipv6: 'IPv6' })),
    address: required('the destination', data('ip')),
    netmask: attr('the netmask (IPv4)', data('ipv4')),
    prefix: attr('the prefix length', data('ipPrefix')),
    gateway: required('the gateway', data('ip')),
    metric: attr('the metric', data('uint')),
  },
});

const networkAttributes = {
  network: attr('the libvirt network', data('string')),
  portgroup: attr('the port group of the network', data('deviceName')),
  portid: attr('the port UUID', data('uuid')),
};
const bridgeAttributes = {
  bridge: attr('the host bridge', data('bridgeName')),
  macTableManager: attr('who manages the MAC table', oneOf({ kernel: 'the kernel', libvirt: 'libvirt' })),
};
const socketSource = (doc: string) =>
  element(doc, { attributes: { address: required('IPv4 address', data('ipv4')), port: required('port', data('portNumber')) } });

const interfaceCases: Record<string, SpecParts> = {
  user: { children: { source: one(element('the host device (passt)', { attributes: { dev: attr('the host interface', data('deviceName')) } })) } },
  network: {
    children: { source: must(element('the libvirt network', { attributes: { ...networkAttributes, network: required('the libvirt network', data('string')), ...bridgeAttributes } })) },
  },
  bridge: {
    children: { source: one(element('the host bridge', { attributes: { ...bridgeAttributes, bridge: required('the host bridge', data('bridgeName')), ...networkAttributes } })) },
  },
  ethernet: { children: { source: one(element('addresses of the host side', { children: { ip: many(ipSpec), route: many(routeSpec) } })) } },
  direct: {
    children: {
      source: must(
        element('the host interface for macvtap', {
          attributes: { dev: required('the host interface', data('deviceName')), mode: attr('the macvtap mode', oneOf(MACVTAP_MODES)), ...networkAttributes },
        }),
      ),
    },
  },
  vhostuser: {
    children: {
      source: must(
        element('the vhost-user socket', {
          attributes: {
            type: required('unix', oneOf({ unix: 'a UNIX socket' })),
            path: required('the socket', data('absPath')),
            mode: required('who listens', oneOf({ server: 'QEMU listens', client: 'QEMU connects' })),
          },
          children: { reconnect: one(reconnectSpec) },
        }),
      ),
    },
  },
  hostdev: {
    attributes: { managed: yesNo('libvirt detaches the device from the host') },
    children: {
      source: must(
        element('the host device', {
          attributes: { missing: yesNo('the device is missing') },
          children: {
            address: one(
              element('the host address', {
                attributes: {
                  type: required('pci or usb', oneOf({ pci: 'PCI', usb: 'USB' })),
                  domain: attr('PCI domain', data('pciDomain')),
                  bus: attr('bus', data('string')),
                  slot: attr('PCI slot', data('pciSlot')),
                  function: attr('PCI function', data('pciFunction')),
                  device: attr('USB device', data('usbAddr')),
                },
              }),
            ),
            vendor: one(element('USB vendor', { attributes: { id: required('the id', data('usbId')) } })),
            product: one(element('USB product', { attributes: { id: required('the id', data('usbId')) } })),
          },
        }),
      ),
    },
  },
  mcast: { children: { source: must(socketSource('the multicast group')) } },
  client: { children: { source: must(socketSource('the server to connect to')) } },
  server: {
    children: { source: must(element('the address to listen on', { attributes: { address: attr('IPv4 address', data('ipv4')), port: required('port', data('portNumber')) } })) },
  },
  udp: {
    children: {
      source: must(
        element('the remote end of the tunnel', {
          attributes: { address: required('IPv4 address', data('ipv4')), port: required('port', data('portNumber')) },
          children: { local: must(socketSource('the local end of the tunnel')) },
        }),
      ),
    },
  },
  internal: { children: { source: must(element('the internal network', { attributes: { name: required('its name', data('deviceName')) } })) } },
  vdpa: { children: { source: must(element('the vDPA device', { attributes: { dev: required('the device', data('deviceName')) } })) } },
  null: {},
  vds: { children: { source: must(element('the distributed switch port', { anyContent: true })) } },
};

const interfaceSpec = element('a network interface', {
  attributes: {
    type: required('how the NIC reaches the network', oneOf(INTERFACE_TYPES)),
    trustGuestRxFilters: yesNo('trust MAC and multicast changes made by the guest'),
  },
  children: {
    ...placement,
    mac: one(
      element('the MAC address (generated when absent)', {
        attributes: {
          address: required('a unicast MAC such as 52:54:00:12:34:56', data('unicastMac')),
          type: attr('generated or static', oneOf({ generated: 'generated', static: 'static' })),
          check: yesNo('check the MAC address'),
        },
      }),
    ),
    model: one(element('the NIC model the guest sees', { attributes: { type: required('the model (virtio, e1000, rtl8139, …)', suggest(NIC_MODELS, 'nicModel')) } })),
    link: one(element('the link state', { attributes: { state: required('up or down', oneOf(LINK_STATES)) } })),
    mtu: one(element('the MTU', { attributes: { size: required('bytes', data('ushort')) } })),
    coalesce: one(element('interrupt coalescing', { anyContent: true })),
    target: one(element('the host TAP device', { attributes: { dev: required('its name', data('deviceName')), managed: yesNo('libvirt creates it') } })),
    guest: one(element('the name the guest sees (containers)', { attributes: { dev: attr('the name', data('deviceName')), actual: attr('the actual name', data('deviceName')) } })),
    ip: many(ipSpec),
    route: many(routeSpec),
    portForward: many(element('a port forward (passt)', { anyContent: true })),
    script: one(element('a script run when the TAP device is created', { attributes: { path: required('the script', data('filePath')) } })),
    downscript: one(element('a script run when the TAP device is removed', { attributes: { path: required('the script', data('filePath')) } })),
    backenddomain: one(element('the Xen backend domain', { attributes: { name: required('the domain', data('nonEmpty')) } })),
    backend: one(
      element('backend details', {
        attributes: {
          type: attr('the user-mode backend', oneOf({ default: 'SLIRP', passt: 'passt' })),
          tap: attr('the TUN/TAP device', data('absPath')),
          vhost: attr('the vhost-net device', data('absPath')),
          logFile: attr('the passt log file', data('absPath')),
        },
      }),
    ),
    driver: one(
      element('the backend driver and virtio-net options', {
        attributes: {
          name: attr('qemu (userspace) or vhost (in-kernel)', oneOf(NET_DRIVER_NAMES)),
          queues: attr('multiqueue: number of queue pairs', data('positive')),
          rx_queue_size: attr('RX virtqueue size', data('positive')),
          tx_queue_size: attr('TX virtqueue size', data('positive')),
          txmode: attr('TX mitigation', oneOf({ iothread: 'a bottom half', timer: 'a timer' })),
          ioeventfd: onOff('ioeventfd'),
          event_idx: onOff('virtio event index'),
          rss: onOff('receive side scaling'),
          rss_hash_report: onOff('RSS hash report'),
          ...virtioOptions,
        },
        children: {
          host: one(element('host offloads', { anyContent: true })),
          guest: one(element('guest offloads', { anyContent: true })),
        },
      }),
    ),
    filterref: one(element('an nwfilter applied to the traffic', { anyContent: true })),
    tune: one(element('tuning', { children: { sndbuf: one(element('the send buffer', { text: data('uint') })) } })),
    boot: one(bootSpec),
    rom: one(
      element('the option ROM (PXE)', {
        attributes: { enabled: yesNo('load the ROM'), bar: onOff('visible in the PCI BAR'), file: attr('a ROM image', data('absPath')) },
      }),
    ),
    bandwidth: one(element('traffic shaping', { anyContent: true })),
    vlan: one(
      element('VLAN tags', {
        attributes: { trunk: attr('trunk mode', oneOf({ yes: 'trunk' })) },
        children: {
          tag: many(
            element('one VLAN', {
              attributes: { id: required('the VLAN id, 0–4095', data('ushort')), nativeMode: attr('tagged or untagged', oneOf({ tagged: 'tagged', untagged: 'untagged' })) },
            }),
            1,
          ),
        },
      }),
    ),
    port: one(element('port options', { attributes: { isolated: yesNo('isolate from other isolated ports') } })),
    teaming: one(element('failover teaming', { anyContent: true })),
    virtualport: one(
      element('the virtual port (802.1Qbg, 802.1Qbh, Open vSwitch, MidoNet)', {
        attributes: { type: attr('the kind of virtual port', oneOf(VIRTUALPORT_TYPES)) },
        children: {
          parameters: one(
            element('virtual port parameters', {
              attributes: {
                managerid: attr('VSI manager id', data('uint8')),
                typeid: attr('VSI type id', data('uint24')),
                typeidversion: attr('VSI type version', data('uint8')),
                instanceid: attr('VSI instance UUID', data('uuid')),
                profileid: attr('port profile', data('string')),
                interfaceid: attr('interface UUID', data('uuid')),
              },
            }),
          ),
        },
      }),
    ),
  },
  variants: { attribute: 'type', cases: interfaceCases },
});

const inputSpec = element('a keyboard, mouse or tablet', {
  attributes: { type: required('the kind of input device', oneOf(INPUT_TYPES)), model: attr('the virtio variant', oneOf(VIRTIO_MODELS)) },
  children: { ...placement, driver: one(driverVirtioOnly) },
  variants: {
    attribute: 'type',
    cases: {
      mouse: { attributes: { bus: attr('the bus', oneOf(INPUT_BUSES)) } },
      tablet: { attributes: { bus: attr('the bus', oneOf(INPUT_BUSES)) } },
      keyboard: { attributes: { bus: attr('the bus', oneOf(INPUT_BUSES)) } },
      passthrough: {
        attributes: { bus: required('virtio', oneOf({ virtio: 'virtio-input' })) },
        children: { source: must(element('the host evdev device', { attributes: { evdev: required('the device', data('absPath')) } })) },
      },
      evdev: {
        children: {
          source: must(
            element('the host evdev device', {
              attributes: {
                dev: required('the device', data('absPath')),
                grab: attr('grab all input', oneOf({ all: 'all input' })),
                grabToggle: attr('the keys that toggle the grab', oneOf(GRAB_TOGGLES)),
                repeat: onOff('key repeat'),
              },
            }),
          ),
        },
      },
    },
  },
});

const listenSpec = element('where the display server listens', {
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
const glSpec = element('OpenGL acceleration', { attributes: { enable: yesNo('enable OpenGL'), rendernode: attr('the DRM render node', data('absPath')) } });
const audioRef = element('the <audio> backend used', { attributes: { id: required('the audio id', data('uint8')) } });
const compression = (doc: string, values: Readonly<Record<string, string>>) => element(doc, { attributes: { compression: required('compression', oneOf(values)) } });
const AUTO_NEVER_ALWAYS = { auto: 'automatic', never: 'never', always: 'always' } as const;

const graphicsSpec = element('a graphical console', {
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
          sharePolicy: attr('sharing between clients', oneOf({ 'allow-exclusive': 'allow exclusive access', 'force-shared': 'always shared', ignore: 'ignore the request' })),
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
        },
        children: { listen: many(listenSpec) },
      },
      desktop: { attributes: { display: attr('the X display', data('string')), fullscreen: yesNo('start full screen') } },
    },
  },
});

const videoSpec = element('a video card', {
  children: {
    ...placement,
    driver: one(
      element('video driver options', {
        attributes: {
          name: attr('qemu or vhostuser', oneOf({ qemu: 'QEMU', vhostuser: 'vhost-user-gpu' })),
          vgaconf: attr('VGA configuration (bhyve)', oneOf({ io: 'io', on: 'on', off: 'off' })),
          ...virtioOptions,
        },
      }),
    ),
    model: one(
      element('the video card model', {
        attributes: {
          type: required('the card', oneOf(VIDEO_MODELS)),
          vram: attr('video memory, KiB', data('uint')),
          heads: attr('number of screens', data('uint')),
          primary: yesNo('the primary video card'),
          blob: onOff('blob resources (virtio)'),
        },
        variants: {
          attribute: 'type',
          cases: {
            qxl: { attributes: { ram: attr('QXL RAM bar, KiB', data('uint')), vgamem: attr('QXL VGA framebuffer, KiB', data('uint')), vram64: attr('64-bit video memory, KiB', data('uint')) } },
          },
        },
        children: {
          acceleration: one(
            element('acceleration', {
              attributes: { accel3d: yesNo('3D'), accel2d: yesNo('2D'), rendernode: attr('the render node', data('absPath')) },
            }),
          ),
          resolution: one(element('the initial resolution', { attributes: { x: required('width', data('uint')), y: required('height', data('uint')) } })),
        },
      }),
    ),
  },
});

const chardevAttributes = {
  type: required('the host-side backend', oneOf(CHARDEV_TYPES)),
  tty: attr('the pty path (output)', data('absPath')),
};

const serialSpec = element('a serial port', {
  attributes: chardevAttributes,
  children: {
    ...chardevCommonChildren,
    target: one(
      element('the port the guest sees', {
        attributes: { type: attr('the kind of serial port', oneOf(SERIAL_TARGET_TYPES)), port: attr('the port number (0 = ttyS0)', data('uint')) },
        children: { model: one(element('the QEMU device', { attributes: { name: required('the device', oneOf(SERIAL_TARGET_MODELS)) } })) },
      }),
    ),
  },
});

const consoleSpec = element('a console: usually the first serial port', {
  attributes: { ...chardevAttributes, type: attr('the host-side backend', oneOf(CHARDEV_TYPES)) },
  children: {
    ...chardevCommonChildren,
    target: one(
      element('what the console is in the guest', {
        attributes: { type: attr('serial (ttyS0) or virtio (hvc0)', oneOf(CONSOLE_TARGET_TYPES)), port: attr('the port number', data('uint')) },
      }),
    ),
  },
});

const parallelSpec = element('a parallel port', {
  attributes: chardevAttributes,
  children: { ...chardevCommonChildren, target: one(element('the port the guest sees', { attributes: { port: attr('the port number', data('uint')) } })) },
});

const channelSpec = element('a channel between host and guest (guest agent, SPICE agent)', {
  attributes: chardevAttributes,
  children: {
    ...chardevCommonChildren,
    target: must(
      element('the guest end of the channel', {
        attributes: { type: required('virtio, guestfwd or xen', oneOf(CHANNEL_TARGET_TYPES)) },
        variants: {
          attribute: 'type',
          cases: {
            virtio: {
              attributes: {
                name: attr('the port name the guest sees (org.qemu.guest_agent.0)', data('string')),
                state: attr('whether the guest side is connected (output)', oneOf({ connected: 'connected', disconnected: 'disconnected' })),
              },
            },
            guestfwd: { attributes: { address: required('the guest-visible IP address', data('string')), port: required('the guest-visible TCP port', data('string')) } },
            xen: { attributes: { name: attr('the channel name', data('string')) } },
          },
        },
      }),
    ),
  },
});

const soundSpec = element('a sound card', {
  attributes: { model: required('the sound card', oneOf(SOUND_MODELS)), multichannel: yesNo('multichannel (usb audio)'), streams: attr('streams (virtio)', data('uint')) },
  children: {
    ...placement,
    audio: one(audioRef),
    codec: many(element('an HDA codec', { attributes: { type: required('the codec', oneOf(SOUND_CODECS)) } })),
    driver: one(driverVirtioOnly),
  },
});

const audioStream = element('settings of one direction', {
  attributes: {
    mixingEngine: yesNo('use the QEMU mixer'),
    fixedSettings: yesNo('fixed format'),
    voices: attr('voices', data('uint32')),
    bufferLength: attr('buffer length, µs', data('uint32')),
    dev: attr('the host device', data('string')),
    bufferCount: attr('buffers', data('uint32')),
    tryPoll: yesNo('try polling'),
    name: attr('the stream name', data('string')),
    streamName: attr('the stream name', data('string')),
    latency: attr('latency, µs', data('uint32')),
    serverName: attr('the server', data('string')),
    clientName: attr('the client name', data('string')),
    connectPorts: attr('ports to connect', data('string')),
    exactName: yesNo('use the exact name'),
  },
  children: {
    settings: one(
      element('the sample format', {
        attributes: {
          frequency: attr('Hz', data('uint32')),
          channels: attr('channels', data('uint32')),
          format: attr('sample format', oneOf({ s8: 's8', u8: 'u8', s16: 's16', u16: 'u16', s32: 's32', u32: 'u32', f32: 'f32' })),
        },
      }),
    ),
  },
});

const audioSpec = element('a host audio backend for sound cards and displays', {
  attributes: {
    id: required('the id sound cards refer to', data('uint8')),
    type: required('the host audio system', oneOf(AUDIO_TYPES)),
    timerPeriod: attr('timer period, µs', data('uint32')),
  },
  children: { input: one(audioStream), output: one(audioStream) },
  variants: {
    attribute: 'type',
    cases: {
      oss: { attributes: { tryMMap: yesNo('try mmap'), exclusive: yesNo('exclusive access'), dspPolicy: attr('DSP policy', data('int')) } },
      pulseaudio: { attributes: { serverName: attr('the PulseAudio server', data('string')) } },
      pipewire: { attributes: { runtimeDir: attr('the runtime directory', data('absPath')) } },
      sdl: { attributes: { driver: attr('the SDL audio driver', oneOf({ esd: 'esd', alsa: 'ALSA', arts: 'aRts', pulseaudio: 'PulseAudio' })) } },
      file: { attributes: { path: attr('the WAV file', data('filePath')) } },
    },
  },
});

const watchdogSpec = element('a watchdog timer', {
  attributes: { model: required('the watchdog device', oneOf(WATCHDOG_MODELS)), action: attr('what to do when it fires', oneOf(WATCHDOG_ACTIONS)) },
  children: placement,
});

const rngSpec = element('a random number generator (virtio-rng)', {
  attributes: { model: required('the virtio variant', oneOf(VIRTIO_MODELS)) },
  children: {
    ...placement,
    driver: one(driverVirtioOnly),
    rate: one(element('a rate limit', { attributes: { bytes: required('bytes per period', data('positive')), period: attr('the period, ms', data('positive')) } })),
    backend: must(
      element('where the entropy comes from', {
        attributes: { model: required('the backend', oneOf(RNG_BACKEND_MODELS)) },
        variants: {
          attribute: 'model',
          cases: {
            random: { text: data('absPath'), textOptional: true },
            egd: { attributes: { type: required('the character device backend', oneOf(CHARDEV_TYPES)) }, children: { source: many(chardevCommonChildren.source.spec as ElementSpec), protocol: chardevCommonChildren.protocol } },
            builtin: {},
          },
        },
      }),
    ),
  },
});

const memballoonSpec = element('the memory balloon', {
  attributes: {
    model: required('the balloon device', oneOf(MEMBALLOON_MODELS)),
    autodeflate: onOff('deflate when the guest runs out of memory'),
    freePageReporting: onOff('free page reporting'),
  },
  children: { ...placement, stats: one(element('statistics polling', { attributes: { period: required('seconds', data('positive')) } })), driver: one(driverVirtioOnly) },
});

const hostdevCommon: Record<string, ChildSpec> = {
  ...placement,
  boot: one(bootSpec),
  rom: one(element('the option ROM', { attributes: { enabled: yesNo('load it'), bar: onOff('visible'), file: attr('a ROM image', data('absPath')) } })),
  readonly: one(element('read-only')),
  shareable: one(element('shareable')),
};

const hostdevSpec = element('a host device assigned to the guest', {
  attributes: {
    mode: attr('subsystem (PCI, USB, SCSI, mdev) or capabilities (containers)', oneOf(HOSTDEV_MODES)),
    type: required('the kind of host device', oneOf(HOSTDEV_TYPES)),
    managed: yesNo('libvirt detaches the device from its host driver'),
  },
  children: hostdevCommon,
  variants: {
    attribute: 'type',
    cases: {
      pci: {
        children: {
          driver: one(element('the assignment driver', { attributes: { name: required('vfio', oneOf({ vfio: 'VFIO', kvm: 'legacy KVM', xen: 'Xen' })) } })),
          teaming: one(element('failover teaming', { anyContent: true })),
          source: must(
            element('the host PCI device', {
              attributes: { startupPolicy: attr('what to do when missing', oneOf(DISK_SOURCE_STARTUP_POLICIES)), writeFiltering: yesNo('filter config writes') },
              children: { address: must(pciHostAddressSpec) },
            }),
          ),
        },
      },
      usb: {
        children: {
          source: must(
            element('the host USB device', {
              attributes: {
                startupPolicy: attr('what to do when missing', oneOf(DISK_SOURCE_STARTUP_POLICIES)),
                guestReset: attr('guest resets', oneOf({ off: 'ignore', uninitialized: 'only before initialization', on: 'allow' })),
              },
              children: {
                vendor: one(element('USB vendor', { attributes: { id: required('the id', data('usbId')) } })),
                product: one(element('USB product', { attributes: { id: required('the id', data('usbId')) } })),
                address: one(element('the host bus and device', { attributes: { bus: required('the bus', data('usbAddr')), device: required('the device', data('usbAddr')) } })),
              },
              constraints: [
                { kind: 'requires', when: 'vendor', then: ['product'], message: 'A USB <vendor> needs a <product>.' },
                { kind: 'anyOf', names: ['vendor', 'address'], message: 'Name the USB device by vendor/product or by bus/device address.' },
              ],
            }),
          ),
        },
      },
      scsi: {
        attributes: { sgio: attr('SCSI command filtering', oneOf({ filtered: 'filtered', unfiltered: 'unfiltered' })), rawio: yesNo('raw SCSI I/O') },
        children: {
          source: must(
            element('the host SCSI device', {
              attributes: { protocol: attr('adapter or iscsi', oneOf({ adapter: 'a host SCSI adapter', iscsi: 'an iSCSI target' })), name: attr('the iSCSI target', data('string')) },
              children: {
                adapter: one(element('the host adapter', { attributes: { name: required('the adapter (scsi_host0)', data('string')) } })),
                address: one(
                  element('the LUN on the adapter', {
                    attributes: { bus: required('bus', data('twoDigits')), target: required('target', data('scsiTarget')), unit: required('unit', data('scsiUnit')) },
                  }),
                ),
                host: many(element('an iSCSI server', { attributes: { name: required('host', data('string')), port: attr('port', data('portNumber')) } })),
                auth: one(diskAuthSpec),
                initiator: one(element('the iSCSI initiator', { children: { iqn: must(element('the IQN', { attributes: { name: required('the IQN', data('string')) } })) } })),
              },
            }),
          ),
        },
      },
      scsi_host: {
        attributes: { model: attr('the virtio variant', oneOf(VIRTIO_MODELS)) },
        children: {
          source: must(
            element('the vhost-scsi target', {
              attributes: { protocol: required('vhost', oneOf({ vhost: 'vhost-scsi' })), wwpn: required('the target WWPN', data('wwpnNaa')) },
            }),
          ),
        },
      },
      mdev: {
        attributes: { model: required('the mediated device API', oneOf(MDEV_MODELS)), ramfb: onOff('a RAM framebuffer for boot display'), display: onOff('a display') },
        children: { source: must(element('the mediated device', { children: { address: must(element('the mdev UUID', { attributes: { uuid: required('the UUID', data('uuid')) } })) } })) },
      },
      storage: { children: { source: must(element('the host block device', { children: { block: must(element('the device', { text: data('absPath') })) } })) } },
      misc: { children: { source: must(element('the host character device', { children: { char: must(element('the device', { text: data('absPath') })) } })) } },
      net: { children: { source: must(element('the host interface', { children: { interface: must(element('the interface', { text: data('deviceName') })) } })), ip: many(ipSpec), route: many(routeSpec) } },
    },
  },
});

const redirdevSpec = element('a redirected USB device (SPICE)', {
  attributes: { bus: required('usb', oneOf(REDIRDEV_BUSES)), type: required('the character device carrying it', oneOf(CHARDEV_TYPES)) },
  children: { ...chardevCommonChildren, boot: one(bootSpec) },
});

const smartcardSpec = element('a smartcard reader (CCID)', {
  attributes: { mode: required('where the card comes from', oneOf(SMARTCARD_MODES)) },
  children: { acpi: one(acpiSpec), address: one(addressSpec), alias: one(aliasSpec) },
  variants: {
    attribute: 'mode',
    cases: {
      host: {},
      'host-certificates': {
        children: {
          certificate: { spec: element('a certificate name in the NSS database', { text: data('string') }), min: 3, max: 3 },
          database: one(element('the NSS database directory', { text: data('absDirPath') })),
        },
      },
      passthrough: {
        attributes: { type: required('the character device', oneOf(CHARDEV_TYPES)) },
        children: { ...chardevCommonChildren, target: one(element('target', { anyContent: true })) },
      },
    },
  },
});

const tpmSpec = element('a TPM', {
  attributes: { model: attr('the TPM interface', oneOf(TPM_MODELS)) },
  children: {
    alias: one(aliasSpec),
    address: one(addressSpec),
    backend: must(
      element('what implements the TPM', {
        attributes: { type: required('the backend', oneOf(TPM_BACKEND_TYPES)), version: attr('the TPM version', oneOf(TPM_VERSIONS)) },
        variants: {
          attribute: 'type',
          cases: {
            passthrough: { children: { device: one(element('the host TPM device', { attributes: { path: attr('the device', data('filePath')) } })) } },
            emulator: {
              attributes: {
                persistent_state: yesNo('keep the TPM state when the guest is undefined'),
                debug: attr('swtpm debug level', data('uint')),
                profile: attr('the swtpm profile', data('string')),
              },
              children: {
                encryption: one(element('encrypt the TPM state', { attributes: { secret: required('the secret UUID', data('uuid')) } })),
                active_pcr_banks: one(
                  element('the active PCR banks', {
                    children: { sha1: one(element('SHA-1')), sha256: one(element('SHA-256')), sha384: one(element('SHA-384')), sha512: one(element('SHA-512')) },
                  }),
                ),
                source: one(element('where the TPM state lives', { attributes: { type: attr('file or dir', oneOf({ file: 'a file', dir: 'a directory' })), path: attr('the path', data('absPath')) } })),
                profile: one(element('the swtpm profile', { anyContent: true })),
              },
            },
            external: {
              children: {
                source: one(
                  element('the swtpm socket', {
                    attributes: { type: required('unix', oneOf({ unix: 'a UNIX socket' })), path: required('the socket', data('filePath')), mode: required('connect', oneOf({ connect: 'connect' })) },
                  }),
                ),
              },
            },
          },
        },
      }),
    ),
  },
});

const memoryDeviceSpec = element('a memory device (DIMM, NVDIMM, virtio-mem)', {
  attributes: {
    model: required('the kind of memory device', oneOf(MEMORY_DEVICE_MODELS)),
    access: attr('shared or private', oneOf({ shared: 'shared', private: 'private' })),
    discard: yesNo('discard on unplug'),
  },
  children: {
    ...placement,
    uuid: one(element('the NVDIMM UUID', { text: data('uuid') })),
    source: one(
      element('what backs the memory', {
        children: {
          pagesize: one(sized('the host page size')),
          nodemask: one(element('host NUMA nodes', { text: data('cpuset') })),
          path: one(element('the backing file', { text: data('absPath') })),
          alignsize: one(sized('alignment')),
          pmem: one(element('the file is on persistent memory')),
        },
      }),
    ),
    target: must(
      element('the memory the guest sees', {
        attributes: { dynamicMemslots: yesNo('dynamic memory slots (virtio-mem)') },
        children: {
          size: must(sized('the size')),
          node: one(element('the guest NUMA node', { text: data('uint') })),
          block: one(sized('the block size (virtio-mem)')),
          requested: one(sized('the requested size (virtio-mem)')),
          current: one(sized('the current size (output)')),
          label: one(element('the NVDIMM label', { children: { size: must(sized('the label size')) } })),
          readonly: one(element('read-only')),
          address: one(element('the guest physical address', { attributes: { base: attr('the base address', data('hexuint')) } })),
        },
      }),
    ),
  },
});

const filesystemSpec = element('a host directory shared with the guest (9p, virtiofs)', {
  attributes: {
    type: attr('what is shared', oneOf(FILESYSTEM_TYPES)),
    accessmode: attr('how guest credentials map to the host', oneOf(FILESYSTEM_ACCESS_MODES)),
    multidevs: attr('handling of several host devices', oneOf({ default: 'default', remap: 'remap', forbid: 'forbid', warn: 'warn' })),
    fmode: attr('mode of new files', data('createMode')),
    dmode: attr('mode of new directories', data('createMode')),
    model: attr('the virtio variant', oneOf(VIRTIO_MODELS)),
  },
  children: {
    ...placement,
    driver: one(
      element('the filesystem driver', {
        attributes: {
          type: attr('the driver', oneOf(FILESYSTEM_DRIVERS)),
          format: attr('image format', data('string')),
          wrpolicy: attr('write policy', oneOf({ immediate: 'write immediately' })),
          queue: attr('virtiofs queue size', data('uint')),
          ...virtioOptions,
        },
      }),
    ),
    binary: one(element('the virtiofsd binary and its options', { anyContent: true })),
    source: one(
      element('what is shared', {
        attributes: {
          dir: attr('the host directory', data('absDirPath')),
          file: attr('the host file', data('absPath')),
          dev: attr('the host device', data('absPath')),
          name: attr('the template name', data('genericName')),
          socket: attr('an external virtiofsd socket', data('absPath')),
          usage: attr('RAM filesystem size', data('ulong')),
          units: attr('unit of usage', data('unit')),
        },
      }),
    ),
    target: must(element('where the guest mounts it', { attributes: { dir: required('the mount tag or path', data('string')) } })),
    readonly: one(element('read-only')),
    boot: one(bootSpec),
    space_hard_limit: one(sized('hard space limit')),
    space_soft_limit: one(sized('soft space limit')),
    idmap: one(element('id mapping (virtiofs)', { anyContent: true })),
  },
});

export const devicesSpec = element('the virtual hardware of the guest', {
  children: {
    emulator: one(element('the QEMU binary', { text: data('absPath') })),
    disk: many(diskSpec),
    controller: many(controllerSpec),
    lease: many(
      element('a lock manager lease', {
        children: {
          lockspace: must(element('the lockspace', { text: data('string') })),
          key: must(element('the key', { text: data('string') })),
          target: must(element('the lease file', { attributes: { path: required('the file', data('string')), offset: attr('offset', data('uint')) } })),
        },
      }),
    ),
    filesystem: many(filesystemSpec),
    interface: many(interfaceSpec),
    input: many(inputSpec),
    sound: many(soundSpec),
    audio: many(audioSpec),
    hostdev: many(hostdevSpec),
    graphics: many(graphicsSpec),
    video: many(videoSpec),
    console: many(consoleSpec),
    parallel: many(parallelSpec),
    serial: many(serialSpec),
    channel: many(channelSpec),
    smartcard: many(smartcardSpec),
    hub: many(element('a USB hub', { attributes: { type: required('usb', oneOf(HUB_TYPES)) }, children: { alias: one(aliasSpec), address: one(addressSpec) } })),
    redirdev: many(redirdevSpec),
    redirfilter: many(
      element('which USB devices may be redirected', {
        children: {
          usbdev: many(
            element('a USB device filter rule', {
              attributes: {
                allow: required('allow or deny', oneOf(YES_NO)),
                class: attr('USB class or -1', data('string')),
                vendor: attr('vendor id or -1', data('string')),
                product: attr('product id or -1', data('string')),
                version: attr('USB version or -1', data('string')),
              },
            }),
          ),
        },
      }),
    ),
    rng: many(rngSpec),
    tpm: many(tpmSpec),
    shmem: many(
      element('shared memory between guests (ivshmem)', {
        attributes: { name: required('the shared memory name', data('string')), role: attr('master or peer (migration)', oneOf({ master: 'master', peer: 'peer' })) },
        children: {
          ...placement,
          model: one(element('the ivshmem device', { attributes: { type: required('the model', oneOf(SHMEM_MODELS)) } })),
          size: one(sized('the size (default unit MiB)')),
          server: one(element('the ivshmem server', { attributes: { path: attr('its socket', data('absPath')) } })),
          msi: one(element('MSI interrupts', { attributes: { vectors: attr('vectors', data('uint')), ioeventfd: onOff('ioeventfd') } })),
        },
      }),
    ),
    memory: many(memoryDeviceSpec),
    watchdog: many(watchdogSpec),
    memballoon: one(memballoonSpec),
    nvram: one(element('the pseries NVRAM device', { children: { address: one(addressSpec) } })),
    panic: many(element('a panic notifier', { attributes: { model: attr('the panic device', oneOf(PANIC_MODELS)) }, children: { alias: one(aliasSpec), address: one(addressSpec) } })),
    iommu: one(
      element('an IOMMU', {
        attributes: { model: required('the IOMMU', oneOf(IOMMU_MODELS)) },
        children: {
          ...placement,
          driver: one(
            element('IOMMU options', {
              attributes: {
                intremap: onOff('interrupt remapping (needs ioapic driver=qemu)'),
                caching_mode: onOff('caching mode (needed for VFIO)'),
                eim: onOff('extended interrupt mode'),
                iotlb: onOff('device IOTLB'),
                aw_bits: attr('address width in bits', data('uint8')),
                dma_translation: onOff('DMA translation'),
                xtsup: onOff('x2APIC support (amd)'),
                passthrough: onOff('passthrough (amd)'),
              },
            }),
          ),
        },
      }),
    ),
    vsock: one(
      element('a virtio vsock for host-guest sockets', {
        attributes: { model: attr('the virtio variant', oneOf(VIRTIO_MODELS)) },
        children: {
          ...placement,
          cid: one(element("the guest's context id", { attributes: { auto: yesNo('choose a free CID'), address: attr('the CID (3 or more)', data('uint')) } })),
          driver: one(driverVirtioOnly),
        },
      }),
    ),
    crypto: many(element('a virtio crypto device', { anyContent: true })),
    pstore: one(element('a persistent store for guest crash logs', { anyContent: true })),
  },
});
