import type { TextEdit } from '../diagnostics.js';
import { isOsTypeAcceleratorWord } from '../model/accelerators.js';
import { elementText } from '../model/values.js';
import { firstChild, getAttribute, type XmlDocument } from '../xml/tree.js';
import { setAttributeEdit, setTextEdit } from './edits.js';

/**
 * Edits that make the document use `accel` in libvirt's canonical spelling:
 * `<domain type='accel'>` and `<os><type>hvm</type>`, rewriting the historical spellings
 * (`<type>kvm</type>`, `<type accel='kvm'>qemu</type>`). Only the affected characters change.
 */
export function setAccelerator(document: XmlDocument, accel: string): TextEdit[] {
  const root = document.root;
  if (root === undefined || root.name !== 'domain') return [];
  const edits: TextEdit[] = [];
  if (getAttribute(root, 'type')?.value !== accel) edits.push(setAttributeEdit(document, root, 'type', accel));
  const os = firstChild(root, 'os');
  const osType = os === undefined ? undefined : firstChild(os, 'type');
  if (osType !== undefined) {
    if (getAttribute(osType, 'accel') !== undefined) edits.push(setAttributeEdit(document, osType, 'accel', undefined));
    if (isOsTypeAcceleratorWord(elementText(osType))) edits.push(setTextEdit(document, osType, 'hvm'));
  }
  return edits;
}
