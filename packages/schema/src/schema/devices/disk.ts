import {
  DISK_BUSES,
  DISK_CACHE_MODES,
  DISK_DETECT_ZEROES,
  DISK_DEVICES,
  DISK_DISCARD_MODES,
  DISK_ERROR_POLICIES,
  DISK_FORMATS,
  DISK_IO_MODES,
  DISK_RERROR_POLICIES,
  DISK_SECRET_TYPES,
  DISK_SOURCE_STARTUP_POLICIES,
  DISK_TYPES,
  ENCRYPTION_FORMATS,
  NETWORK_DISK_PROTOCOLS,
  TRAY_STATES,
} from '../../model/devices/disk.js';
import { aliasSpec, acpiSpec, addressSpec, bootSpec, deviceSeclabelSpec, onOff, reconnectSpec, virtioOptions, yesNo } from '../common.js';
import { VIRTIO_MODELS } from '../../model/devices/controller.js';
import { iotuneSpec } from '../iotune.js';
import { attr, data, element, many, must, one, oneOf, required, suggest, type ChildSpec, type ElementSpec, type SpecParts } from '../types.js';

const secretSpec = element('the libvirt secret holding the password or key', {
  attributes: {
    type: required('the kind of secret', oneOf(DISK_SECRET_TYPES)),
    uuid: attr('the secret UUID', data('uuid')),
    usage: attr('the secret usage name', data('objectName')),
  },
  constraints: [{ kind: 'oneOf', names: ['@uuid', '@usage'], message: 'A <secret> is named by uuid or by usage (exactly one).' }],
});

export const diskAuthSpec = element('credentials for a network disk', {
  attributes: { username: required('the user name', data('genericName')) },
  children: { secret: must(secretSpec) },
});

const encryptionSpec = element('the image is encrypted; the key comes from a libvirt secret', {
  attributes: {
    format: required('the encryption format', oneOf(ENCRYPTION_FORMATS)),
    engine: attr('who decrypts', oneOf({ qemu: 'QEMU', librbd: 'librbd (RBD only)' })),
  },
  children: {
    secret: many(
      element('the passphrase secret', {
        attributes: { type: required('passphrase', oneOf({ passphrase: 'a passphrase' })), uuid: attr('the secret UUID', data('uuid')), usage: attr('the secret usage', data('string')) },
        constraints: [{ kind: 'oneOf', names: ['@uuid', '@usage'], message: 'A <secret> is named by uuid or by usage (exactly one).' }],
      }),
    ),
  },
});

/** libvirt's own bookkeeping in the status XML of a running guest: read only from there, ignored in a definition. */
const privateDataSpec = element("libvirt's private state of a running guest (ignored in a definition)", { anyContent: true });

const slicesSpec = element('a slice of the source (offset and size)', {
  children: {
    slice: one(
      element('the storage slice', {
        attributes: {
          type: required('storage', oneOf({ storage: 'the storage slice' })),
          offset: required('bytes from the start', data('uint')),
          size: required('bytes', data('positive')),
        },
      }),
    ),
  },
});

const hostSpec = element('a server of the network disk', {
  attributes: {
    transport: attr('tcp, rdma or unix', oneOf({ tcp: 'TCP', rdma: 'RDMA', unix: 'a UNIX socket' })),
    name: attr('host name or address', data('ipOrName')),
    port: attr('port', data('uint')),
    socket: attr('UNIX socket path (transport unix)', data('absPath')),
  },
  constraints: [
    { kind: 'requires', when: '@transport=unix', then: ['@socket'], message: "transport='unix' needs socket=." },
    { kind: 'oneOf', names: ['@name', '@socket'], message: 'A <host> has a name (and port) or a UNIX socket.' },
  ],
});

const sourceCommonAttributes = {
  index: attr('position in the backing chain (output)', data('positive')),
  startupPolicy: attr('what to do when the source is missing', oneOf(DISK_SOURCE_STARTUP_POLICIES)),
};
const sourceCommonChildren = {
  seclabel: many(deviceSeclabelSpec),
  encryption: one(encryptionSpec),
  slices: one(slicesSpec),
  dataStore: one(element('an external data file of a qcow2 image', { anyContent: true })),
  privateData: one(privateDataSpec),
};

const networkSourceSpec = element('the network server and image', {
  attributes: {
    ...sourceCommonAttributes,
    protocol: required('the network protocol', oneOf(NETWORK_DISK_PROTOCOLS)),
    name: attr('the image, volume or target name', data('string')),
    query: attr('the query string of the URL', data('string')),
    tls: yesNo('use TLS'),
    tlsHostname: attr('host name checked against the TLS certificate', data('string')),
  },
  children: {
    ...sourceCommonChildren,
    host: many(hostSpec),
    auth: one(diskAuthSpec),
    initiator: one(element('the iSCSI initiator', { children: { iqn: must(element('the initiator IQN', { attributes: { name: required('the IQN', data('string')) } })) } })),
    snapshot: one(element('an RBD snapshot', { attributes: { name: required('the snapshot', data('genericName')) } })),
    config: one(element('a Ceph configuration file', { attributes: { file: required('the file', data('absPath')) } })),
    reconnect: one(reconnectSpec),
    ssl: one(element('TLS certificate checking', { attributes: { verify: required('verify the certificate', oneOf({ yes: 'verify', no: 'do not verify' })) } })),
    cookies: one(element('HTTP cookies', { children: { cookie: many(element('a cookie', { text: data('string'), attributes: { name: required('the name', data('string')) } }), 1) } })),
    readahead: one(element('read-ahead size', { attributes: { size: required('bytes', data('positive')) } })),
    timeout: one(element('connection timeout', { attributes: { seconds: required('seconds', data('positive')) } })),
    identity: one(
      element('who connects: the NFS user and group, or the SSH user and key', {
        attributes: {
          user: attr('NFS: the user', data('genericName')),
          group: attr('NFS: the group', data('genericName')),
          username: attr('SSH: the user name', data('genericName')),
          keyfile: attr('SSH: the private key file', data('absPath')),
          agentsock: attr("SSH: the agent's socket", data('absPath')),
        },
      }),
    ),
    knownHosts: one(element('the SSH known hosts file', { attributes: { path: required('path', data('absPath')) } })),
  },
  subVariants: {
    attribute: 'protocol',
    cases: Object.fromEntries(
      Object.keys(NETWORK_DISK_PROTOCOLS).map((protocol): [string, SpecParts] => {
        const hostCount: ChildSpec =
          protocol === 'rbd' ? many(hostSpec) : protocol === 'gluster' ? many(hostSpec, 1) : { spec: hostSpec, min: 1, max: protocol === 'iscsi' ? 1 : Number.POSITIVE_INFINITY };
        const nameOptional = protocol === 'nbd' || protocol === 'rbd';
        return [
          protocol,
          {
            children: { host: hostCount },
            constraints: nameOptional ? [] : [{ kind: 'requires', when: '@protocol', then: ['@name'], message: `A ${protocol} source needs name=.` }],
          },
        ];
      }),
    ),
  },
});

/** What a source of this storage type has (disks, backing images, NVRAM): libvirt's diskSource. */
export function sourceParts(type: string): SpecParts {
  const optionalSource = (spec: ElementSpec): Record<string, ChildSpec> => ({ source: one(spec) });
  switch (type) {
    case 'file':
      return {
        children: optionalSource(
          element('the image file', {
            attributes: { ...sourceCommonAttributes, file: attr('the image path', data('absPath')), fdgroup: attr('a file descriptor group passed to libvirt', data('string')) },
            children: sourceCommonChildren,
          }),
        ),
      };
    case 'block':
      return {
        children: optionalSource(
          element('the host block device', {
            attributes: { ...sourceCommonAttributes, dev: attr('the device path', data('absPath')) },
            children: { ...sourceCommonChildren, reservations: one(element('SCSI persistent reservations', { anyContent: true })) },
          }),
        ),
      };
    case 'dir':
      return {
        children: optionalSource(
          element('the host directory', { attributes: { ...sourceCommonAttributes, dir: required('the directory', data('absPath')) }, children: sourceCommonChildren }),
        ),
      };
    case 'network':
      return { children: { source: must(networkSourceSpec) } };
    case 'volume':
      return {
        children: optionalSource(
          element('the storage pool volume', {
            attributes: {
              ...sourceCommonAttributes,
              pool: required('the storage pool', data('objectName')),
              volume: required('the volume', data('volName')),
              mode: attr('host or direct (iSCSI pools)', oneOf({ host: 'through the host', direct: 'directly from QEMU' })),
            },
            children: sourceCommonChildren,
          }),
        ),
      };
    case 'nvme':
      return {
        children: optionalSource(
          element('the host NVMe namespace', {
            attributes: {
              ...sourceCommonAttributes,
              type: required('pci', oneOf({ pci: 'a PCI NVMe controller' })),
              namespace: required('the namespace id', data('uint32')),
              managed: yesNo('libvirt detaches the controller from the host'),
            },
            children: { ...sourceCommonChildren, address: must(pciHostAddressSpec) },
          }),
        ),
      };
    case 'vhostuser':
      return {
        children: {
          source: must(
            element('the vhost-user-blk socket', {
              attributes: { type: required('unix', oneOf({ unix: 'a UNIX socket' })), path: required('the socket', data('absPath')) },
              children: { reconnect: one(reconnectSpec) },
            }),
          ),
        },
      };
    default:
      return { children: optionalSource(element('the vDPA device', { attributes: { dev: required('the device', data('absPath')) } })) };
  }
}

export const pciHostAddressSpec = element('the host PCI address', {
  attributes: {
    domain: attr('PCI domain', data('pciDomain')),
    bus: attr('PCI bus', data('pciBus')),
    slot: attr('PCI slot', data('pciSlot')),
    function: attr('PCI function', data('pciFunction')),
    type: attr('pci', oneOf({ pci: 'a PCI address' })),
    multifunction: onOff('whether the slot holds several functions'),
  },
});

const WITHOUT_LUN = { disk: DISK_DEVICES.disk, cdrom: DISK_DEVICES.cdrom, floppy: DISK_DEVICES.floppy } as const;

/** Only block, network and volume sources can be a SCSI LUN. */
function diskCase(type: string): SpecParts {
  const parts = sourceParts(type);
  const lunAllowed = type === 'block' || type === 'network' || type === 'volume';
  return {
    ...parts,
    attributes: lunAllowed ? {} : { device: attr('what the guest sees (lun needs a block, network or volume source)', oneOf(WITHOUT_LUN)) },
  };
}

const formatSpec = element('the format of this backing image', {
  attributes: { type: required('the image format', oneOf(DISK_FORMATS)) },
  children: { metadata_cache: one(element('qcow2 metadata cache', { children: { max_size: one(element('cache size', { text: data('ulong'), attributes: { unit: attr('unit', data('unit')) } })) } })) },
});

export const backingStoreSpec: ElementSpec = element('the image this one is backed by (an empty element ends the chain)', {
  attributes: { type: attr('the kind of backing source', oneOf(DISK_TYPES)), index: attr('position in the chain (output)', data('positive')) },
  children: { format: one(formatSpec), backingStore: one(() => backingStoreSpec) },
  variants: { attribute: 'type', cases: Object.fromEntries(Object.keys(DISK_TYPES).map((t) => [t, sourceParts(t)])) },
});

export const diskSpec = element('a disk, CD-ROM, floppy or SCSI LUN', {
  attributes: {
    type: attr('where the data comes from', oneOf(DISK_TYPES)),
    device: attr('what the guest sees', oneOf(DISK_DEVICES)),
    model: attr('the virtio variant', oneOf(VIRTIO_MODELS)),
    snapshot: attr('default snapshot mode', oneOf({ no: 'no snapshots', internal: 'internal', external: 'external', manual: 'manual' })),
    rawio: yesNo('raw SCSI I/O (device lun only)'),
    sgio: attr('SCSI command filtering (device lun only)', oneOf({ filtered: 'filtered', unfiltered: 'unfiltered' })),
  },
  children: {
    driver: one(
      element('how QEMU accesses the image', {
        attributes: {
          name: attr('the driver (qemu)', suggest({ qemu: 'QEMU' }, 'genericName')),
          type: attr('the image format', oneOf(DISK_FORMATS)),
          cache: attr('the cache mode', oneOf(DISK_CACHE_MODES)),
          error_policy: attr('what to do on a write error', oneOf(DISK_ERROR_POLICIES)),
          rerror_policy: attr('what to do on a read error', oneOf(DISK_RERROR_POLICIES)),
          io: attr('the I/O mode', oneOf(DISK_IO_MODES)),
          ioeventfd: onOff('ioeventfd notification'),
          event_idx: onOff('virtio event index'),
          copy_on_read: onOff('copy backing data into the image when read'),
          discard: attr('discard requests', oneOf(DISK_DISCARD_MODES)),
          detect_zeroes: attr('detect zero writes', oneOf(DISK_DETECT_ZEROES)),
          discard_no_unref: onOff('qcow2: keep discarded clusters allocated (less fragmentation)'),
          iothread: attr('the I/O thread serving the disk', data('uint')),
          queues: attr('virtio-blk queues', data('positive')),
          queue_size: attr('virtqueue size', data('positive')),
          ...virtioOptions,
        },
        children: {
          metadata_cache: one(element('qcow2 metadata cache', { children: { max_size: one(element('cache size', { text: data('ulong'), attributes: { unit: attr('unit', data('unit')) } })) } })),
          iothreads: one(element('several I/O threads for the queues', { anyContent: true })),
        },
      }),
    ),
    target: must(
      element('the device the guest sees', {
        attributes: {
          dev: required('the guest device name (vda, sda, hdc, fda…)', data('diskTargetDev')),
          bus: attr('the bus; by default derived from the name', oneOf(DISK_BUSES)),
          tray: attr('CD-ROM and floppy tray state', oneOf(TRAY_STATES)),
          removable: onOff('USB disks: removable medium'),
          rotation_rate: attr('1 = SSD, otherwise RPM', data('positive')),
        },
      }),
    ),
    backingStore: one(backingStoreSpec),
    mirror: one(element('a block job copying the disk (output)', { anyContent: true })),
    privateData: one(privateDataSpec),
    auth: one(diskAuthSpec),
    boot: one(bootSpec),
    backenddomain: one(element('the Xen backend domain', { attributes: { name: required('the domain', data('nonEmpty')) } })),
    readonly: one(element('the guest cannot write (CD-ROMs always)')),
    shareable: one(element('several guests may use the disk at once')),
    transient: one(element('changes are discarded when the guest stops', { attributes: { shareBacking: yesNo('share the backing image with other guests') } })),
    serial: one(element('the serial number the guest sees', { text: data('diskSerial') })),
    encryption: one(encryptionSpec),
    iotune: one(iotuneSpec),
    throttlefilters: one(
      element('throttle groups (domain <throttlegroups>) applied to the disk', {
        children: { throttlefilter: many(element('one throttle group', { attributes: { group: required('the group name', data('string')) } }), 1) },
      }),
    ),
    alias: one(aliasSpec),
    acpi: one(acpiSpec),
    address: one(addressSpec),
    geometry: one(
      element('BIOS disk geometry', {
        attributes: {
          cyls: required('cylinders', data('int')),
          heads: required('heads', data('int')),
          secs: required('sectors per track', data('int')),
          trans: attr('BIOS translation', oneOf({ auto: 'automatic', none: 'none', lba: 'LBA' })),
        },
      }),
    ),
    blockio: one(
      element('block sizes the guest sees', {
        attributes: {
          logical_block_size: attr('logical block size in bytes', data('int')),
          physical_block_size: attr('physical block size in bytes', data('int')),
          discard_granularity: attr('discard granularity in bytes', data('int')),
        },
      }),
    ),
    wwn: one(element('the World Wide Name (IDE, SCSI)', { text: data('wwn') })),
    vendor: one(element('the vendor (SCSI), up to 8 characters', { text: data('printable8') })),
    product: one(element('the product (SCSI), up to 16 characters', { text: data('printable16') })),
  },
  variants: { attribute: 'type', default: 'file', cases: Object.fromEntries(Object.keys(DISK_TYPES).map((t) => [t, diskCase(t)])) },
  constraints: [
    { kind: 'exclusive', groups: [['iotune'], ['throttlefilters']] },
    { kind: 'forbids', when: '@device=disk', names: ['@rawio', '@sgio'], message: "rawio and sgio are only for device='lun'." },
    { kind: 'forbids', when: '@device=cdrom', names: ['@rawio', '@sgio'], message: "rawio and sgio are only for device='lun'." },
    { kind: 'forbids', when: '@device=floppy', names: ['@rawio', '@sgio'], message: "rawio and sgio are only for device='lun'." },
  ],
});
