import type { Range } from '../diagnostics.js';
import { QEMU_NAMESPACE } from '../model/qemuNamespace.js';
import { DOMAIN_SCHEMA, ROOT_ELEMENT } from '../schema/domainSchema.js';
import { effectiveSpec } from '../schema/effective.js';
import type { ElementSpec } from '../schema/types.js';
import { constructEnd, scanStartTag, type ScannedAttribute } from '../xml/scanner.js';
import { elementAt, type XmlDocument, type XmlNode } from '../xml/tree.js';
import { childSpec, valueItems, valueTypeDoc, type SchemaItem } from './specOf.js';

export type { SchemaItem } from './specOf.js';

export const SCHEMA_CONTEXT_KINDS = {
  element: 'in element content: child elements fit here (after "<" a partial name may be typed)',
  'attribute-name': 'inside a start tag, where an attribute name goes',
  'attribute-value': 'inside the quotes of an attribute value',
  text: 'in the text content of an element that holds a value',
  none: 'in a comment, an end tag, unknown content or outside the schema',
} as const;
export type SchemaContextKind = keyof typeof SCHEMA_CONTEXT_KINDS;

export interface SchemaContext {
  kind: SchemaContextKind;
  /** the open elements from the root to the one the position is in */
  path: string[];
  /** that element, with its description */
  element?: SchemaItem;
  /** for attribute-value: the attribute */
  attribute?: SchemaItem;
  /** child elements that fit (kind element); those allowed once and already present are left out */
  elements: SchemaItem[];
  /** attributes not yet on the tag (kind attribute-name) */
  attributes: SchemaItem[];
  /** allowed or suggested values (kinds attribute-value and text) */
  values: SchemaItem[];
  /** what the value must look like when it is not from a list ("an absolute path") */
  valueType?: string;
  /** what has been typed of the name or value at the position */
  prefix: string;
  /** the range a completion replaces (the partial name or value) */
  replaceRange: Range;
}

interface OpenElement {
  name: string;
  start: number;
  attributes: ScannedAttribute[];
  values: { name: string; value: string }[];
  childNames: Set<string>;
}

type Position =
  | { kind: 'content'; contentStart: number }
  | { kind: 'tag-name'; start: number; end: number }
  | { kind: 'attribute-name'; tagName: string; attributes: ScannedAttribute[]; start: number; end: number }
  | { kind: 'attribute-value'; tagName: string; attributes: ScannedAttribute[]; attribute: ScannedAttribute }
  | { kind: 'none' };

/**
 * What fits at a position of a document, complete or being typed: allowed child elements,
 * attributes or values, each with a one-line description. The text up to the position is
 * scanned (tolerating unfinished tags); the parsed tree adds the siblings after it.
 */
export function schemaAt(document: XmlDocument, offset: number): SchemaContext {
  const text = document.text;
  const at = Math.max(0, Math.min(offset, text.length));
  const stack: OpenElement[] = [];
  const position = scanTo(text, at, stack);
  const empty: SchemaContext = {
    kind: 'none',
    path: stack.map((e) => e.name),
    elements: [],
    attributes: [],
    values: [],
    prefix: '',
    replaceRange: document.lines.range(at, at),
  };
  if (position.kind === 'none') return empty;

  const inTag = position.kind === 'attribute-name' || position.kind === 'attribute-value';
  // inside a start tag the element is the one being written; otherwise the innermost open one
  const parentSpec = resolve(stack);
  if (position.kind === 'content' || position.kind === 'tag-name') {
    const context = { ...empty };
    if (stack.length === 0) {
      context.kind = 'element';
      context.elements = [{ name: ROOT_ELEMENT, doc: DOMAIN_SCHEMA.doc, required: true }];
    } else {
      if (parentSpec === undefined || parentSpec.anyContent === true) return empty;
      const top = stack[stack.length - 1] as OpenElement;
      const effective = effectiveSpec(parentSpec, { attributes: top.values });
      context.element = { name: top.name, doc: parentSpec.doc };
      const present = presentChildren(document, top, at);
      const qemuPrefix = prefixFor(stack, QEMU_NAMESPACE);
      context.elements = Object.entries(effective.children)
        .filter(([key, child]) => (child.max ?? 1) > (present.get(key) ?? 0))
        .flatMap(([key, child]) => {
          const name = key.startsWith('qemu:') ? (qemuPrefix === undefined ? undefined : `${qemuPrefix}:${key.slice(5)}`) : key;
          if (name === undefined) return [];
          const spec = typeof child.spec === 'function' ? child.spec() : child.spec;
          return [{ name, doc: spec.doc, ...((child.min ?? 0) > 0 ? { required: true } : {}) }];
        });
      if (position.kind === 'content' && effective.text !== undefined) {
        context.kind = 'text';
        context.values = valueItems(effective.text);
        const valueType = valueTypeDoc(effective.text);
        if (valueType !== undefined) context.valueType = valueType;
        const start = skipSpace(text, position.contentStart, at);
        context.prefix = text.slice(start, at);
        context.replaceRange = document.lines.range(start, at);
        return context;
      }
      context.kind = 'element';
    }
    if (position.kind === 'tag-name') {
      context.prefix = text.slice(position.start, at);
      context.replaceRange = document.lines.range(position.start, position.end);
    }
    return context;
  }

  // inside a start tag: the element is the tag's own
  const tagName = position.tagName;
  const values = position.attributes.map((a) => ({ name: a.name, value: text.slice(a.valueStart, a.valueEnd) }));
  const spec = stack.length === 0 ? (tagName === ROOT_ELEMENT ? DOMAIN_SCHEMA : undefined) : parentSpec === undefined ? undefined : childSpec(parentSpec, { attributes: (stack[stack.length - 1] as OpenElement).values }, keyOf(tagName, stack));
  if (spec === undefined || !inTag) return { ...empty, path: [...empty.path, tagName] };
  const effective = effectiveSpec(spec, { attributes: values });
  const context: SchemaContext = { ...empty, path: [...empty.path, tagName], element: { name: tagName, doc: spec.doc } };
  if (position.kind === 'attribute-name') {
    const present = new Set(position.attributes.filter((a) => a.nameStart !== position.start).map((a) => a.name));
    context.kind = 'attribute-name';
    context.attributes = Object.entries(effective.attributes)
      .filter(([name]) => !present.has(name))
      .map(([name, a]) => ({ name, doc: a.doc, ...(a.required === true ? { required: true } : {}) }));
    context.prefix = text.slice(position.start, at);
    context.replaceRange = document.lines.range(position.start, position.end);
    return context;
  }
  const attribute = position.attribute;
  const attributeSpec = Object.prototype.hasOwnProperty.call(effective.attributes, attribute.name) ? effective.attributes[attribute.name] : undefined;
  context.kind = 'attribute-value';
  context.attribute = { name: attribute.name, doc: attributeSpec?.doc ?? '' };
  context.values = valueItems(attributeSpec?.value);
  const valueType = valueTypeDoc(attributeSpec?.value);
  if (valueType !== undefined) context.valueType = valueType;
  context.prefix = text.slice(attribute.valueStart, at);
  context.replaceRange = document.lines.range(attribute.valueStart, attribute.valueEnd);
  return context;
}

function skipSpace(text: string, from: number, to: number): number {
  let i = from;
  while (i < to && /\s/.test(text[i] as string)) i++;
  return i;
}

/** The prefix the open elements bind to a namespace URI. */
function prefixFor(stack: OpenElement[], uri: string): string | undefined {
  for (let i = stack.length - 1; i >= 0; i--) {
    const binding = (stack[i] as OpenElement).values.find((v) => v.name.startsWith('xmlns:') && v.value === uri);
    if (binding !== undefined) return binding.name.slice(6);
  }
  return undefined;
}

function keyOf(name: string, stack: OpenElement[]): string {
  const colon = name.indexOf(':');
  if (colon === -1) return name;
  const prefix = name.slice(0, colon);
  for (let i = stack.length - 1; i >= 0; i--) {
    const binding = (stack[i] as OpenElement).values.find((v) => v.name === `xmlns:${prefix}`);
    if (binding !== undefined) return binding.value === QEMU_NAMESPACE ? `qemu:${name.slice(colon + 1)}` : name;
  }
  return name;
}

/** The spec of the innermost open element, following the open elements from the root. */
function resolve(stack: OpenElement[]): ElementSpec | undefined {
  if (stack.length === 0 || (stack[0] as OpenElement).name !== ROOT_ELEMENT) return undefined;
  let spec: ElementSpec | undefined = DOMAIN_SCHEMA;
  for (let i = 1; i < stack.length && spec !== undefined; i++) {
    if (spec.anyContent === true) return spec;
    spec = childSpec(spec, { attributes: (stack[i - 1] as OpenElement).values }, keyOf((stack[i] as OpenElement).name, stack.slice(0, i + 1)));
  }
  return spec;
}

/** Children of the open element already written, before the position (scanned) and after it (tree). */
function presentChildren(document: XmlDocument, open: OpenElement, at: number): Map<string, number> {
  const counts = new Map<string, number>();
  const element = elementAt(document, open.start + 1);
  const children: XmlNode[] = element !== undefined && element.start === open.start ? element.children : [];
  if (children.length > 0) {
    for (const child of children) {
      if (child.kind !== 'element' || (at >= child.start && at <= child.end)) continue;
      counts.set(child.name, (counts.get(child.name) ?? 0) + 1);
    }
    return counts;
  }
  for (const name of open.childNames) counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
}

/** Scans the text up to `at`, keeping the open elements; says where `at` falls. */
function scanTo(text: string, at: number, stack: OpenElement[]): Position {
  let i = 0;
  let contentStart = 0;
  for (;;) {
    const lt = text.indexOf('<', i);
    if (lt === -1 || lt >= at) return { kind: 'content', contentStart };
    const next = text.charCodeAt(lt + 1);
    if (next === 33 || next === 63) {
      // comment, CDATA, PI, DOCTYPE
      const end = constructEnd(text, lt, text.length);
      if (end === -1 || end > at) return { kind: 'none' };
      i = end;
      contentStart = end;
      continue;
    }
    if (next === 47) {
      const end = text.indexOf('>', lt);
      if (end === -1 || end >= at) return { kind: 'none' };
      const name = text.slice(lt + 2, end).trim();
      const match = stack.map((e) => e.name).lastIndexOf(name);
      if (match !== -1) stack.length = match;
      i = end + 1;
      contentStart = i;
      continue;
    }
    const tag = scanStartTag(text, lt, text.length);
    if (!tag.terminated || tag.end > at) {
      if (at <= tag.nameEnd) return { kind: 'tag-name', start: lt + 1, end: tag.nameEnd };
      for (const attribute of tag.attributes) {
        if (attribute.quote !== '' && at >= attribute.valueStart && at <= attribute.valueEnd && at < attribute.end) {
          return { kind: 'attribute-value', tagName: tag.name, attributes: tag.attributes, attribute };
        }
        if (at >= attribute.nameStart && at <= attribute.nameEnd) {
          return { kind: 'attribute-name', tagName: tag.name, attributes: tag.attributes, start: attribute.nameStart, end: attribute.nameEnd };
        }
      }
      return { kind: 'attribute-name', tagName: tag.name, attributes: tag.attributes, start: at, end: at };
    }
    const parent = stack[stack.length - 1];
    parent?.childNames.add(tag.name);
    if (!tag.selfClosing) {
      stack.push({
        name: tag.name,
        start: lt,
        attributes: tag.attributes,
        values: tag.attributes.map((a) => ({ name: a.name, value: text.slice(a.valueStart, a.valueEnd) })),
        childNames: new Set(),
      });
    }
    i = tag.end;
    contentStart = i;
  }
}
