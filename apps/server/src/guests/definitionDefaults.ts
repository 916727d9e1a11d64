import { randomBytes } from 'node:crypto';
import { firstChild, insertChildEdit, type Domain, type TextEdit, type XmlDocument } from '@virtdeck/schema';

/**
 * What libvirt fills in when a definition is defined without it: a UUID and a MAC address
 * for every interface. Done here, as minimal text edits (the rest of the text, comments
 * included, stays as written), so that building the command line stays pure and a guest
 * keeps the same identity and MACs at every start.
 */
export function definitionDefaults(document: XmlDocument, domain: Domain, uuid: string, newMac: () => string): TextEdit[] {
  const edits: TextEdit[] = [];
  if (domain.uuid === undefined) {
    const name = firstChild(domain.node, 'name');
    edits.push(insertChildEdit(document, domain.node, `<uuid>${uuid}</uuid>`, name ? { after: name } : { first: true }));
  }
  for (const nic of domain.devices.interfaces) {
    if (nic.mac === undefined) edits.push(insertChildEdit(document, nic.node, `<mac address='${newMac()}'/>`, { first: true }));
  }
  return edits;
}

/** A MAC in QEMU's locally administered range 52:54:00, as libvirt generates them, not in `taken`. */
export function randomMac(taken: ReadonlySet<string>): string {
  for (;;) {
    const bytes = [...randomBytes(3)].map((b) => b.toString(16).padStart(2, '0'));
    const mac = `52:54:00:${bytes.join(':')}`;
    if (!taken.has(mac)) return mac;
  }
}
