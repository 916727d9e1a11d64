import { firstChild, type XmlElement } from '../../xml/tree.js';
import { deviceAddress, deviceAlias, type DeviceCommon } from '../address.js';
import { elementKiB } from '../units.js';
import { childText, parseUnsigned, read } from '../values.js';

export const CONTROLLER_TYPES = {
  ide: 'IDE controller',
  fdc: 'floppy controller',
  scsi: 'SCSI host adapter',
  sata: 'SATA (AHCI) controller',
  usb: 'USB host controller',
  ccid: 'CCID smartcard reader controller (on USB)',
  'virtio-serial': 'virtio-serial controller for channels and consoles',
  pci: 'PCI/PCIe root, bridge or port',
  isa: 'ISA bus',
  xenbus: 'Xen bus',
  nvme: 'NVMe controller',
} as const;
export type ControllerType = keyof typeof CONTROLLER_TYPES;

export const PCI_CONTROLLER_MODELS = {
  'pci-root': 'the root bus of an i440FX machine (pc)',
  'pcie-root': 'the root complex of a Q35 machine',
  'pci-bridge': 'a PCI-to-PCI bridge with 31 slots',
  'dmi-to-pci-bridge': 'a DMI-to-PCI bridge (i82801b11) to attach a PCI bus on Q35',
  'pcie-to-pci-bridge': 'a PCIe-to-PCI bridge',
  'pcie-root-port': 'a PCIe root port: one hot-pluggable PCIe slot',
  'pcie-switch-upstream-port': 'the upstream side of a PCIe switch',
  'pcie-switch-downstream-port': 'a downstream port of a PCIe switch',
  'pci-expander-bus': 'a PCI expander bus (pxb) for NUMA placement',
  'pcie-expander-bus': 'a PCIe expander bus (pxb-pcie) for NUMA placement',
} as const;

export const USB_CONTROLLER_MODELS = {
  'piix3-uhci': 'USB 1.1 UHCI of the PIIX3 (the pc default)',
  'piix4-uhci': 'USB 1.1 UHCI of the PIIX4',
  ehci: 'USB 2.0 EHCI',
  'ich9-ehci1': 'USB 2.0 EHCI of the ICH9, with companion UHCIs',
  'ich9-uhci1': 'USB 1.1 UHCI companion 1 of the ICH9',
  'ich9-uhci2': 'USB 1.1 UHCI companion 2 of the ICH9',
  'ich9-uhci3': 'USB 1.1 UHCI companion 3 of the ICH9',
  'vt82c686b-uhci': 'VIA USB 1.1 UHCI',
  'pci-ohci': 'USB 1.1 OHCI',
  'nec-xhci': 'USB 3.0 xHCI (NEC)',
  'qemu-xhci': 'USB 3.0 xHCI (QEMU, the q35 default)',
  qusb1: 'Xen USB 1.1',
  qusb2: 'Xen USB 2.0',
  none: 'no USB controller at all',
} as const;

export const SCSI_CONTROLLER_MODELS = {
  auto: 'chosen by the hypervisor',
  buslogic: 'BusLogic',
  lsilogic: 'LSI Logic 53C895A',
  lsisas1068: 'LSI SAS 1068',
  lsisas1078: 'LSI MegaRAID SAS 1078',
  vmpvscsi: 'VMware paravirtual SCSI',
  ibmvscsi: 'IBM virtual SCSI (ppc64)',
  'virtio-scsi': 'virtio-scsi: the paravirtual SCSI controller',
  'virtio-transitional': 'virtio-scsi, transitional (legacy + modern)',
  'virtio-non-transitional': 'virtio-scsi, modern only',
  ncr53c90: 'NCR 53C90',
  dc390: 'Tekram DC-390',
  am53c974: 'AMD 53C974',
} as const;

export const IDE_CONTROLLER_MODELS = {
  piix3: 'PIIX3 IDE',
  piix4: 'PIIX4 IDE',
  ich6: 'ICH6 IDE',
} as const;

export const VIRTIO_MODELS = {
  virtio: 'virtio (transitional or modern, chosen by the machine)',
  'virtio-transitional': 'virtio, transitional: works with old and new guest drivers',
  'virtio-non-transitional': 'virtio, modern only (virtio 1.0)',
} as const;

export const PCI_CONTROLLER_MODEL_NAMES = {
  'spapr-pci-host-bridge': 'pseries PHB',
  'pci-bridge': 'QEMU pci-bridge',
  'i82801b11-bridge': 'Intel DMI-to-PCI bridge',
  'pcie-pci-bridge': 'QEMU PCIe-to-PCI bridge',
  ioh3420: 'Intel X58 root port',
  'pcie-root-port': 'QEMU PCIe root port',
  x3130: 'TI X3130 switch',
  'x3130-upstream': 'TI X3130 switch upstream port',
  'xio3130-downstream': 'TI XIO3130 switch downstream port',
  pxb: 'PCI expander bridge',
  'pxb-pcie': 'PCIe expander bridge',
  'pcie-root': 'the Q35 root complex',
} as const;

export interface Controller extends DeviceCommon {
  type: ControllerType;
  /** absent means libvirt picks the next free index */
  index?: number;
  model?: string;
  ports?: number;
  vectors?: number;
  /** `<model name='…'/>`: the QEMU device behind a PCI controller */
  modelName?: string;
  driver?: { queues?: number; cmdPerLun?: number; maxSectors?: number; ioeventfd?: boolean; iothread?: number; node: XmlElement };
  target?: { chassisNr?: number; chassis?: number; port?: number; busNr?: number; index?: number; hotplug?: boolean; numaNode?: number; node: XmlElement };
  pcihole64KiB?: number;
  master?: { startport?: number; node: XmlElement };
}

export function parseController(node: XmlElement): Controller {
  const model = firstChild(node, 'model');
  const driver = firstChild(node, 'driver');
  const target = firstChild(node, 'target');
  const pcihole64 = firstChild(node, 'pcihole64');
  const master = firstChild(node, 'master');
  const numaNode = target === undefined ? undefined : childText(target, 'node');
  return {
    node,
    address: deviceAddress(node),
    alias: deviceAlias(node),
    type: read.enum(node, 'type', CONTROLLER_TYPES) ?? 'pci',
    index: read.unsigned(node, 'index'),
    model: read.string(node, 'model'),
    ports: read.unsigned(node, 'ports'),
    vectors: read.unsigned(node, 'vectors'),
    modelName: model === undefined ? undefined : read.string(model, 'name'),
    driver:
      driver === undefined
        ? undefined
        : {
            queues: read.unsigned(driver, 'queues'),
            cmdPerLun: read.unsigned(driver, 'cmd_per_lun'),
            maxSectors: read.unsigned(driver, 'max_sectors'),
            ioeventfd: read.boolean(driver, 'ioeventfd'),
            iothread: read.unsigned(driver, 'iothread'),
            node: driver,
          },
    target:
      target === undefined
        ? undefined
        : {
            chassisNr: read.number(target, 'chassisNr'),
            chassis: read.number(target, 'chassis'),
            port: read.number(target, 'port'),
            busNr: read.number(target, 'busNr'),
            index: read.number(target, 'index'),
            hotplug: read.boolean(target, 'hotplug'),
            numaNode: numaNode === undefined ? undefined : parseUnsigned(numaNode),
            node: target,
          },
    pcihole64KiB: pcihole64 === undefined ? undefined : elementKiB(pcihole64),
    master: master === undefined ? undefined : { startport: read.number(master, 'startport'), node: master },
  };
}
