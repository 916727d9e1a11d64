import { insertChildEdit } from '../../edit/edits.js';
import type { Domain } from '../../model/domain.js';
import type { Hostdev } from '../../model/devices/hostdev.js';
import { getAttribute, type XmlDocument, type XmlElement } from '../../xml/tree.js';
import { isX86, machineFamily } from './machine.js';
import { attributeRange, type Reporter } from './report.js';

/** What makes two host devices the same device. */
function hostdevIdentity(hostdev: Hostdev): string | undefined {
  const source = hostdev.source;
  if (source === undefined) return undefined;
  const a = source.hostAddress;
  switch (hostdev.type) {
    case 'pci':
      return a === undefined ? undefined : `pci ${a.domain ?? 0}:${a.bus ?? 0}:${a.slot ?? 0}.${a.function ?? 0}`;
    case 'usb':
      return `usb ${source.vendor ?? ''}:${source.product ?? ''}@${a?.bus ?? ''}.${a?.device ?? ''}`;
    case 'scsi':
      return source.protocol === 'iscsi' ? `iscsi ${source.name ?? ''}` : `scsi ${source.adapter ?? ''} ${a?.bus ?? ''}:${a?.target ?? ''}:${a?.unit ?? ''}`;
    case 'scsi_host':
      return `vhost ${source.wwpn ?? ''}`;
    case 'mdev':
      return a?.uuid === undefined ? undefined : `mdev ${a.uuid.toLowerCase()}`;
    default:
      return undefined;
  }
}

/** Device-level rules: duplicates, one primary video, a serial behind the console, aliases. */
export function validateDevices(document: XmlDocument, domain: Domain, report: Reporter): void {
  const devices = domain.devices;

  const hostdevs = new Map<string, Hostdev>();
  for (const hostdev of devices.hostdevs) {
    const identity = hostdevIdentity(hostdev);
    if (identity === undefined) continue;
    if (hostdevs.has(identity)) {
      report.error('duplicate-hostdev', 'This host device is already assigned to the guest by another <hostdev>.', hostdev.source?.node.range ?? hostdev.node.nameRange);
    }
    hostdevs.set(identity, hostdev);
  }

  let primary = false;
  for (const video of devices.videos) {
    if (video.model?.primary !== true) continue;
    if (primary) report.error('video-multiple-primary', "Only one video device can be primary='yes'.", attributeRange(video.model.node, 'primary'));
    primary = true;
  }

  const graphicsTypes = new Set<string>();
  for (const graphics of devices.graphics) {
    if (graphicsTypes.has(graphics.type)) {
      report.error('invalid-combination', `QEMU supports one <graphics type='${graphics.type}'> per guest.`, attributeRange(graphics.node, 'type'));
    }
    graphicsTypes.add(graphics.type);
  }

  if (isX86(domain) && devices.serials.length === 0 && devices.node !== undefined) {
    for (const console of devices.consoles) {
      const targetType = console.target?.type ?? 'serial';
      if (targetType !== 'serial') continue;
      const type = getAttribute(console.node, 'type')?.value ?? 'pty';
      report.warning(
        'console-needs-serial',
        'A serial console sits on a serial port, and there is no <serial>: libvirt adds one like this console. Add it explicitly to say so.',
        console.node.nameRange,
        [{ title: `Add <serial type='${type}'>`, edits: [insertChildEdit(document, devices.node, `<serial type='${type}'>\n  <target port='0'/>\n</serial>`, { after: previousSibling(console.node) })] }],
      );
      break;
    }
  }

  for (const iface of devices.interfaces) {
    // with passt libvirt makes the socket itself; any other vhost-user backend names it
    if (iface.type !== 'vhostuser' || iface.backend?.type === 'passt') continue;
    const source = iface.source;
    const missing = (['type', 'path', 'mode'] as const).filter((name) => source?.[name] === undefined);
    if (missing.length === 0) continue;
    report.error(
      source === undefined ? 'missing-element' : 'missing-attribute',
      `A vhost-user interface needs <source type='unix' path='…' mode='server|client'>${source === undefined ? '' : `: ${missing.join(', ')} missing`} (only the passt backend makes its own socket).`,
      source?.node.nameRange ?? iface.node.nameRange,
    );
  }

  const family = machineFamily(domain);
  for (const watchdog of devices.watchdogs) {
    if (watchdog.model === 'itco' && family !== 'q35') {
      report.error('invalid-combination', "The itco watchdog is built into q35 machines only; use model='i6300esb' elsewhere.", attributeRange(watchdog.node, 'model'));
    }
  }

  const iommu = devices.iommu;
  if (iommu?.model === 'intel') {
    if (family !== 'q35' && family !== 'other') {
      report.error('invalid-combination', "The intel IOMMU needs a q35 machine.", attributeRange(iommu.node, 'model'));
    }
    if (iommu.driver?.intremap === true && domain.features?.ioapic?.driver !== 'qemu') {
      report.error('invalid-combination', "Interrupt remapping (intremap='on') needs <ioapic driver='qemu'/> in <features>.", attributeRange(iommu.driver.node, 'intremap'));
    }
  }

  const aliases = new Map<string, XmlElement>();
  for (const device of devices.node === undefined ? [] : devices.node.children) {
    if (device.kind !== 'element') continue;
    const alias = device.children.find((c): c is XmlElement => c.kind === 'element' && c.name === 'alias');
    const name = alias === undefined ? undefined : getAttribute(alias, 'name')?.value;
    // libvirt reads only user aliases (ua-) of a definition; its own (serial0 for a serial and
    // its console, usb for ICH9 companions) come from a running guest's dump and may repeat
    if (alias === undefined || name === undefined || !name.startsWith('ua-')) continue;
    if (aliases.has(name)) report.error('duplicate-name', `The alias '${name}' is used by two devices.`, attributeRange(alias, 'name'));
    aliases.set(name, alias);
  }

  if (domain.os.kernel === undefined) {
    for (const key of ['initrd', 'cmdline'] as const) {
      const element = domain.os.node?.children.find((c): c is XmlElement => c.kind === 'element' && c.name === key);
      if (domain.os[key] !== undefined && element !== undefined) {
        report.warning('invalid-combination', `<${key}> is only used for direct kernel boot and there is no <kernel>.`, element.nameRange);
      }
    }
  }
}

function previousSibling(element: XmlElement): XmlElement | undefined {
  const siblings = element.parent?.children ?? [];
  let previous: XmlElement | undefined;
  for (const sibling of siblings) {
    if (sibling === element) return previous;
    if (sibling.kind === 'element') previous = sibling;
  }
  return previous;
}
