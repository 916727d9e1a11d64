import { childElements, firstChild, type XmlElement } from '../../xml/tree.js';
import { deviceAddress, deviceAlias, parseBootOrder, type BootOrder, type DeviceCommon } from '../address.js';
import { parseSecLabels, type SecLabel } from '../security.js';
import { childText, elementText, hasChild, parseUnsigned, read } from '../values.js';

export const DISK_TYPES = {
  file: 'an image file on the host',
  block: 'a host block device',
  dir: 'a host directory exposed as a FAT disk',
  network: 'a network protocol (NBD, iSCSI, RBD, Gluster, HTTP…)',
  volume: 'a volume of a libvirt storage pool',
  nvme: 'a host NVMe namespace',
  vhostuser: 'a vhost-user-blk backend over a UNIX socket',
  vhostvdpa: 'a vDPA block device',
} as const;
export type DiskType = keyof typeof DISK_TYPES;

export const DISK_DEVICES = {
  disk: 'a hard disk',
  cdrom: 'a CD/DVD-ROM drive (read-only, removable media)',
  floppy: 'a floppy drive',
  lun: 'a SCSI LUN passed through (block, network or volume sources only)',
} as const;
export type DiskDevice = keyof typeof DISK_DEVICES;

export const DISK_BUSES = {
  ide: 'IDE (PIIX on pc; q35 has no IDE)',
  fdc: 'floppy controller',
  scsi: 'SCSI, on a SCSI controller (virtio-scsi, lsilogic…)',
  virtio: 'virtio-blk: the fastest paravirtual disk',
  xen: 'Xen paravirtual disk',
  usb: 'USB mass storage',
  uml: 'User-Mode Linux disk',
  sata: 'SATA on an AHCI controller (q35 has one built in)',
  sd: 'SD card',
} as const;
export type DiskBus = keyof typeof DISK_BUSES;

export const DISK_FORMATS = {
  raw: 'raw image, no metadata',
  qcow2: 'QEMU copy-on-write v2 (snapshots, backing files)',
  qcow: 'QEMU copy-on-write v1',
  qed: 'QEMU enhanced disk',
  vmdk: 'VMware disk',
  vdi: 'VirtualBox disk',
  vpc: 'Virtual PC / VHD',
  vhd: 'VHD',
  vhdx: 'VHDX',
  cow: 'User-Mode Linux COW',
  bochs: 'Bochs image',
  cloop: 'compressed loop image',
  dmg: 'Apple disk image',
  iso: 'ISO 9660 image',
  fat: 'FAT directory image',
  dir: 'a directory',
  ploop: 'Parallels loop image',
  luks: 'LUKS-encrypted image',
  aio: 'raw (old Xen spelling)',
} as const;
export type DiskFormat = keyof typeof DISK_FORMATS;

export const DISK_CACHE_MODES = {
  default: 'the hypervisor default (writeback)',
  none: 'O_DIRECT on the host, guest write cache on: safe and fast for raw devices',
  writeback: 'host page cache, guest write cache on',
  writethrough: 'host page cache, every write flushed',
  directsync: 'O_DIRECT and every write flushed',
  unsafe: 'host page cache, flushes ignored: fast, loses data on host crash',
} as const;
export type DiskCacheMode = keyof typeof DISK_CACHE_MODES;

export const DISK_IO_MODES = {
  threads: 'a thread pool does the I/O',
  native: 'Linux native AIO (needs cache=none or directsync)',
  io_uring: 'Linux io_uring',
} as const;

export const DISK_ERROR_POLICIES = {
  stop: 'pause the guest on an I/O error',
  report: 'report the error to the guest',
  ignore: 'ignore the error',
  enospace: 'pause on out-of-space errors, report others',
} as const;

export const DISK_RERROR_POLICIES = {
  stop: 'pause the guest on a read error',
  report: 'report the read error to the guest',
  ignore: 'ignore the read error',
} as const;

export const DISK_DISCARD_MODES = {
  unmap: 'pass discard (TRIM/UNMAP) requests to the image',
  ignore: 'ignore discard requests',
} as const;

export const DISK_DETECT_ZEROES = {
  off: 'do not detect zero writes',
  on: 'turn zero writes into write-zeroes operations',
  unmap: 'turn zero writes into discards when discard=unmap',
} as const;

export const NETWORK_DISK_PROTOCOLS = {
  nbd: 'Network Block Device',
  iscsi: 'iSCSI target',
  rbd: 'Ceph RADOS block device',
  gluster: 'GlusterFS volume',
  http: 'read-only image over HTTP',
  https: 'read-only image over HTTPS',
  ftp: 'read-only image over FTP',
  ftps: 'read-only image over FTPS',
  tftp: 'read-only image over TFTP',
  sheepdog: 'Sheepdog (removed from QEMU)',
  vxhs: 'Veritas HyperScale (removed from QEMU)',
  nfs: 'NFS export',
  ssh: 'image over SSH',
} as const;
export type NetworkDiskProtocol = keyof typeof NETWORK_DISK_PROTOCOLS;

export const DISK_SOURCE_STARTUP_POLICIES = {
  mandatory: 'fail if the source is missing',
  requisite: 'fail at boot if missing, drop on migrate/restore',
  optional: 'drop the source if missing',
} as const;

export const TRAY_STATES = {
  open: 'the tray is open (no medium inserted)',
  closed: 'the tray is closed',
} as const;

export const DISK_SECRET_TYPES = {
  iscsi: 'a CHAP secret for iSCSI',
  ceph: 'a cephx key for RBD',
} as const;

export const ENCRYPTION_FORMATS = {
  default: 'the default for the image format',
  qcow: 'qcow built-in AES (insecure, read-only support)',
  luks: 'LUKS',
  luks2: 'LUKS2',
  'luks-any': 'any LUKS version',
} as const;

export interface NetworkHost {
  name?: string;
  port?: number;
  transport?: string;
  socket?: string;
  node: XmlElement;
}

export interface DiskAuth {
  username?: string;
  secret?: { type?: string; uuid?: string; usage?: string; node: XmlElement };
  node: XmlElement;
}

export interface DiskSource {
  file?: string;
  dev?: string;
  dir?: string;
  protocol?: NetworkDiskProtocol;
  /** the image/target name for network sources (`pool/image`, the iSCSI IQN/LUN) */
  name?: string;
  query?: string;
  tls?: boolean;
  pool?: string;
  volume?: string;
  mode?: string;
  startupPolicy?: string;
  index?: number;
  hosts: NetworkHost[];
  auth?: DiskAuth;
  initiatorIqn?: string;
  reconnectDelay?: number;
  /** nvme: the host PCI address of the controller */
  namespace?: number;
  seclabels: SecLabel[];
  node: XmlElement;
}

export interface BackingStore {
  type?: DiskType;
  index?: number;
  format?: string;
  source?: DiskSource;
  node: XmlElement;
}

export interface DiskDriver {
  name?: string;
  /** the image format (`raw`, `qcow2`…) */
  type?: string;
  cache?: DiskCacheMode;
  io?: string;
  errorPolicy?: string;
  rerrorPolicy?: string;
  discard?: string;
  detectZeroes?: string;
  copyOnRead?: boolean;
  ioeventfd?: boolean;
  eventIdx?: boolean;
  iothread?: number;
  queues?: number;
  queueSize?: number;
  node: XmlElement;
}

export interface DiskTarget {
  dev: string;
  bus?: DiskBus;
  tray?: keyof typeof TRAY_STATES;
  removable?: boolean;
  rotationRate?: number;
  node: XmlElement;
}

/** Rates and limits of `<iotune>` (bytes or operations per second), keyed by element name. */
export type DiskIotune = { groupName?: string; node: XmlElement } & Partial<Record<IotuneLimit, number>>;

export const IOTUNE_LIMITS = [
  'total_bytes_sec',
  'read_bytes_sec',
  'write_bytes_sec',
  'total_iops_sec',
  'read_iops_sec',
  'write_iops_sec',
  'total_bytes_sec_max',
  'read_bytes_sec_max',
  'write_bytes_sec_max',
  'total_iops_sec_max',
  'read_iops_sec_max',
  'write_iops_sec_max',
  'size_iops_sec',
  'total_bytes_sec_max_length',
  'read_bytes_sec_max_length',
  'write_bytes_sec_max_length',
  'total_iops_sec_max_length',
  'read_iops_sec_max_length',
  'write_iops_sec_max_length',
] as const;
export type IotuneLimit = (typeof IOTUNE_LIMITS)[number];

export interface Disk extends DeviceCommon {
  type: DiskType;
  device: DiskDevice;
  model?: string;
  rawio?: boolean;
  sgio?: string;
  snapshot?: string;
  driver?: DiskDriver;
  source?: DiskSource;
  /** the backing chain, outermost first (`<backingStore>` nested in `<backingStore>` …) */
  backingChain: BackingStore[];
  target?: DiskTarget;
  readonly: boolean;
  shareable: boolean;
  transient: boolean;
  serial?: string;
  wwn?: string;
  vendor?: string;
  product?: string;
  boot?: BootOrder;
  iotune?: DiskIotune;
  throttleGroups: string[];
  /** `<auth>` directly under `<disk>` (the older place for it) */
  auth?: DiskAuth;
  encryption?: { format?: string; secrets: { type?: string; uuid?: string; usage?: string }[]; node: XmlElement };
  geometry?: { cyls?: number; heads?: number; secs?: number; trans?: string; node: XmlElement };
  blockio?: { logicalBlockSize?: number; physicalBlockSize?: number; node: XmlElement };
}

export function parseAuth(node: XmlElement | undefined): DiskAuth | undefined {
  if (node === undefined) return undefined;
  const secret = firstChild(node, 'secret');
  return {
    username: read.string(node, 'username'),
    secret:
      secret === undefined
        ? undefined
        : { type: read.string(secret, 'type'), uuid: read.string(secret, 'uuid'), usage: read.string(secret, 'usage'), node: secret },
    node,
  };
}

export function parseDiskSource(node: XmlElement | undefined): DiskSource | undefined {
  if (node === undefined) return undefined;
  const initiator = firstChild(node, 'initiator');
  const iqn = initiator === undefined ? undefined : firstChild(initiator, 'iqn');
  const reconnect = firstChild(node, 'reconnect');
  return {
    file: read.string(node, 'file'),
    dev: read.string(node, 'dev'),
    dir: read.string(node, 'dir'),
    protocol: read.enum(node, 'protocol', NETWORK_DISK_PROTOCOLS),
    name: read.string(node, 'name'),
    query: read.string(node, 'query'),
    tls: read.boolean(node, 'tls'),
    pool: read.string(node, 'pool'),
    volume: read.string(node, 'volume'),
    mode: read.string(node, 'mode'),
    startupPolicy: read.string(node, 'startupPolicy'),
    index: read.unsigned(node, 'index'),
    namespace: read.number(node, 'namespace'),
    hosts: childElements(node, 'host').map((host) => ({
      name: read.string(host, 'name'),
      port: read.unsigned(host, 'port'),
      transport: read.string(host, 'transport'),
      socket: read.string(host, 'socket'),
      node: host,
    })),
    auth: parseAuth(firstChild(node, 'auth')),
    initiatorIqn: iqn === undefined ? undefined : read.string(iqn, 'name'),
    reconnectDelay: reconnect === undefined ? undefined : read.unsigned(reconnect, 'delay'),
    seclabels: parseSecLabels(node),
    node,
  };
}

/** The chain is read iteratively: backing chains can be long. */
function parseBackingChain(disk: XmlElement): BackingStore[] {
  const chain: BackingStore[] = [];
  let current = firstChild(disk, 'backingStore');
  while (current !== undefined) {
    const format = firstChild(current, 'format');
    chain.push(
      {
        type: read.enum(current, 'type', DISK_TYPES),
        index: read.unsigned(current, 'index'),
        format: format === undefined ? undefined : read.string(format, 'type'),
        source: parseDiskSource(firstChild(current, 'source')),
        node: current,
      },
    );
    current = firstChild(current, 'backingStore');
  }
  return chain;
}

function parseDriver(node: XmlElement | undefined): DiskDriver | undefined {
  if (node === undefined) return undefined;
  return {
    name: read.string(node, 'name'),
    type: read.string(node, 'type'),
    cache: read.enum(node, 'cache', DISK_CACHE_MODES),
    io: read.string(node, 'io'),
    errorPolicy: read.string(node, 'error_policy'),
    rerrorPolicy: read.string(node, 'rerror_policy'),
    discard: read.string(node, 'discard'),
    detectZeroes: read.string(node, 'detect_zeroes'),
    copyOnRead: read.boolean(node, 'copy_on_read'),
    ioeventfd: read.boolean(node, 'ioeventfd'),
    eventIdx: read.boolean(node, 'event_idx'),
    iothread: read.unsigned(node, 'iothread'),
    queues: read.unsigned(node, 'queues'),
    queueSize: read.unsigned(node, 'queue_size'),
    node,
  };
}

function parseIotune(node: XmlElement | undefined): DiskIotune | undefined {
  if (node === undefined) return undefined;
  const iotune: DiskIotune = { node };
  for (const limit of IOTUNE_LIMITS) {
    const value = childText(node, limit);
    const parsed = value === undefined ? undefined : parseUnsigned(value);
    if (parsed !== undefined) iotune[limit] = parsed;
  }
  const group = childText(node, 'group_name');
  if (group !== undefined) iotune.groupName = group;
  return iotune;
}

export function parseDisk(node: XmlElement): Disk {
  const target = firstChild(node, 'target');
  const encryption = firstChild(node, 'encryption');
  const geometry = firstChild(node, 'geometry');
  const blockio = firstChild(node, 'blockio');
  const throttlefilters = firstChild(node, 'throttlefilters');
  const disk: Disk = {
    node,
    address: deviceAddress(node),
    alias: deviceAlias(node),
    type: read.enum(node, 'type', DISK_TYPES) ?? 'file',
    device: read.enum(node, 'device', DISK_DEVICES) ?? 'disk',
    backingChain: parseBackingChain(node),
    readonly: hasChild(node, 'readonly'),
    shareable: hasChild(node, 'shareable'),
    transient: hasChild(node, 'transient'),
    throttleGroups:
      throttlefilters === undefined
        ? []
        : childElements(throttlefilters, 'throttlefilter').flatMap((f) => read.string(f, 'group') ?? []),
    model: read.string(node, 'model'),
    rawio: read.boolean(node, 'rawio'),
    sgio: read.string(node, 'sgio'),
    snapshot: read.string(node, 'snapshot'),
    driver: parseDriver(firstChild(node, 'driver')),
    source: parseDiskSource(firstChild(node, 'source')),
    target:
      target === undefined
        ? undefined
        : {
            dev: read.string(target, 'dev') ?? '',
            bus: read.enum(target, 'bus', DISK_BUSES),
            tray: read.enum(target, 'tray', TRAY_STATES),
            removable: read.boolean(target, 'removable'),
            rotationRate: read.unsigned(target, 'rotation_rate'),
            node: target,
          },
    serial: childText(node, 'serial'),
    wwn: childText(node, 'wwn'),
    vendor: childText(node, 'vendor'),
    product: childText(node, 'product'),
    boot: parseBootOrder(node),
    iotune: parseIotune(firstChild(node, 'iotune')),
    auth: parseAuth(firstChild(node, 'auth')),
    encryption:
      encryption === undefined
        ? undefined
        : {
            format: read.string(encryption, 'format'),
            secrets: childElements(encryption, 'secret').map((s) => ({ type: read.string(s, 'type'), uuid: read.string(s, 'uuid'), usage: read.string(s, 'usage') })),
            node: encryption,
          },
    geometry:
      geometry === undefined
        ? undefined
        : {
            cyls: read.unsigned(geometry, 'cyls'),
            heads: read.unsigned(geometry, 'heads'),
            secs: read.unsigned(geometry, 'secs'),
            trans: read.string(geometry, 'trans'),
            node: geometry,
          },
    blockio:
      blockio === undefined
        ? undefined
        : {
            logicalBlockSize: read.unsigned(blockio, 'logical_block_size'),
            physicalBlockSize: read.unsigned(blockio, 'physical_block_size'),
            node: blockio,
          },
  };
  return disk;
}

/** `<emulator>` text. */
export function parseEmulator(devices: XmlElement): string | undefined {
  const emulator = firstChild(devices, 'emulator');
  return emulator === undefined ? undefined : elementText(emulator);
}
