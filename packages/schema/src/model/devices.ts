import { childElements, type XmlElement } from '../xml/tree.js';
import { parseCharDevice, type CharDevice } from './devices/chardev.js';
import { parseController, type Controller } from './devices/controller.js';
import { parseDisk, parseEmulator, type Disk } from './devices/disk.js';
import { parseFilesystem, type Filesystem } from './devices/filesystem.js';
import { parseGraphics, type Graphics } from './devices/graphics.js';
import { parseHostdev, type Hostdev } from './devices/hostdev.js';
import { parseHub, type Hub } from './devices/hub.js';
import { parseInput, type Input } from './devices/input.js';
import { parseInterface, type Interface } from './devices/interface.js';
import { parseIommu, type Iommu } from './devices/iommu.js';
import { parseMemBalloon, type MemBalloon } from './devices/memballoon.js';
import { parseMemoryDevice, type MemoryDevice } from './devices/memoryDevice.js';
import { parsePanic, type Panic } from './devices/panic.js';
import { parseRedirdev, type Redirdev } from './devices/redirdev.js';
import { parseRng, type Rng } from './devices/rng.js';
import { parseShmem, type Shmem } from './devices/shmem.js';
import { parseSmartcard, type Smartcard } from './devices/smartcard.js';
import { parseAudio, parseSound, type Audio, type Sound } from './devices/sound.js';
import { parseTpm, type Tpm } from './devices/tpm.js';
import { parseVideo, type Video } from './devices/video.js';
import { parseVsock, type Vsock } from './devices/vsock.js';
import { parseWatchdog, type Watchdog } from './devices/watchdog.js';

export interface Devices {
  /** absent when the definition has no <devices> */
  node?: XmlElement;
  emulator?: string;
  disks: Disk[];
  controllers: Controller[];
  filesystems: Filesystem[];
  interfaces: Interface[];
  inputs: Input[];
  graphics: Graphics[];
  videos: Video[];
  serials: CharDevice[];
  parallels: CharDevice[];
  consoles: CharDevice[];
  channels: CharDevice[];
  sounds: Sound[];
  audios: Audio[];
  watchdogs: Watchdog[];
  rngs: Rng[];
  memballoon?: MemBalloon;
  hostdevs: Hostdev[];
  redirdevs: Redirdev[];
  smartcards: Smartcard[];
  tpms: Tpm[];
  panics: Panic[];
  shmems: Shmem[];
  memories: MemoryDevice[];
  iommu?: Iommu;
  vsock?: Vsock;
  hubs: Hub[];
}

type ListKey = { [K in keyof Devices]-?: Devices[K] extends unknown[] ? K : never }[keyof Devices];

/** One table from device element to the list it goes into and its parser (libvirt's device pipeline). */
const DEVICE_LISTS: Readonly<Record<string, { key: ListKey; parse: (node: XmlElement) => unknown }>> = {
  disk: { key: 'disks', parse: parseDisk },
  controller: { key: 'controllers', parse: parseController },
  filesystem: { key: 'filesystems', parse: parseFilesystem },
  interface: { key: 'interfaces', parse: parseInterface },
  input: { key: 'inputs', parse: parseInput },
  graphics: { key: 'graphics', parse: parseGraphics },
  video: { key: 'videos', parse: parseVideo },
  serial: { key: 'serials', parse: parseCharDevice },
  parallel: { key: 'parallels', parse: parseCharDevice },
  console: { key: 'consoles', parse: parseCharDevice },
  channel: { key: 'channels', parse: parseCharDevice },
  sound: { key: 'sounds', parse: parseSound },
  audio: { key: 'audios', parse: parseAudio },
  watchdog: { key: 'watchdogs', parse: parseWatchdog },
  rng: { key: 'rngs', parse: parseRng },
  hostdev: { key: 'hostdevs', parse: parseHostdev },
  redirdev: { key: 'redirdevs', parse: parseRedirdev },
  smartcard: { key: 'smartcards', parse: parseSmartcard },
  tpm: { key: 'tpms', parse: parseTpm },
  panic: { key: 'panics', parse: parsePanic },
  shmem: { key: 'shmems', parse: parseShmem },
  memory: { key: 'memories', parse: parseMemoryDevice },
  hub: { key: 'hubs', parse: parseHub },
};

export function emptyDevices(): Devices {
  return {
    disks: [],
    controllers: [],
    filesystems: [],
    interfaces: [],
    inputs: [],
    graphics: [],
    videos: [],
    serials: [],
    parallels: [],
    consoles: [],
    channels: [],
    sounds: [],
    audios: [],
    watchdogs: [],
    rngs: [],
    hostdevs: [],
    redirdevs: [],
    smartcards: [],
    tpms: [],
    panics: [],
    shmems: [],
    memories: [],
    hubs: [],
  };
}

export function parseDevices(node: XmlElement | undefined): Devices {
  const devices = emptyDevices();
  if (node === undefined) return devices;
  devices.node = node;
  const emulator = parseEmulator(node);
  if (emulator !== undefined) devices.emulator = emulator;
  for (const child of childElements(node)) {
    const list = Object.prototype.hasOwnProperty.call(DEVICE_LISTS, child.name) ? DEVICE_LISTS[child.name] : undefined;
    if (list !== undefined) {
      (devices[list.key] as unknown[]).push(list.parse(child));
    } else if (child.name === 'memballoon') {
      devices.memballoon ??= parseMemBalloon(child);
    } else if (child.name === 'iommu') {
      devices.iommu ??= parseIommu(child);
    } else if (child.name === 'vsock') {
      devices.vsock ??= parseVsock(child);
    }
  }
  return devices;
}
