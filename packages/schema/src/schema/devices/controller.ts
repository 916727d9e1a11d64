/** <controller>: IDE, SATA, SCSI, USB, virtio-serial and PCI/PCIe controllers. */
import { sized } from '../shorthands.js';
import { CONTROLLER_TYPES, IDE_CONTROLLER_MODELS, PCI_CONTROLLER_MODEL_NAMES, PCI_CONTROLLER_MODELS, SCSI_CONTROLLER_MODELS, USB_CONTROLLER_MODELS, VIRTIO_MODELS } from '../../model/devices/controller.js';
import { onOff, virtioOptions } from '../common.js';
import { attr, data, element, one, oneOf, required } from '../types.js';
import { placement } from './common.js';

export const controllerDriver = element('controller driver options', {
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
export const controllerSpec = element('a bus controller: IDE, SATA, SCSI, USB, virtio-serial, PCI/PCIe', {
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
