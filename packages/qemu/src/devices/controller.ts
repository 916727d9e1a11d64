/** -device for controllers: PCI buses first, then USB, SCSI, SATA, virtio-serial; CCID after hubs. */
import type { Controller, PCI_CONTROLLER_MODELS, SCSI_CONTROLLER_MODELS, USB_CONTROLLER_MODELS, VIRTIO_MODELS } from '@virtdeck/schema';
import { hasDevice, pciBusProps, type BuildContext } from '../build/context.js';
import { jsonOption, type JsonObject, type QemuOption } from '../options.js';
import { usbBusProps } from './usb.js';

const PCI_DRIVERS: Record<string, string | undefined> = {
  'pci-bridge': 'pci-bridge',
  'dmi-to-pci-bridge': 'i82801b11-bridge',
  'pcie-to-pci-bridge': 'pcie-pci-bridge',
  'pcie-root-port': 'pcie-root-port',
  'pcie-switch-upstream-port': 'x3130-upstream',
  'pcie-switch-downstream-port': 'xio3130-downstream',
  'pci-expander-bus': 'pxb',
  'pcie-expander-bus': 'pxb-pcie',
  // built into the machine
  'pci-root': undefined,
  'pcie-root': undefined,
} satisfies Record<keyof typeof PCI_CONTROLLER_MODELS, string | undefined>;

const USB_DRIVERS: Record<string, string | undefined> = {
  'piix3-uhci': 'piix3-usb-uhci',
  'piix4-uhci': 'piix4-usb-uhci',
  ehci: 'usb-ehci',
  'ich9-ehci1': 'ich9-usb-ehci1',
  'ich9-uhci1': 'ich9-usb-uhci1',
  'ich9-uhci2': 'ich9-usb-uhci2',
  'ich9-uhci3': 'ich9-usb-uhci3',
  'vt82c686b-uhci': 'vt82c686b-usb-uhci',
  'pci-ohci': 'pci-ohci',
  'nec-xhci': 'nec-usb-xhci',
  'qemu-xhci': 'qemu-xhci',
  // not in QEMU's x86 emulators, or no controller at all
  qusb1: undefined,
  qusb2: undefined,
  none: undefined,
} satisfies Record<keyof typeof USB_CONTROLLER_MODELS, string | undefined>;

const SCSI_DRIVERS: Record<string, string | undefined> = {
  lsilogic: 'lsi',
  lsisas1068: 'mptsas1068',
  lsisas1078: 'megasas',
  vmpvscsi: 'pvscsi',
  'virtio-scsi': 'virtio-scsi-pci',
  'virtio-transitional': 'virtio-scsi-pci-transitional',
  'virtio-non-transitional': 'virtio-scsi-pci-non-transitional',
  ibmvscsi: 'spapr-vscsi',
  buslogic: 'buslogic',
  dc390: 'dc390',
  am53c974: 'am53c974',
  // chosen by the layout before this table is read; ncr53c90 is a machine's built-in (sparc)
  auto: undefined,
  ncr53c90: undefined,
} satisfies Record<keyof typeof SCSI_CONTROLLER_MODELS, string | undefined>;

const VIRTIO_SERIAL_DRIVERS: Record<string, string | undefined> = {
  virtio: 'virtio-serial-pci',
  'virtio-transitional': 'virtio-serial-pci-transitional',
  'virtio-non-transitional': 'virtio-serial-pci-non-transitional',
} satisfies Record<keyof typeof VIRTIO_MODELS, string | undefined>;

const TYPE_ORDER = ['pci', 'usb', 'scsi', 'ide', 'sata', 'fdc', 'virtio-serial'] as const;

/** Device properties of one controller, or undefined when it is built into the machine. */
function controllerProps(ctx: BuildContext, c: Controller): JsonObject | undefined {
  const { layout, diagnostics } = ctx;
  const model = layout.controllerModel.get(c);
  const index = layout.controllerIndex.get(c) ?? 0;
  const id = layout.alias.get(c);
  const pci = pciBusProps(ctx, layout.pci.get(c));
  switch (c.type) {
    case 'pci': {
      // The root bus is the machine's own (its 64-bit hole is a -global: buildPciHoleArgs).
      if (model === 'pci-root' || model === 'pcie-root') return undefined;
      const slot = layout.pciControllers.find((p) => p.index === index);
      const driver = c.modelName ?? PCI_DRIVERS[model ?? ''];
      if (!driver) {
        diagnostics.unsupported(c.node, `PCI controller model '${model}'`, true);
        return undefined;
      }
      const props: JsonObject = { driver };
      if (model === 'pci-bridge') props.chassis_nr = slot?.chassisNr ?? index;
      if (model === 'pcie-root-port' || model === 'pcie-switch-downstream-port') {
        props.port = slot?.port;
        props.chassis = slot?.chassis;
      }
      if (model === 'pci-expander-bus' || model === 'pcie-expander-bus') {
        props.bus_nr = c.target?.busNr;
        props.numa_node = c.target?.numaNode;
      }
      if (c.target?.hotplug === false) props.hotplug = false;
      return { ...props, id, ...pci };
    }
    case 'usb': {
      if (model === 'none') return undefined;
      const driver = USB_DRIVERS[model ?? ''];
      if (!driver) {
        diagnostics.unsupported(c.node, `USB controller model '${model}'`, true);
        return undefined;
      }
      const props: JsonObject = { driver };
      if ((model === 'nec-xhci' || model === 'qemu-xhci') && c.ports !== undefined) {
        props.p2 = c.ports;
        props.p3 = c.ports;
      }
      if (c.master) {
        // A USB1 companion of an EHCI: it has no id of its own and serves the master's bus.
        props.masterbus = `${layout.controllerAlias('usb', index) ?? 'usb'}.0`;
        props.firstport = c.master.startport ?? 0;
        return { ...props, ...pci };
      }
      return { ...props, id, ...pci };
    }
    case 'scsi': {
      if (model === 'ncr53c90') return undefined;
      const driver = SCSI_DRIVERS[model ?? ''];
      if (!driver) {
        diagnostics.unsupported(c.node, `SCSI controller model '${model}'`, true);
        return undefined;
      }
      const props: JsonObject = { driver, id };
      if (model === 'ibmvscsi') {
        props.reg = 0x2000;
        return props;
      }
      if (driver.startsWith('virtio-scsi')) {
        props.num_queues = c.driver?.queues;
        props.cmd_per_lun = c.driver?.cmdPerLun;
        props.max_sectors = c.driver?.maxSectors;
        props.ioeventfd = c.driver?.ioeventfd;
        if (c.driver?.iothread !== undefined) props.iothread = `iothread${c.driver.iothread}`;
      }
      return { ...props, ...pci };
    }
    case 'ide':
      if (index === 0 && ctx.machine.chipset === 'i440fx') return undefined; // the PIIX3's own IDE
      diagnostics.unsupported(c.node, `IDE controller ${index} on machine '${ctx.machine.name}'`, true);
      return undefined;
    case 'sata':
      if (index === 0 && ctx.machine.chipset === 'q35') return undefined; // the ICH9's own AHCI
      return { driver: 'ahci', id, ...pci };
    case 'fdc':
      if (ctx.machine.chipset === 'i440fx' || ctx.machine.chipset === 'isapc') return undefined; // the ISA floppy controller
      return { driver: 'isa-fdc', id };
    case 'virtio-serial': {
      const driver = VIRTIO_SERIAL_DRIVERS[model ?? 'virtio'];
      if (!driver) {
        diagnostics.unsupported(c.node, `virtio-serial controller model '${model}'`, true);
        return undefined;
      }
      return { driver, id, max_ports: c.ports, vectors: c.vectors, ...pci };
    }
    case 'ccid':
      return { driver: 'usb-ccid', id, ...usbBusProps(ctx, c) };
    case 'isa':
      return undefined;
    case 'xenbus':
    case 'nvme':
      diagnostics.unsupported(c.node, `A ${c.type} controller`, true);
      return undefined;
    default: {
      const unknown: never = c.type;
      diagnostics.error('invalid-value', c.node, `Controller type '${String(unknown)}' is unknown.`);
      return undefined;
    }
  }
}

function deviceOption(ctx: BuildContext, c: Controller): QemuOption[] {
  const props = controllerProps(ctx, c);
  if (!props) return [];
  const driver = String(props.driver);
  if (!hasDevice(ctx, driver)) {
    ctx.diagnostics.error('device-model-unknown', c.node, `This QEMU has no '${driver}' device for the ${c.type} controller.`);
  }
  return [{ flag: '-device', value: jsonOption(props) }];
}

export function buildControllerArgs(ctx: BuildContext): QemuOption[] {
  const options: QemuOption[] = [];
  for (const type of TYPE_ORDER) {
    const list = ctx.layout.controllers.filter((c) => c.type === type);
    if (type === 'pci') list.sort((a, b) => (ctx.layout.controllerIndex.get(a) ?? 0) - (ctx.layout.controllerIndex.get(b) ?? 0));
    for (const c of list) options.push(...deviceOption(ctx, c));
  }
  for (const c of ctx.layout.controllers) {
    if (c.type === 'xenbus' || c.type === 'nvme') options.push(...deviceOption(ctx, c));
  }
  return options;
}

/** usb-ccid readers: after the hubs they may sit behind. */
export function buildCcidControllerArgs(ctx: BuildContext): QemuOption[] {
  return ctx.layout.controllers.filter((c) => c.type === 'ccid').flatMap((c) => deviceOption(ctx, c));
}

/** The 64-bit PCI hole size of the root bus, a property of the host bridge. */
export function buildPciHoleArgs(ctx: BuildContext): QemuOption[] {
  const root = ctx.layout.findController('pci', 0);
  if (root?.pcihole64KiB === undefined) return [];
  const bridge = ctx.machine.chipset === 'q35' ? 'q35-pcihost' : 'i440FX-pcihost';
  return [{ flag: '-global', value: `${bridge}.pci-hole64-size=${root.pcihole64KiB}K` }];
}
