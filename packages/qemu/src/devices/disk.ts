/**
 * Disks: a -blockdev chain (protocol node, then a format node unless the image is raw) for
 * each disk and its backing images, then the -device. Node names and ids follow libvirt:
 * libvirt-N-storage / libvirt-N-format, numbered from the last disk backwards.
 */
import { firstChild, textContent, walkElements, type BackingStore, type Disk, type DiskCacheMode, type DiskSource } from '@virtdeck/schema';
import { planDiskThrottle } from './iotune.js';
import { hasDevice, pciBusProps, type BuildContext } from '../build/context.js';
import { diskBus } from '../build/layout/deviceDefaults.js';
import { jsonOption, keyValue, type JsonObject, type QemuOption } from '../options.js';
import { usbBusProps } from './usb.js';

/** One image of a disk: the disk's own source or a backing store. */
interface Layer {
  type: string;
  source: DiskSource | undefined;
  format: string;
  index: number;
}

const HOST_CDROM = /^\/dev\/(?:cdrom|dvd|sr[0-9]|scd[0-9])/;

const CACHE_MODES: Record<string, { direct: boolean; noFlush: boolean; writeCache: boolean } | undefined> = {
  none: { direct: true, noFlush: false, writeCache: true },
  writeback: { direct: false, noFlush: false, writeCache: true },
  writethrough: { direct: false, noFlush: false, writeCache: false },
  directsync: { direct: true, noFlush: false, writeCache: false },
  unsafe: { direct: false, noFlush: true, writeCache: true },
  // QEMU's own default: no cache options
  default: undefined,
} satisfies Record<DiskCacheMode, { direct: boolean; noFlush: boolean; writeCache: boolean } | undefined>;

/**
 * Block node numbers: libvirt numbers images from the last disk backwards, each chain
 * top-down; a drive without a medium still uses up its number, an SD card (a -drive) not.
 */
export function numberBlockNodes(disks: readonly Disk[]): Map<Disk, number[]> {
  const numbers = new Map<Disk, number[]>();
  let next = 0;
  for (let i = disks.length - 1; i >= 0; i--) {
    const disk = disks[i] as Disk;
    if (diskBus(disk) === 'sd') continue;
    const top = ++next;
    if (!hasMedium(disk)) continue;
    const list = [top];
    for (const backing of disk.backingChain) if (backing.source) list.push(++next);
    numbers.set(disk, list);
  }
  return numbers;
}

function hasMedium(disk: Disk): boolean {
  const s = disk.source;
  if (!s) return false;
  return s.file !== undefined || s.dev !== undefined || s.dir !== undefined || s.protocol !== undefined || s.volume !== undefined || disk.type === 'nvme';
}

const cacheOf = (disk: Disk): (typeof CACHE_MODES)[string] => {
  const mode = disk.driver?.cache ?? (disk.shareable ? 'none' : undefined);
  return mode === undefined || mode === 'default' ? undefined : CACHE_MODES[mode];
};

/** host:port as QEMU's iSCSI portal wants it (IPv6 in brackets). */
function portal(host: string, port: number | undefined): string {
  const h = host.includes(':') ? `[${host}]` : host;
  return `${h}:${port ?? 3260}`;
}

/** The protocol (storage) node of one image, or undefined when virtdeck cannot open it. */
function storageProps(ctx: BuildContext, disk: Disk, layer: Layer): JsonObject | undefined {
  const { diagnostics } = ctx;
  const s = layer.source;
  if (!s) return undefined;
  const cdrom = disk.device === 'cdrom';
  switch (layer.type) {
    case 'file':
      return { driver: 'file', filename: s.file };
    case 'block':
      // A CD-ROM drive of the host gets media-change handling; other block devices do not.
      return { driver: cdrom && HOST_CDROM.test(s.dev ?? '') ? 'host_cdrom' : 'host_device', filename: s.dev };
    case 'dir':
      return { driver: 'vvfat', dir: s.dir, floppy: disk.device === 'floppy', rw: !disk.readonly };
    case 'network':
      return networkProps(ctx, disk, s);
    case 'volume':
      diagnostics.unsupported(s.node, 'A disk from a libvirt storage pool (type=\'volume\')', true);
      return undefined;
    default:
      diagnostics.unsupported(s.node, `A disk of type '${layer.type}'`, true);
      return undefined;
  }
}

function networkProps(ctx: BuildContext, disk: Disk, s: DiskSource): JsonObject | undefined {
  const { diagnostics } = ctx;
  const host = s.hosts[0];
  const auth = s.auth ?? disk.auth;
  if (auth) {
    diagnostics.error(
      'host-resource-needed',
      auth.node,
      'Disk authentication needs a secret store, which virtdeck does not have yet: the disk is opened without credentials.',
    );
  }
  const port = (p: number | undefined): string | undefined => (p === undefined ? undefined : String(p));
  switch (s.protocol) {
    case 'nbd': {
      const server: JsonObject =
        host?.transport === 'unix' ? { type: 'unix', path: host.socket } : { type: 'inet', host: host?.name, port: port(host?.port) };
      return { driver: 'nbd', server, export: s.name, 'reconnect-delay': s.reconnectDelay };
    }
    case 'iscsi': {
      const name = s.name ?? '';
      const slash = name.lastIndexOf('/');
      const lunText = slash >= 0 ? name.slice(slash + 1) : '';
      const lun = /^[0-9]+$/.test(lunText) ? Number(lunText) : 0;
      const target = slash >= 0 && /^[0-9]+$/.test(lunText) ? name.slice(0, slash) : name;
      return {
        driver: 'iscsi',
        portal: portal(host?.name ?? '', host?.port),
        target,
        lun,
        transport: 'tcp',
        'initiator-name': s.initiatorIqn,
      };
    }
    case 'rbd': {
      const [pool, rest] = (s.name ?? '').split('/', 2);
      const [image, snapshot] = (rest ?? '').split('@', 2);
      const props: JsonObject = { driver: 'rbd', pool, image, snapshot };
      if (s.hosts.length > 0) props.server = s.hosts.map((h) => ({ host: h.name, port: port(h.port) }));
      return props;
    }
    case 'gluster': {
      const [volume, ...path] = (s.name ?? '').split('/');
      return {
        driver: 'gluster',
        volume,
        path: path.join('/'),
        server: s.hosts.map((h) => (h.transport === 'unix' ? { type: 'unix', path: h.socket } : { type: 'inet', host: h.name, port: port(h.port ?? 24007) })),
      };
    }
    case 'http':
    case 'https':
    case 'ftp':
    case 'ftps': {
      const hostPart = host?.name ? `${host.name.includes(':') ? `[${host.name}]` : host.name}${host.port ? `:${host.port}` : ''}` : '';
      const path = (s.name ?? '').startsWith('/') ? s.name : `/${s.name ?? ''}`;
      return { driver: s.protocol, url: `${s.protocol}://${hostPart}${path}${s.query ? `?${s.query}` : ''}` };
    }
    case 'ssh':
      return { driver: 'ssh', path: s.name, server: { host: host?.name, port: port(host?.port ?? 22) } };
    case 'nfs':
      return { driver: 'nfs', server: { type: 'inet', host: host?.name }, path: s.name };
    default:
      diagnostics.unsupported(s.node, `A network disk using protocol '${s.protocol ?? '?'}'`, true);
      return undefined;
  }
}

const nodeName = (index: number, kind: 'storage' | 'format'): string => `libvirt-${index}-${kind}`;

/** The -blockdev chain of a disk, bottom image first; returns the node the device uses. */
function blockdevChain(ctx: BuildContext, disk: Disk, numbers: number[]): { options: QemuOption[]; top?: string } {
  const layers: Layer[] = [];
  const topFormat = disk.driver?.type ?? 'raw';
  layers.push({ type: disk.type, source: disk.source, format: topFormat === 'aio' ? 'raw' : topFormat, index: numbers[0] ?? 0 });
  let n = 1;
  // A chain ends either unknown (no <backingStore>) or with an explicit empty <backingStore/>.
  let terminated = false;
  for (const backing of disk.backingChain as BackingStore[]) {
    if (!backing.source) {
      terminated = true;
      break;
    }
    layers.push({ type: backing.type ?? 'file', source: backing.source, format: backing.format ?? 'raw', index: numbers[n++] ?? 0 });
  }
  const cache = cacheOf(disk);
  const cacheProps = cache ? { direct: cache.direct, 'no-flush': cache.noFlush } : undefined;
  const io = disk.driver?.io;
  const options: QemuOption[] = [];
  let below: string | null | undefined;
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i] as Layer;
    const storage = storageProps(ctx, disk, layer);
    if (!storage) return { options: [] };
    const isTop = i === 0;
    const readOnly = isTop ? disk.readonly || disk.device === 'cdrom' : true;
    const withFormat = layer.format !== 'raw';
    if (io && (storage.driver === 'file' || storage.driver === 'host_device' || storage.driver === 'host_cdrom')) storage.aio = io;
    storage['node-name'] = nodeName(layer.index, 'storage');
    if (withFormat) {
      storage['auto-read-only'] = true;
      storage.discard = 'unmap';
    } else {
      storage['read-only'] = readOnly;
      if (disk.driver?.discard === 'unmap') storage.discard = 'unmap';
    }
    if (cacheProps) storage.cache = cacheProps;
    options.push({ flag: '-blockdev', value: jsonOption(storage) });
    let node = nodeName(layer.index, 'storage');
    if (withFormat) {
      const format: JsonObject = { 'node-name': nodeName(layer.index, 'format'), 'read-only': readOnly };
      if (disk.driver?.discard === 'unmap') format.discard = 'unmap';
      if (cacheProps) format.cache = cacheProps;
      if (disk.driver?.detectZeroes) format['detect-zeroes'] = disk.driver.detectZeroes;
      format.driver = layer.format;
      format.file = node;
      // The next image down, or null when the definition ends the chain explicitly.
      const hasNext = i < layers.length - 1;
      if (hasNext) format.backing = below ?? null;
      else if (terminated || (isTop && disk.backingChain.length > 0)) format.backing = null;
      options.push({ flag: '-blockdev', value: jsonOption(format) });
      node = nodeName(layer.index, 'format');
    }
    below = node;
  }
  return { options, top: below ?? undefined };
}

/**
 * The disk serial as written (leading spaces matter to some guests), with libvirt's quirk of
 * escaping spaces with a backslash kept, so guests see the same serial as under libvirt.
 */
function serialProp(disk: Disk): string | undefined {
  if (disk.serial === undefined) return undefined;
  const node = firstChild(disk.node, 'serial');
  const raw = node ? textContent(node) : disk.serial;
  return raw.replaceAll(' ', '\\ ');
}

function errorPolicies(disk: Disk): JsonObject {
  const werror = disk.driver?.errorPolicy;
  const rerror = disk.driver?.rerrorPolicy ?? (werror === 'enospace' ? undefined : werror);
  return { werror: werror === 'enospace' ? 'enospc' : werror, rerror };
}

function deviceProps(ctx: BuildContext, disk: Disk, drive: string | undefined, bootindex: number | undefined): JsonObject | undefined {
  const { layout, diagnostics } = ctx;
  const bus = diskBus(disk);
  const id = layout.alias.get(disk);
  const slot = layout.drive.get(disk);
  const cache = cacheOf(disk);
  const writeCache = cache === undefined ? undefined : cache.writeCache ? 'on' : 'off';
  const shareRw = disk.shareable ? true : undefined;
  const wwn = disk.wwn !== undefined && /^[0-9a-fA-F]{1,16}$/.test(disk.wwn) ? BigInt(`0x${disk.wwn}`) : undefined;
  const geometry = disk.geometry ? { cyls: disk.geometry.cyls, heads: disk.geometry.heads, secs: disk.geometry.secs } : {};
  const blockio = { logical_block_size: disk.blockio?.logicalBlockSize, physical_block_size: disk.blockio?.physicalBlockSize };
  const cdrom = disk.device === 'cdrom';
  switch (bus) {
    case 'virtio': {
      const model = disk.model;
      const driver = model === 'virtio-transitional' ? 'virtio-blk-pci-transitional' : model === 'virtio-non-transitional' ? 'virtio-blk-pci-non-transitional' : 'virtio-blk-pci';
      return {
        driver,
        'num-queues': disk.driver?.queues,
        'queue-size': disk.driver?.queueSize,
        event_idx: disk.driver?.eventIdx,
        ioeventfd: disk.driver?.ioeventfd,
        iothread: disk.driver?.iothread === undefined ? undefined : `iothread${disk.driver.iothread}`,
        ...pciBusProps(ctx, layout.pci.get(disk)),
        'share-rw': shareRw,
        drive,
        id,
        bootindex,
        ...blockio,
        'write-cache': writeCache,
        serial: serialProp(disk),
        ...errorPolicies(disk),
      };
    }
    case 'ide':
    case 'sata': {
      if (bus === 'ide' && slot && (slot.bus > 1 || slot.unit > 1 || slot.controller > 0)) {
        diagnostics.error(
          'address-unassignable',
          disk.address?.node ?? disk.node,
          `IDE position controller ${slot.controller}, bus ${slot.bus}, unit ${slot.unit} does not exist: the PIIX3 IDE has one controller with buses 0 and 1 of units 0 and 1 (hda to hdd).`,
        );
      }
      const controllerAlias = layout.controllerAlias(bus, slot?.controller ?? 0) ?? bus;
      const placement = bus === 'ide' ? { bus: `${controllerAlias}.${slot?.bus ?? 0}`, unit: slot?.unit } : { bus: `${controllerAlias}.${slot?.unit ?? 0}` };
      return {
        driver: cdrom ? 'ide-cd' : 'ide-hd',
        ...placement,
        'share-rw': shareRw,
        drive,
        id,
        bootindex,
        ...geometry,
        ...blockio,
        'write-cache': writeCache,
        serial: serialProp(disk),
        wwn,
        ...(cdrom ? {} : { rotation_rate: disk.target?.rotationRate }),
        ...errorPolicies(disk),
      };
    }
    case 'scsi': {
      const controller = layout.findController('scsi', slot?.controller ?? 0);
      const lsi = controller !== undefined && layout.controllerModel.get(controller) === 'lsilogic';
      const controllerAlias = layout.controllerAlias('scsi', slot?.controller ?? 0) ?? `scsi${slot?.controller ?? 0}`;
      const placement = lsi
        ? { bus: `${controllerAlias}.${slot?.bus ?? 0}`, 'scsi-id': slot?.unit }
        : { bus: `${controllerAlias}.0`, channel: slot?.bus, 'scsi-id': slot?.target, lun: slot?.unit };
      const driver = disk.device === 'lun' ? 'scsi-block' : cdrom ? 'scsi-cd' : 'scsi-hd';
      return {
        driver,
        ...placement,
        device_id: driver === 'scsi-hd' ? (disk.serial ?? `drive-${id}`) : undefined,
        'share-rw': shareRw,
        drive,
        id,
        bootindex,
        ...(driver === 'scsi-block' ? {} : { ...blockio, 'write-cache': writeCache, serial: serialProp(disk), wwn, vendor: disk.vendor, product: disk.product }),
        ...(driver === 'scsi-hd' ? { rotation_rate: disk.target?.rotationRate } : {}),
        ...errorPolicies(disk),
      };
    }
    case 'fdc':
      return { driver: 'floppy', unit: slot?.unit, drive, id };
    case 'usb':
      return {
        driver: 'usb-storage',
        ...usbBusProps(ctx, disk),
        drive,
        id,
        bootindex,
        removable: disk.target?.removable ?? false,
        'write-cache': writeCache,
        serial: serialProp(disk),
      };
    default:
      diagnostics.unsupported(disk.target?.node ?? disk.node, `A disk on the '${bus}' bus`, true);
      return undefined;
  }
}

/** SD cards have no -device in QEMU: libvirt (and virtdeck) use the legacy -drive. */
function sdCardArgs(ctx: BuildContext, disk: Disk): QemuOption[] {
  if (ctx.machine.chipset !== 'other') {
    ctx.diagnostics.error('invalid-combination', disk.target?.node ?? disk.node, `Machine '${ctx.machine.name}' has no SD card slot: QEMU will refuse this disk. Use bus='virtio', 'sata' or 'usb'.`);
  }
  const file = disk.source?.file ?? disk.source?.dev;
  const index = ctx.layout.disks.filter((d) => diskBus(d) === 'sd').indexOf(disk);
  return [{ flag: '-drive', value: keyValue([['file', file], ['format', disk.driver?.type ?? 'raw'], ['if', 'sd'], ['index', index]]) }];
}

export function buildDiskArgs(ctx: BuildContext, bootindex: ReadonlyMap<object, number>): QemuOption[] {
  const numbers = numberBlockNodes(ctx.layout.disks);
  return ctx.layout.disks.flatMap((disk) => diskOptions(ctx, disk, numbers.get(disk), bootindex.get(disk)));
}

/**
 * The options of one disk: its -blockdev chain, bottom image first, numbered from `numbers`
 * (undefined: no medium), then its -device. A hot-plug gives numbers above the nodes QEMU has.
 */
export function diskOptions(ctx: BuildContext, disk: Disk, numbers: number[] | undefined, bootindex: number | undefined): QemuOption[] {
  const { diagnostics } = ctx;
  // <encryption> may sit on the disk, its <source> or any <backingStore>'s source: each needs its secret.
  for (const node of walkElements(disk.node)) {
    if (node.name !== 'encryption') continue;
    diagnostics.error('host-resource-needed', node, 'An encrypted disk needs its secret, and virtdeck has no secret store yet: the guest does not start rather than see the disk unreadable.');
  }
  if (disk.driver?.copyOnRead) diagnostics.unsupported(disk.driver.node, 'copy_on_read', false);
  if (diskBus(disk) === 'sd') return sdCardArgs(ctx, disk);
  const options: QemuOption[] = [];
  let drive: string | undefined;
  if (numbers) {
    const chain = blockdevChain(ctx, disk, numbers);
    if (!chain.top) return [];
    options.push(...chain.options);
    drive = chain.top;
  } else if (disk.device !== 'cdrom' && disk.device !== 'floppy') {
    diagnostics.error('missing-element', disk.node, 'This disk has no <source>: only CD-ROM and floppy drives may be empty.');
    return [];
  }
  const props = deviceProps(ctx, disk, drive, bootindex);
  if (!props) return options;
  const driver = String(props.driver);
  if (!hasDevice(ctx, driver)) diagnostics.error('device-model-unknown', disk.node, `This QEMU has no '${driver}' device for this disk.`);
  options.push({ flag: '-device', value: jsonOption(props) });
  if (drive !== undefined && typeof props.id === 'string') planDiskThrottle(ctx, disk, props.id, driver);
  else if (disk.iotune) diagnostics.unsupported(disk.iotune.node, 'I/O limits on a drive that starts empty (QEMU throttles a medium; one inserted later is not throttled)', false);
  return options;
}

/** How many block nodes a disk's chain takes (its image and each backing image named), 0 without a medium. */
export function blockNodeCount(disk: Disk): number {
  if (diskBus(disk) === 'sd' || !hasMedium(disk)) return 0;
  return 1 + disk.backingChain.filter((b) => b.source).length;
}
