/** Host devices given to the guest: USB (usb-host), PCI (vfio-pci), iSCSI LUNs (scsi-generic). */
import type { Hostdev } from '@virtdeck/schema';
import { hasDevice, pciBusProps, type BuildContext } from '../build/context.js';
import { jsonOption, type JsonObject, type QemuOption } from '../options.js';
import { usbBusProps } from './usb.js';

const pad = (n: number, width: number): string => n.toString(10).padStart(width, '0');
const hex = (n: number | undefined, width: number): string => (n ?? 0).toString(16).padStart(width, '0');

function usbHost(ctx: BuildContext, h: Hostdev, bootindex: number | undefined): JsonObject | undefined {
  const src = h.source;
  const props: JsonObject = { driver: 'usb-host' };
  const address = src?.hostAddress;
  if (address?.bus !== undefined && address.device !== undefined) {
    props.hostdevice = `/dev/bus/usb/${pad(address.bus, 3)}/${pad(address.device, 3)}`;
  } else if (src?.vendor !== undefined && src.product !== undefined) {
    props.vendorid = src.vendor;
    props.productid = src.product;
  } else {
    ctx.diagnostics.error('missing-element', src?.node ?? h.node, 'A USB host device needs a source address (bus and device) or vendor and product ids.');
    return undefined;
  }
  return { ...props, id: ctx.layout.alias.get(h), bootindex, ...usbBusProps(ctx, h) };
}

function pciHost(ctx: BuildContext, h: Hostdev, bootindex: number | undefined): JsonObject | undefined {
  const a = h.source?.pciAddress;
  if (!a) {
    ctx.diagnostics.error('missing-element', h.source?.node ?? h.node, 'A PCI host device needs its source <address domain bus slot function>.');
    return undefined;
  }
  ctx.diagnostics.warning(
    'host-resource-needed',
    h.node,
    'PCI passthrough needs the host device bound to vfio-pci and the IOMMU enabled; virtdeck does not prepare the host.',
  );
  const host = `${hex(a.domain, 4)}:${hex(a.bus, 2)}:${hex(a.slot, 2)}.${(a.function ?? 0).toString(16)}`;
  const props: JsonObject = { driver: 'vfio-pci', host, id: ctx.layout.alias.get(h), bootindex };
  if (h.rom?.enabled === false) props.romfile = '';
  else if (h.rom?.file !== undefined) props.romfile = h.rom.file;
  if (h.rom?.bar !== undefined) props.rombar = h.rom.bar ? 1 : 0;
  return { ...props, ...pciBusProps(ctx, ctx.layout.pci.get(h)) };
}

/** An iSCSI LUN handed to the guest as a SCSI generic device. */
function iscsiHost(ctx: BuildContext, h: Hostdev, index: number): QemuOption[] {
  const src = h.source;
  const host = src?.hosts[0];
  const name = src?.name ?? '';
  const slash = name.lastIndexOf('/');
  const lunText = slash >= 0 ? name.slice(slash + 1) : '';
  const numeric = /^[0-9]+$/.test(lunText);
  const node = `libvirt-${index}-backend`;
  const portal = `${host?.name?.includes(':') ? `[${host.name}]` : (host?.name ?? '')}:${host?.port ?? 3260}`;
  const backend = { driver: 'iscsi', portal, target: numeric ? name.slice(0, slash) : name, lun: numeric ? Number(lunText) : 0, transport: 'tcp', 'node-name': node, 'read-only': h.readonly };
  const drive = h.address?.type === 'drive' ? (h.address as { controller?: number; bus?: number; target?: number; unit?: number }) : {};
  const controller = ctx.layout.controllerAlias('scsi', drive.controller ?? 0) ?? `scsi${drive.controller ?? 0}`;
  const device = {
    driver: 'scsi-generic',
    drive: node,
    id: ctx.layout.alias.get(h),
    bus: `${controller}.0`,
    channel: drive.bus ?? 0,
    'scsi-id': drive.target ?? 0,
    lun: drive.unit ?? 0,
  };
  return [
    { flag: '-blockdev', value: jsonOption(backend) },
    { flag: '-device', value: jsonOption(device) },
  ];
}

export function buildHostdevArgs(ctx: BuildContext, bootindex: ReadonlyMap<object, number>): QemuOption[] {
  const options: QemuOption[] = [];
  const hostdevs = ctx.domain.devices.hostdevs;
  // Block nodes of SCSI host devices are numbered after the disks', like libvirt does.
  let blockIndex = ctx.layout.disks.reduce((n, d) => n + (d.source ? 1 + d.backingChain.filter((b) => b.source).length : 0), 0);
  for (const h of hostdevs) {
    if ((h.mode ?? 'subsystem') !== 'subsystem') {
      ctx.diagnostics.unsupported(h.node, 'A host device in capabilities mode', true);
      continue;
    }
    let props: JsonObject | undefined;
    switch (h.type) {
      case 'usb':
        props = usbHost(ctx, h, bootindex.get(h));
        break;
      case 'pci':
        props = pciHost(ctx, h, bootindex.get(h));
        break;
      case 'scsi':
        if (h.source?.protocol === 'iscsi') {
          options.push(...iscsiHost(ctx, h, ++blockIndex));
          continue;
        }
        ctx.diagnostics.unsupported(h.node, 'A SCSI host adapter device', true);
        continue;
      default:
        ctx.diagnostics.unsupported(h.node, `A host device of type '${h.type ?? '?'}'`, true);
        continue;
    }
    if (!props) continue;
    const driver = String(props.driver);
    if (!hasDevice(ctx, driver)) ctx.diagnostics.error('device-model-unknown', h.node, `This QEMU has no '${driver}' device.`);
    options.push({ flag: '-device', value: jsonOption(props) });
  }
  return options;
}
