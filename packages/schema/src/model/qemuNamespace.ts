import { childElements, type XmlElement } from '../xml/tree.js';
import { read } from './values.js';

/** libvirt's namespace for QEMU pass-through: `xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'`. */
export const QEMU_NAMESPACE = 'http://libvirt.org/schemas/domain/qemu/1.0';

export interface QemuCommandline {
  /** Each <qemu:arg>, in order: QEMU gets its value as one argument. */
  args: { value: string; node: XmlElement }[];
  /** Each <qemu:env>: a variable in QEMU's environment. */
  env: { name: string; value: string; node: XmlElement }[];
  /** The first <qemu:commandline>. */
  node: XmlElement;
}

/** The namespace URI an element's prefix is bound to, looked up through its ancestors. */
export function namespaceOf(element: XmlElement): string | undefined {
  const attribute = element.prefix === undefined ? 'xmlns' : `xmlns:${element.prefix}`;
  for (let e: XmlElement | undefined = element; e !== undefined; e = e.parent) {
    const uri = read.string(e, attribute);
    if (uri !== undefined) return uri;
  }
  return undefined;
}

/** Every `<qemu:commandline>` (whatever its prefix), merged in document order. */
export function parseQemuCommandline(domain: XmlElement): QemuCommandline | undefined {
  let result: QemuCommandline | undefined;
  for (const child of childElements(domain)) {
    if (child.localName !== 'commandline' || namespaceOf(child) !== QEMU_NAMESPACE) continue;
    result ??= { args: [], env: [], node: child };
    for (const entry of childElements(child)) {
      if (entry.localName === 'arg') result.args.push({ value: read.string(entry, 'value') ?? '', node: entry });
      else if (entry.localName === 'env') result.env.push({ name: read.string(entry, 'name') ?? '', value: read.string(entry, 'value') ?? '', node: entry });
    }
  }
  return result;
}
