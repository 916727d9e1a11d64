/**
 * The device XML of a change to a guest (`virsh attach-device` and friends): one <disk> or
 * <interface> element, checked inside the definition it joins, and the text edits that put it
 * in, take it out or change a CD-ROM's medium. The definition's other text is left as it is.
 */
import {
  applyEdits,
  firstChild,
  insertChildEdit,
  parseXml,
  removeElementEdit,
  setAttributeEdit,
  validateDomain,
  type Disk,
  type Domain,
  type Interface,
  type XmlElement,
} from '@virtdeck/schema';
import { deviceAlias, type HostCapabilities } from '@virtdeck/qemu';
import { VirtdeckError, type ApiDiagnostic } from '../errors.js';
import { randomMac } from '../guests/definitionDefaults.js';
import { escapeXml } from '../templates/xmlText.js';

export const DEVICE_KINDS = ['disk', 'interface'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/** A device element as sent, well-formed and of a kind that can be attached. */
export interface DeviceXml {
  kind: DeviceKind;
  /** The element's text, trimmed. */
  text: string;
}

export function parseDeviceXml(xml: string): DeviceXml {
  const text = xml.trim();
  const { document, diagnostics } = parseXml(text);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new VirtdeckError('invalid-xml', `The device XML is not well-formed: ${errors[0]?.message ?? ''}`, { diagnostics: errors });
  const root = document.root;
  const kind = DEVICE_KINDS.find((k) => k === root?.name);
  if (!root || !kind) {
    throw new VirtdeckError('invalid-xml', `A device to attach is one <disk> or <interface> element${root ? `, not <${root.name}>` : ''}`);
  }
  return { kind, text };
}

/** A definition with the device in it: its text, its model and the device's model. */
export interface WithDevice {
  xml: string;
  domain: Domain;
  device: { kind: 'disk'; disk: Disk } | { kind: 'interface'; iface: Interface };
}

/**
 * Puts the device into the definition's <devices> and validates the result; errors in the
 * device are a 422 whose diagnostics point into the device XML (lines counted from its first).
 */
export function withDevice(definition: string, device: DeviceXml): WithDevice {
  const document = parseXml(definition).document;
  const devices = document.root && firstChild(document.root, 'devices');
  if (!devices) throw new VirtdeckError('conflict', 'The definition has no <devices> element to add the device to');
  const edit = insertChildEdit(document, devices, device.text);
  const xml = applyEdits(definition, [edit]);
  const { domain, diagnostics, valid } = validateDomain(xml);
  const list = domain ? (device.kind === 'disk' ? domain.devices.disks : domain.devices.interfaces) : [];
  const element = list.find((d) => d.node.start >= edit.range.start.offset);
  if (!valid || !domain || !element) {
    const inDevice = element ? diagnostics.filter((d) => d.severity === 'error' && within(d, element.node)).map((d) => relativeTo(d, element.node)) : [];
    const first = inDevice[0] ?? diagnostics.find((d) => d.severity === 'error');
    const where = inDevice[0] ? ` (line ${inDevice[0].range.start.line} of the device XML)` : ' (in the definition it would join)';
    throw new VirtdeckError('invalid-xml', `The <${device.kind}> cannot be added: ${first?.message ?? 'it does not validate'}${where}`, {
      diagnostics: inDevice.length > 0 ? inDevice : diagnostics.filter((d) => d.severity === 'error'),
    });
  }
  return { xml, domain, device: device.kind === 'disk' ? { kind: 'disk', disk: element as Disk } : { kind: 'interface', iface: element as Interface } };
}

const within = (d: ApiDiagnostic, node: XmlElement): boolean => d.range.start.offset >= node.start && d.range.end.offset <= node.end;

function relativeTo(d: ApiDiagnostic, node: XmlElement): ApiDiagnostic {
  const base = node.range.start;
  const move = (p: typeof base) => ({
    line: p.line - base.line + 1,
    column: p.line === base.line ? p.column - base.column + 1 : p.column,
    offset: p.offset - base.offset,
  });
  return { ...d, range: { start: move(d.range.start), end: move(d.range.end) } };
}

/** The definition without one element (a device), the rest of its text untouched. */
export function withoutElement(definition: string, element: XmlElement): string {
  return applyEdits(definition, [removeElementEdit(parseXml(definition).document, element)]);
}

/** Adds a child element (an <address/>, a <mac/>) to a device element of the definition. */
export function withChild(definition: string, element: XmlElement, child: string): string {
  const document = parseXml(definition).document;
  const found = findElementAt(document.root, element.start);
  if (!found) throw new VirtdeckError('internal', 'The device element moved while it was edited');
  return applyEdits(definition, [insertChildEdit(document, found, child)]);
}

/**
 * A CD-ROM or floppy with another medium (a file) or none (`null`): the <source> is set,
 * added or removed, and the disk made a file disk when it gets a file.
 */
export function withMedium(definition: string, disk: Disk, file: string | null): string {
  const document = parseXml(definition).document;
  const element = findElementAt(document.root, disk.node.start);
  if (!element) throw new VirtdeckError('internal', 'The disk element moved while it was edited');
  const source = firstChild(element, 'source');
  if (file === null) return source ? applyEdits(definition, [removeElementEdit(document, source)]) : definition;
  const edits = [];
  if (disk.type !== 'file') edits.push(setAttributeEdit(document, element, 'type', 'file'));
  // Any other source (dev=, protocol=…) gives way to the file; the element keeps its place.
  if (source) edits.push(removeElementEdit(document, source));
  return insertSource(applyEdits(definition, edits), disk.node.start, `<source file='${escapeXml(file)}'/>`);
}

function insertSource(definition: string, start: number, source: string): string {
  const document = parseXml(definition).document;
  const element = findElementAt(document.root, start);
  if (!element) throw new VirtdeckError('internal', 'The disk element moved while it was edited');
  const driver = firstChild(element, 'driver');
  return applyEdits(definition, [insertChildEdit(document, element, source, driver ? { after: driver } : { first: true })]);
}

function findElementAt(root: XmlElement | undefined, start: number): XmlElement | undefined {
  const stack = root ? [root] : [];
  for (let node = stack.pop(); node; node = stack.pop()) {
    if (node.start === start) return node;
    for (const child of node.children) if (child.kind === 'element' && child.start <= start && child.end > start) stack.push(child);
  }
  return undefined;
}

/** How a device is named in a detach: a disk by its target (vdb), a NIC by its MAC, either by its id (alias). */
export type DeviceSelector = { target: string } | { mac: string } | { alias: string };

export function describeSelector(selector: DeviceSelector): string {
  if ('target' in selector) return `disk '${selector.target}'`;
  if ('mac' in selector) return `interface with MAC ${selector.mac}`;
  return `device '${selector.alias}'`;
}

/** The running definition's device a selector names. */
export function findDevice(domain: Domain, caps: HostCapabilities | undefined, selector: DeviceSelector): { kind: 'disk'; disk: Disk } | { kind: 'interface'; iface: Interface } | undefined {
  const { disks, interfaces } = domain.devices;
  if ('target' in selector) {
    const disk = disks.find((d) => d.target?.dev === selector.target);
    return disk && { kind: 'disk', disk };
  }
  if ('mac' in selector) {
    const iface = interfaces.find((i) => i.mac?.toLowerCase() === selector.mac.toLowerCase());
    return iface && { kind: 'interface', iface };
  }
  const disk = disks.find((d) => deviceAlias(domain, caps, d) === selector.alias || d.alias === selector.alias);
  if (disk) return { kind: 'disk', disk };
  const iface = interfaces.find((i) => deviceAlias(domain, caps, i) === selector.alias || i.alias === selector.alias);
  return iface && { kind: 'interface', iface };
}

/** Where a change applies, as libvirt's flags say: the running guest, the saved definition, or both. */
export interface DeviceTargets {
  live?: boolean;
  config?: boolean;
}

/** Neither asked for: the running guest when it runs, else the saved definition (libvirt's "current"). */
export function resolveTargets(targets: DeviceTargets, running: boolean): { live: boolean; config: boolean } {
  if (!targets.live && !targets.config) return { live: running, config: !running };
  return { live: targets.live === true, config: targets.config === true };
}

/** An interface gets its MAC now, so the running guest and the saved definition agree on it. */
export function withMac(device: DeviceXml, taken: ReadonlySet<string>): DeviceXml {
  if (device.kind !== 'interface') return device;
  const document = parseXml(device.text).document;
  const root = document.root;
  if (!root || firstChild(root, 'mac')) return device;
  return { kind: device.kind, text: applyEdits(device.text, [insertChildEdit(document, root, `<mac address='${randomMac(taken)}'/>`, { first: true })]) };
}

function savedDomain(saved: string, name: string): Domain {
  const { domain } = validateDomain(saved);
  if (!domain) throw new VirtdeckError('conflict', `The saved definition of '${name}' cannot be read`);
  return domain;
}

/** The saved definition without the device a selector names. */
export function withoutDevice(saved: string, selector: DeviceSelector, name: string): string {
  const found = findDevice(savedDomain(saved, name), undefined, selector);
  if (!found) throw new VirtdeckError('not-found', `The saved definition of '${name}' has no ${describeSelector(selector)}`);
  return withoutElement(saved, found.kind === 'disk' ? found.disk.node : found.iface.node);
}

/** The saved definition with a CD-ROM's or floppy's medium changed or removed. */
export function withSavedMedium(saved: string, target: string, file: string | null, name: string): string {
  const disk = savedDomain(saved, name).devices.disks.find((d) => d.target?.dev === target);
  if (!disk) throw new VirtdeckError('not-found', `The saved definition of '${name}' has no disk '${target}'`);
  if (disk.device !== 'cdrom' && disk.device !== 'floppy') throw new VirtdeckError('conflict', `The disk ${target} is a ${disk.device}; only a CD-ROM or floppy drive changes media`);
  return withMedium(saved, disk, file);
}
