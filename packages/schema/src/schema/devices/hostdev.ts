/** <hostdev>: host devices assigned to the guest. */
import { VIRTIO_MODELS } from '../../model/devices/controller.js';
import { DISK_SOURCE_STARTUP_POLICIES } from '../../model/devices/disk.js';
import { HOSTDEV_MODES, HOSTDEV_TYPES, MDEV_MODELS } from '../../model/devices/hostdev.js';
import { bootSpec, onOff, yesNo } from '../common.js';
import { diskAuthSpec, pciHostAddressSpec } from './disk.js';
import { attr, type ChildSpec, data, element, many, must, one, oneOf, required } from '../types.js';
import { placement } from './common.js';
import { ipSpec, routeSpec } from './interface.js';

/** libvirt's hostdevDriver: how a PCI device is assigned (an <interface type='hostdev'> too). */
export const hostdevDriverSpec = element('the assignment driver', {
  attributes: {
    name: attr('vfio (the default)', oneOf({ vfio: 'VFIO', kvm: 'legacy KVM', xen: 'Xen' })),
    model: attr('the VFIO variant driver on the host (vfio-pci, mlx5_vfio_pci…)', data('genericName')),
  },
});

export const hostdevCommon: Record<string, ChildSpec> = {
  ...placement,
  boot: one(bootSpec),
  rom: one(element('the option ROM', { attributes: { enabled: yesNo('load it'), bar: onOff('visible'), file: attr('a ROM image', data('absPath')) } })),
  readonly: one(element('read-only')),
  shareable: one(element('shareable')),
};
export const hostdevSpec = element('a host device assigned to the guest', {
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
          driver: one(hostdevDriverSpec),
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
                adapter: one(element('the host adapter', { attributes: { name: required('the adapter (scsi_host0)', data('string')), type: attr('scsi_host', oneOf({ scsi_host: 'a SCSI host adapter' })) } })),
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
