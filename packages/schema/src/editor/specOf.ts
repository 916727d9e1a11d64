import { namespaceOf } from '../model/qemuNamespace.js';
import { DOMAIN_SCHEMA, ROOT_ELEMENT } from '../schema/domainSchema.js';
import { childKey, effectiveSpec, type AttributeSource } from '../schema/effective.js';
import { resolveChild, type ElementSpec, type ValueSpec } from '../schema/types.js';
import { DATATYPES } from '../schema/datatypes.js';
import type { XmlElement } from '../xml/tree.js';

/** The schema of a child (by lookup key) of an element whose spec and attributes are known. */
export function childSpec(parent: ElementSpec, parentAttributes: AttributeSource, key: string): ElementSpec | undefined {
  const children = effectiveSpec(parent, parentAttributes).children;
  const child = Object.prototype.hasOwnProperty.call(children, key) ? children[key] : undefined;
  return child === undefined ? undefined : resolveChild(child);
}

/** The schema entry of a parsed element, found through its ancestors; undefined where the schema has none. */
export function specOf(element: XmlElement): ElementSpec | undefined {
  const chain: XmlElement[] = [];
  for (let e: XmlElement | undefined = element; e !== undefined; e = e.parent) chain.push(e);
  chain.reverse();
  const root = chain[0];
  if (root === undefined || root.name !== ROOT_ELEMENT) return undefined;
  let spec: ElementSpec = DOMAIN_SCHEMA;
  for (let i = 1; i < chain.length; i++) {
    const parent = chain[i - 1] as XmlElement;
    const key = childKey(chain[i] as XmlElement, namespaceOf);
    if (key === undefined || spec.anyContent === true) return undefined;
    const next = childSpec(spec, parent, key);
    if (next === undefined) return undefined;
    spec = next;
  }
  return spec;
}

export interface SchemaItem {
  name: string;
  /** one line */
  doc: string;
  required?: boolean;
}

/** The values a value spec offers (enums and suggestions), each with its description. */
export function valueItems(spec: ValueSpec | undefined): SchemaItem[] {
  if (spec === undefined || spec.kind === 'data') return [];
  return Object.entries(spec.values).map(([name, doc]) => ({ name, doc }));
}

/** What a value must look like, in words. */
export function valueTypeDoc(spec: ValueSpec | undefined): string | undefined {
  if (spec === undefined) return undefined;
  if (spec.kind === 'enum') return `one of ${Object.keys(spec.values).join(', ')}`;
  return DATATYPES[spec.type].doc;
}
