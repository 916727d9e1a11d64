import {
  attributeValue,
  childElements,
  firstChild,
  insertChildEdit,
  removeElementEdit,
  setAccelerator,
  setAttributeEdit,
  setTextEdit,
  textContent,
  unitMultiplier,
  type Domain,
  type InsertChildOptions,
  type TextEdit,
  type XmlDocument,
  type XmlElement,
} from '@virtdeck/schema';
import type { DiskField, FormChange, InterfaceField } from './domainForm';
import { FormEditError } from './formEditError';
import { hardwareEdits } from './hardwareEdits';
import { DOMAIN_ORDER, escapeAttr, escapeText, insertSnippet, OS_ORDER, placeIn, type Snippet } from './textPlacement';

export { FormEditError };

/**
 * The smallest text edits that make the definition say what the form now says. Only the
 * characters that must change are touched: the rest of the text, comments included, stays.
 */
export function formEdits(document: XmlDocument, domain: Domain | undefined, change: FormChange): TextEdit[] {
  const root = document.root;
  if (!root || root.name !== 'domain' || !domain) throw new FormEditError('The text has no <domain> element to change.');
  switch (change.kind) {
    case 'accelerator':
      return setAccelerator(document, change.value);
    case 'name':
      return setChildText(document, root, 'name', change.value, { first: true });
    case 'memory':
      return memoryEdits(document, root, change.mib);
    case 'vcpus':
      return vcpuEdits(document, root, change.count);
    case 'machine':
      return machineEdits(document, root, change.value);
    case 'cpu':
      return cpuEdits(document, root, change.mode, change.model);
    case 'boot':
      return bootEdits(document, root, change.devices);
    case 'disk':
      return diskFieldEdits(document, nth(domain.devices.disks, change.index, 'disk').node, change.field, change.value);
    case 'add-disk':
      return [addDevice(document, root, 'disk', diskSnippet(domain, change.device))];
    case 'remove-disk':
      return [removeElementEdit(document, nth(domain.devices.disks, change.index, 'disk').node)];
    case 'interface':
      return interfaceFieldEdits(document, nth(domain.devices.interfaces, change.index, 'interface').node, change.field, change.value);
    case 'add-interface':
      return [addDevice(document, root, 'interface', ['<interface type=\'user\'>', ['<model type=\'virtio\'/>'], '</interface>'])];
    case 'remove-interface':
      return [removeElementEdit(document, nth(domain.devices.interfaces, change.index, 'interface').node)];
    case 'firmware':
    case 'tpm':
      return hardwareEdits(document, domain, change);
    default: {
      const unreachable: never = change;
      return unreachable;
    }
  }
}

function nth<T>(list: readonly T[], index: number, what: string): T {
  const item = list[index];
  if (item === undefined) throw new FormEditError(`There is no ${what} number ${index + 1} in the text any more.`);
  return item;
}

function setChildText(document: XmlDocument, parent: XmlElement, name: string, text: string, place?: InsertChildOptions): TextEdit[] {
  const element = firstChild(parent, name);
  if (element) return [setTextEdit(document, element, text)];
  return [insertChildEdit(document, parent, `<${name}>${escapeText(text)}</${name}>`, place ?? placeIn(parent, name, DOMAIN_ORDER))];
}

/**
 * A size in the unit the element already uses when it divides evenly (so `<memory
 * unit='GiB'>1</memory>` becomes `2`, not `2097152`), in MiB otherwise.
 */
function sizeEdits(document: XmlDocument, element: XmlElement, mib: number): TextEdit[] {
  const unit = attributeValue(element, 'unit') ?? 'KiB';
  const bytesPerUnit = unitMultiplier(unit);
  const bytes = mib * 1024 * 1024;
  if (bytesPerUnit !== undefined && bytes % bytesPerUnit === 0) return [setTextEdit(document, element, String(bytes / bytesPerUnit))];
  return [setAttributeEdit(document, element, 'unit', 'MiB'), setTextEdit(document, element, String(mib))];
}

function memoryEdits(document: XmlDocument, root: XmlElement, mib: number): TextEdit[] {
  const memory = firstChild(root, 'memory');
  if (!memory) return [insertChildEdit(document, root, `<memory unit='MiB'>${mib}</memory>`, placeIn(root, 'memory', DOMAIN_ORDER))];
  const edits = sizeEdits(document, memory, mib);
  // virsh dumpxml writes currentMemory equal to memory; keep it so, or it would exceed the new size.
  const current = firstChild(root, 'currentMemory');
  if (current && sameSize(memory, current)) edits.push(...sizeEdits(document, current, mib));
  return edits;
}

function sameSize(a: XmlElement, b: XmlElement): boolean {
  const bytes = (e: XmlElement) => Number(textContent(e).trim()) * (unitMultiplier(attributeValue(e, 'unit') ?? 'KiB') ?? NaN);
  return bytes(a) === bytes(b);
}

function vcpuEdits(document: XmlDocument, root: XmlElement, count: number): TextEdit[] {
  const vcpu = firstChild(root, 'vcpu');
  if (!vcpu) return [insertChildEdit(document, root, `<vcpu placement='static'>${count}</vcpu>`, placeIn(root, 'vcpu', DOMAIN_ORDER))];
  const edits = [setTextEdit(document, vcpu, String(count))];
  const current = Number(attributeValue(vcpu, 'current'));
  if (current > count) edits.push(setAttributeEdit(document, vcpu, 'current', String(count)));
  return edits;
}

function osElement(root: XmlElement): XmlElement {
  const os = firstChild(root, 'os');
  if (!os) throw new FormEditError('The definition has no <os> element; add one in the text first.');
  return os;
}

function machineEdits(document: XmlDocument, root: XmlElement, machine: string): TextEdit[] {
  const os = osElement(root);
  const type = firstChild(os, 'type');
  if (!type) return [insertChildEdit(document, os, `<type machine='${escapeAttr(machine)}'>hvm</type>`, { first: true })];
  return [setAttributeEdit(document, type, 'machine', machine === '' ? undefined : machine)];
}

function cpuEdits(document: XmlDocument, root: XmlElement, mode: string, model: string | undefined): TextEdit[] {
  const cpu = firstChild(root, 'cpu');
  if (mode === 'default') return cpu ? [removeElementEdit(document, cpu)] : [];
  if (!cpu) {
    const lines: Snippet =
      mode === 'custom' && model
        ? [`<cpu mode='custom' match='exact' check='none'>`, [`<model fallback='allow'>${escapeText(model)}</model>`], '</cpu>']
        : [`<cpu mode='${escapeAttr(mode)}'/>`];
    return [insertSnippet(document, root, lines, placeIn(root, 'cpu', DOMAIN_ORDER))];
  }
  const edits: TextEdit[] = [];
  if (attributeValue(cpu, 'mode') !== mode) edits.push(setAttributeEdit(document, cpu, 'mode', mode));
  const modelElement = firstChild(cpu, 'model');
  if (mode === 'custom' && model) {
    if (modelElement) {
      if (textContent(modelElement).trim() !== model) edits.push(setTextEdit(document, modelElement, model));
    } else edits.push(insertChildEdit(document, cpu, `<model fallback='allow'>${escapeText(model)}</model>`, { first: true }));
  } else if (modelElement && mode !== 'host-model') edits.push(removeElementEdit(document, modelElement));
  return edits;
}

function bootEdits(document: XmlDocument, root: XmlElement, devices: readonly string[]): TextEdit[] {
  const os = osElement(root);
  const existing = childElements(os, 'boot');
  if (existing.length === devices.length && existing.every((b, i) => attributeValue(b, 'dev') === devices[i])) return [];
  // Rewrite the devs in place where there are elements already, then add or drop the rest.
  const edits: TextEdit[] = [];
  const common = Math.min(existing.length, devices.length);
  for (let i = 0; i < common; i++) {
    const boot = existing[i]!;
    if (attributeValue(boot, 'dev') !== devices[i]) edits.push(setAttributeEdit(document, boot, 'dev', devices[i]));
  }
  for (const extra of existing.slice(common)) edits.push(removeElementEdit(document, extra));
  const added = devices.slice(common).map((dev) => `<boot dev='${escapeAttr(dev)}'/>`);
  if (added.length > 0) {
    const place = existing.length > 0 ? { after: existing[existing.length - 1]! } : placeIn(os, 'boot', OS_ORDER);
    edits.push(insertChildEdit(document, os, added.join('\n'), place));
  }
  return edits;
}

/** The attribute of <source> that holds the path for each disk type. */
const DISK_SOURCE_ATTRIBUTE: Record<string, string> = { file: 'file', block: 'dev', dir: 'dir', volume: 'volume', network: 'name' };
const DISK_ORDER = ['driver', 'source', 'backingStore', 'target'];

function diskFieldEdits(document: XmlDocument, disk: XmlElement, field: DiskField, value: string): TextEdit[] {
  switch (field) {
    case 'device':
      return [setAttributeEdit(document, disk, 'device', value)];
    case 'source': {
      const source = firstChild(disk, 'source');
      const attribute = DISK_SOURCE_ATTRIBUTE[attributeValue(disk, 'type') ?? 'file'] ?? 'file';
      if (value === '') return source ? [removeElementEdit(document, source)] : [];
      if (source) return [setAttributeEdit(document, source, attribute, value)];
      return [insertChildEdit(document, disk, `<source ${attribute}='${escapeAttr(value)}'/>`, placeIn(disk, 'source', DISK_ORDER))];
    }
    case 'targetDev':
    case 'targetBus': {
      const name = field === 'targetDev' ? 'dev' : 'bus';
      const target = firstChild(disk, 'target');
      if (target) return [setAttributeEdit(document, target, name, value === '' ? undefined : value)];
      if (value === '') return [];
      return [insertChildEdit(document, disk, `<target ${name}='${escapeAttr(value)}'/>`, placeIn(disk, 'target', DISK_ORDER))];
    }
    case 'format': {
      const driver = firstChild(disk, 'driver');
      if (driver) return [setAttributeEdit(document, driver, 'type', value === '' ? undefined : value)];
      if (value === '') return [];
      return [insertChildEdit(document, disk, `<driver name='qemu' type='${escapeAttr(value)}'/>`, { first: true })];
    }
    default: {
      const unreachable: never = field;
      return unreachable;
    }
  }
}

/** What <source> looks like for each interface type (the name is a placeholder to edit). */
function interfaceSource(type: string, name?: string): string | undefined {
  switch (type) {
    case 'network':
      return `<source network='${escapeAttr(name ?? 'default')}'/>`;
    case 'bridge':
      return `<source bridge='${escapeAttr(name ?? 'br0')}'/>`;
    case 'direct':
      return `<source dev='${escapeAttr(name ?? 'eth0')}' mode='bridge'/>`;
    default:
      return undefined;
  }
}

const INTERFACE_SOURCE_ATTRIBUTE: Record<string, string> = { network: 'network', bridge: 'bridge', direct: 'dev', ethernet: 'dev' };
const INTERFACE_ORDER = ['mac', 'source', 'target', 'model'];

function interfaceFieldEdits(document: XmlDocument, nic: XmlElement, field: InterfaceField, value: string): TextEdit[] {
  const source = firstChild(nic, 'source');
  switch (field) {
    case 'type': {
      const edits = [setAttributeEdit(document, nic, 'type', value)];
      const replacement = interfaceSource(value);
      // The old <source> means nothing for the new type: replace it in its place (one edit, no overlap).
      if (source && replacement) edits.push({ range: source.range, newText: replacement });
      else if (source) edits.push(removeElementEdit(document, source));
      else if (replacement) edits.push(insertChildEdit(document, nic, replacement, placeIn(nic, 'source', INTERFACE_ORDER)));
      return edits;
    }
    case 'source': {
      const type = attributeValue(nic, 'type') ?? 'user';
      const attribute = INTERFACE_SOURCE_ATTRIBUTE[type];
      if (!attribute) throw new FormEditError(`An interface of type '${type}' has no source to set.`);
      if (source) return [setAttributeEdit(document, source, attribute, value)];
      return [insertChildEdit(document, nic, interfaceSource(type, value) ?? `<source ${attribute}='${escapeAttr(value)}'/>`, placeIn(nic, 'source', INTERFACE_ORDER))];
    }
    case 'model':
    case 'mac': {
      const element = firstChild(nic, field);
      const attribute = field === 'model' ? 'type' : 'address';
      if (value === '') return element ? [removeElementEdit(document, element)] : [];
      if (element) return [setAttributeEdit(document, element, attribute, value)];
      return [insertChildEdit(document, nic, `<${field} ${attribute}='${escapeAttr(value)}'/>`, placeIn(nic, field, INTERFACE_ORDER))];
    }
    default: {
      const unreachable: never = field;
      return unreachable;
    }
  }
}

function diskSnippet(domain: Domain, device: 'disk' | 'cdrom'): Snippet {
  const used = new Set(domain.devices.disks.flatMap((d) => (d.target ? [d.target.dev] : [])));
  const prefix = device === 'disk' ? 'vd' : 'sd';
  let letter = 0;
  while (used.has(`${prefix}${String.fromCharCode(97 + letter)}`) && letter < 25) letter++;
  const dev = `${prefix}${String.fromCharCode(97 + letter)}`;
  return device === 'disk'
    ? [`<disk type='file' device='disk'>`, [`<driver name='qemu' type='qcow2'/>`, `<target dev='${dev}' bus='virtio'/>`], '</disk>']
    : [`<disk type='file' device='cdrom'>`, [`<driver name='qemu' type='raw'/>`, `<target dev='${dev}' bus='sata'/>`, '<readonly/>'], '</disk>'];
}

/** A new device after the last one of its kind, or at the end of <devices>. */
function addDevice(document: XmlDocument, root: XmlElement, kind: string, snippet: Snippet): TextEdit {
  const devices = firstChild(root, 'devices');
  if (!devices) return insertSnippet(document, root, ['<devices>', snippet, '</devices>'], placeIn(root, 'devices', DOMAIN_ORDER));
  const same = childElements(devices, kind);
  return insertSnippet(document, devices, snippet, same.length > 0 ? { after: same[same.length - 1]! } : {});
}
