import { ADDRESS_TYPES } from '../model/address.js';
import { CHARDEV_PROTOCOLS, CHARDEV_SOURCE_MODES } from '../model/devices/chardev.js';
import { SECLABEL_MODELS } from '../model/security.js';
import { attr, data, element, many, one, oneOf, required, type ElementSpec } from './types.js';

export const YES_NO = { yes: 'enabled', no: 'disabled' } as const;
export const ON_OFF = { on: 'enabled', off: 'disabled' } as const;

export const yesNo = (doc: string) => attr(doc, oneOf(YES_NO));
export const onOff = (doc: string) => attr(doc, oneOf(ON_OFF));

/** `<address type='…'>`: the guest address of a device, its attributes depending on the type. */
export const addressSpec: ElementSpec = element('the guest address of the device; libvirt assigns one when absent', {
  attributes: { type: required('the kind of address', oneOf(ADDRESS_TYPES)) },
  variants: {
    attribute: 'type',
    cases: {
      pci: {
        attributes: {
          domain: attr('PCI domain (0x0000)', data('pciDomain')),
          bus: attr('PCI bus, 0x00–0xff', data('pciBus')),
          slot: attr('PCI slot, 0x00–0x1f', data('pciSlot')),
          function: attr('PCI function, 0x0–0x7', data('pciFunction')),
          multifunction: onOff('whether the slot holds several functions (set on function 0)'),
        },
        children: {
          zpci: one(
            element('s390 zPCI identifiers', {
              attributes: { uid: attr('zPCI user id', data('uint16')), fid: attr('zPCI function id', data('uint32')) },
            }),
          ),
        },
      },
      drive: {
        attributes: {
          controller: attr('index of the disk controller', data('twoDigits')),
          bus: attr('bus on the controller (IDE: 0 primary, 1 secondary)', data('twoDigits')),
          target: attr('target on the bus', data('twoDigits')),
          unit: attr('unit on the target (IDE: 0 master, 1 slave)', data('driveUnit')),
        },
      },
      'virtio-serial': {
        attributes: {
          controller: required('index of the virtio-serial controller', data('twoDigits')),
          bus: attr('bus on the controller', data('twoDigits')),
          port: attr('port number on the bus', data('twoDigits')),
        },
      },
      ccid: {
        attributes: {
          controller: required('index of the CCID controller', data('twoDigits')),
          slot: attr('slot on the controller', data('twoDigits')),
        },
      },
      usb: {
        attributes: {
          bus: required('index of the USB controller', data('usbAddr')),
          port: attr('port path such as 1 or 1.2 (port 2 of a hub on port 1)', data('usbPort')),
        },
      },
      'spapr-vio': { attributes: { reg: attr('VIO register address', data('spaprVioReg')) } },
      ccw: {
        attributes: {
          cssid: attr('channel subsystem id', data('ccwCssid')),
          ssid: attr('subchannel set id', data('ccwSsid')),
          devno: attr('device number', data('ccwDevno')),
        },
      },
      isa: { attributes: { iobase: attr('I/O port base', data('isaIobase')), irq: attr('interrupt line', data('isaIrq')) } },
      dimm: { attributes: { slot: attr('DIMM slot', data('uint')), base: attr('physical base address', data('hexuint')) } },
      'virtio-mmio': {},
      'virtio-s390': {},
      unassigned: {},
    },
  },
});

export const aliasSpec = element('a user alias for the device (must start with ua-)', {
  attributes: { name: required('the alias', data('aliasName')) },
});

export const acpiSpec = element('ACPI settings of the device', {
  attributes: { index: attr('the ACPI index (stable NIC names in the guest)', data('uint')) },
});

export const bootSpec = element('boot from this device, in this order', {
  attributes: {
    order: required('boot order: 1 first', data('positive')),
    loadparm: attr('s390 load parameter', data('loadparm')),
  },
});

/** `<seclabel>` on a disk source or chardev: relabel='no', or a label. */
export const deviceSeclabelSpec = element('a per-device security label override', {
  attributes: {
    model: attr('the security driver', { kind: 'suggest', values: SECLABEL_MODELS, type: 'string' }),
    relabel: yesNo('whether libvirt relabels the resource'),
    labelskip: yesNo('output only: the label was skipped'),
  },
  children: { label: many(element('the label', { text: data('string') })) },
  constraints: [
    {
      kind: 'oneOf',
      names: ['@relabel=no', '@labelskip=yes', 'label'],
      message: "A device <seclabel> needs relabel='no' or a <label> (relabel='yes' without a label has nothing to apply).",
    },
  ],
});

/** virtio options on `<driver>` of virtio devices. */
export const virtioOptions = {
  iommu: onOff('use the IOMMU for DMA (virtio iommu_platform)'),
  ats: onOff('Address Translation Services'),
  packed: onOff('packed virtqueues'),
  page_per_vq: onOff('one page per virtqueue notification area'),
};

export const reconnectSpec = element('reconnect a lost socket connection', {
  attributes: {
    enabled: attr('whether to reconnect', oneOf(YES_NO)),
    timeout: attr('seconds between attempts', data('uint')),
    delay: attr('seconds before reconnecting (NBD)', data('uint')),
  },
});

/** `<source>` of a character device (serial, console, channel, …). */
export const chardevSourceSpec = element('where the host side of the character device is', {
  attributes: {
    mode: attr('bind (listen) or connect', oneOf(CHARDEV_SOURCE_MODES)),
    path: attr('a file, device, pipe or socket path', data('string')),
    host: attr('host name or address (tcp, udp)', data('string')),
    service: attr('port (tcp, udp)', data('string')),
    channel: attr('the SPICE port channel name', data('string')),
    master: attr('nmdm master device', data('string')),
    slave: attr('nmdm slave device', data('string')),
    append: onOff('append to the file instead of truncating it'),
    tls: yesNo('use TLS (tcp)'),
  },
  children: {
    reconnect: one(reconnectSpec),
    seclabel: many(deviceSeclabelSpec),
    clipboard: one(element('clipboard sharing (qemu-vdagent)', { attributes: { copypaste: attr('allow copy and paste', oneOf(YES_NO)) } })),
    mouse: one(element('mouse mode (qemu-vdagent)', { attributes: { mode: attr('server or client', oneOf({ server: 'server mouse', client: 'client mouse' })) } })),
  },
});

export const chardevCommonChildren = {
  source: many(chardevSourceSpec),
  protocol: one(element('the wire protocol of a TCP character device', { attributes: { type: attr('the protocol', oneOf(CHARDEV_PROTOCOLS)) } })),
  log: one(
    element('also log everything the device receives to a file', {
      attributes: { file: required('the log file', data('absPath')), append: onOff('append instead of truncating') },
    }),
  ),
  alias: one(aliasSpec),
  acpi: one(acpiSpec),
  address: one(addressSpec),
};


export const driverVirtioOnly = element('virtio options of the device', { attributes: virtioOptions });
