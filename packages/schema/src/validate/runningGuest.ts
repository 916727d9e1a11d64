import type { Diagnostic, Range, TextEdit } from '../diagnostics.js';
import { removeAttributeEdit, removeElementEdit } from '../edit/edits.js';
import { childElements, firstChild, getAttribute, type XmlAttribute, type XmlDocument, type XmlElement } from '../xml/tree.js';

/**
 * What `virsh dumpxml` writes only for a running guest, and libvirt's parser skips when it reads
 * an inactive definition (VIR_DOMAIN_DEF_PARSE_INACTIVE): defining such a dump works, and the
 * editor offers to remove these in one step.
 */
export const RUNNING_GUEST_ITEMS = {
  'domain-id': "the domain's id=",
  alias: 'device aliases libvirt gave (only ua- aliases are the user\'s)',
  'seclabel-label': 'labels a dynamic <seclabel> was given at start',
  'pty-path': 'the pty a character device was given (tty=, <source path>)',
  'tap-name': 'tap names libvirt generated (vnetN, vifN, macvtapN, macvlanN)',
  'autoport-port': 'display ports autoport chose',
  'disk-source-index': 'the index= of a disk source',
  'channel-state': "a channel's connection state=",
} as const;
export type RunningGuestItem = keyof typeof RUNNING_GUEST_ITEMS;

interface Found {
  item: RunningGuestItem;
  range: Range;
  edit: TextEdit;
}

/** libvirt's generated tap names (VIR_NET_GENERATED_*_PREFIX followed by a number). */
const GENERATED_TAP = /^(vnet|vif|macvtap|macvlan)\d+$/;
const CHARDEVS = new Set(['serial', 'console', 'parallel', 'channel']);

function attributeFound(document: XmlDocument, item: RunningGuestItem, attribute: XmlAttribute): Found {
  return { item, range: attribute.range, edit: removeAttributeEdit(document, attribute) };
}

/** The element goes when the attribute is all it holds, else only the attribute. */
function attributeOrElement(document: XmlDocument, item: RunningGuestItem, element: XmlElement, attribute: XmlAttribute): Found {
  if (element.attributes.length === 1 && element.children.length === 0) return { item, range: attribute.range, edit: removeElementEdit(document, element) };
  return attributeFound(document, item, attribute);
}

const isLiveLabel = (child: XmlElement): boolean => child.name === 'label' || child.name === 'imagelabel';

function seclabelLabels(document: XmlDocument, seclabel: XmlElement, found: Found[]): void {
  if ((getAttribute(seclabel, 'type')?.value ?? 'dynamic') !== 'dynamic') return;
  const labels = childElements(seclabel).filter(isLiveLabel);
  const first = labels[0];
  if (first === undefined) return;
  const onlyLabels = seclabel.children.every((c) => (c.kind === 'element' ? isLiveLabel(c) : c.kind === 'text' && c.value.trim() === ''));
  if (onlyLabels && seclabel.endTagRange !== undefined) {
    // <seclabel …>labels</seclabel> becomes <seclabel …/>, as libvirt writes an inactive one
    const tagEnd = seclabel.startTagRange.end.offset;
    found.push({ item: 'seclabel-label', range: first.range, edit: { range: document.lines.range(tagEnd - 1, seclabel.end), newText: '/>' } });
    return;
  }
  for (const label of labels) found.push({ item: 'seclabel-label', range: label.range, edit: removeElementEdit(document, label) });
}

function deviceItems(document: XmlDocument, device: XmlElement, found: Found[]): void {
  for (const child of childElements(device)) {
    if (child.name === 'alias' && !(getAttribute(child, 'name')?.value ?? '').startsWith('ua-')) {
      found.push({ item: 'alias', range: child.range, edit: removeElementEdit(document, child) });
    }
    if (child.name === 'seclabel') seclabelLabels(document, child, found);
  }
  if (CHARDEVS.has(device.name) && getAttribute(device, 'type')?.value === 'pty') {
    const tty = getAttribute(device, 'tty');
    if (tty !== undefined) found.push(attributeFound(document, 'pty-path', tty));
    const source = firstChild(device, 'source');
    const path = source === undefined ? undefined : getAttribute(source, 'path');
    if (source !== undefined && path !== undefined) found.push(attributeOrElement(document, 'pty-path', source, path));
  }
  if (device.name === 'channel') {
    const target = firstChild(device, 'target');
    const state = target === undefined ? undefined : getAttribute(target, 'state');
    if (state !== undefined) found.push(attributeFound(document, 'channel-state', state));
  }
  if (device.name === 'interface') {
    const target = firstChild(device, 'target');
    const dev = target === undefined ? undefined : getAttribute(target, 'dev');
    // a tap the user made (type='ethernet', managed='no') keeps its name, whatever it is
    const usersTap = getAttribute(device, 'type')?.value === 'ethernet' && target !== undefined && getAttribute(target, 'managed')?.value === 'no';
    if (target !== undefined && dev !== undefined && GENERATED_TAP.test(dev.value) && !usersTap) found.push(attributeOrElement(document, 'tap-name', target, dev));
  }
  if (device.name === 'graphics' && getAttribute(device, 'autoport')?.value === 'yes') {
    for (const name of ['port', 'tlsPort']) {
      const port = getAttribute(device, name);
      if (port !== undefined) found.push(attributeFound(document, 'autoport-port', port));
    }
  }
  if (device.name === 'disk') {
    const source = firstChild(device, 'source');
    const index = source === undefined ? undefined : getAttribute(source, 'index');
    if (index !== undefined) found.push(attributeFound(document, 'disk-source-index', index));
  }
}

function findRunningGuestItems(document: XmlDocument, root: XmlElement): Found[] {
  const found: Found[] = [];
  const id = getAttribute(root, 'id');
  if (id !== undefined) found.push(attributeFound(document, 'domain-id', id));
  for (const child of childElements(root)) {
    if (child.name === 'seclabel') seclabelLabels(document, child, found);
  }
  const devices = firstChild(root, 'devices');
  for (const device of devices === undefined ? [] : childElements(devices)) deviceItems(document, device, found);
  return found;
}

/**
 * One note for the whole dump (not one per alias), at the first live-only item, with the quick
 * fix that removes them all. Informational: libvirt defines the text as it is.
 */
export function validateRunningGuest(document: XmlDocument, root: XmlElement, out: Diagnostic[]): void {
  const found = findRunningGuestItems(document, root);
  const first = found[0];
  if (first === undefined) return;
  const kinds = Object.entries(RUNNING_GUEST_ITEMS).filter(([item]) => found.some((f) => f.item === item)).map(([, what]) => what);
  out.push({
    severity: 'info',
    scope: 'document',
    code: 'running-guest-state',
    message: `This is a running guest's dump: ${kinds.join('; ')}. libvirt ignores them when it defines the guest.`,
    range: first.range,
    fixes: [{ title: 'Remove what only a running guest has', edits: found.map((f) => f.edit), isPreferred: true }],
  });
}
