import type { Range } from '../diagnostics.js';
import { effectiveSpec } from '../schema/effective.js';
import type { AttributeSpec, ElementSpec, ValueSpec } from '../schema/types.js';
import { elementAt, textContent, textRange, type XmlDocument, type XmlElement } from '../xml/tree.js';
import { specOf, valueTypeDoc } from './specOf.js';

export interface Hover {
  range: Range;
  markdown: string;
}

const within = (range: Range, offset: number) => offset >= range.start.offset && offset <= range.end.offset;

/** Hover text for the element name, attribute name or value at a position. */
export function describeAt(document: XmlDocument, offset: number): Hover | undefined {
  const element = elementAt(document, offset);
  if (element === undefined) return undefined;
  const spec = specOf(element);
  if (spec === undefined) return undefined;
  const effective = effectiveSpec(spec, element);
  const endTagName = element.endTagRange === undefined ? undefined : document.lines.range(element.endTagRange.start.offset + 2, element.endTagRange.start.offset + 2 + element.name.length);
  if (within(element.nameRange, offset)) return { range: element.nameRange, markdown: describeElement(element, spec) };
  if (endTagName !== undefined && within(endTagName, offset)) return { range: endTagName, markdown: describeElement(element, spec) };
  for (const attribute of element.attributes) {
    const attributeSpec = Object.prototype.hasOwnProperty.call(effective.attributes, attribute.name) ? effective.attributes[attribute.name] : undefined;
    if (attributeSpec === undefined) continue;
    if (within(attribute.nameRange, offset)) {
      return { range: attribute.nameRange, markdown: describeAttribute(element.name, attribute.name, attributeSpec) };
    }
    if (attribute.quote !== '' && within(attribute.valueRange, offset)) {
      const markdown = describeValue(attribute.value, attributeSpec.value);
      return markdown === undefined ? undefined : { range: attribute.valueRange, markdown };
    }
  }
  if (effective.text !== undefined) {
    const range = textRange(element);
    if (range !== element.nameRange && within(range, offset)) {
      const markdown = describeValue(textContent(element).trim(), effective.text);
      return markdown === undefined ? undefined : { range, markdown };
    }
  }
  return undefined;
}

/**
 * Prose for Markdown as Monaco renders it: what looks like an element (`<os>`, `<domain type>`)
 * becomes code, or the renderer takes it for HTML and drops it; other markup characters
 * (the `_` of a value list) stay literal.
 */
export function markdownProse(text: string): string {
  return text
    .split(/(<[^<>]+>)/)
    .map((part, i) => (i % 2 === 1 ? `\`${part}\`` : part.replace(/[\\`*_[\]<>#|~]/g, '\\$&')))
    .join('');
}

function describeElement(element: XmlElement, spec: ElementSpec): string {
  const effective = effectiveSpec(spec, element);
  const lines = [`**\`<${element.name}>\`** — ${markdownProse(spec.doc)}`];
  const required = Object.entries(effective.attributes).filter(([, a]) => a.required === true).map(([n]) => `\`${n}\``);
  if (required.length > 0) lines.push(`Required attributes: ${required.join(', ')}`);
  const children = Object.keys(effective.children).filter((k) => !k.includes(':'));
  if (children.length > 0) lines.push(`Children: ${children.slice(0, 16).map((c) => `\`<${c}>\``).join(', ')}${children.length > 16 ? ', …' : ''}`);
  const valueType = valueTypeDoc(effective.text);
  if (valueType !== undefined) lines.push(`Content: ${markdownProse(valueType)}`);
  return lines.join('\n\n');
}

function describeAttribute(elementName: string, name: string, spec: AttributeSpec): string {
  const lines = [`**${markdownProse(name)}** (attribute of \`<${elementName}>\`${spec.required === true ? ', required' : ''}) — ${markdownProse(spec.doc)}`];
  if (spec.value.kind === 'data') lines.push(`Value: ${markdownProse(valueTypeDoc(spec.value) ?? '')}`);
  else lines.push(Object.entries(spec.value.values).slice(0, 16).map(([value, doc]) => `- \`${value}\` — ${markdownProse(doc)}`).join('\n'));
  return lines.join('\n\n');
}

function describeValue(value: string, spec: ValueSpec): string | undefined {
  if (spec.kind === 'data') {
    const doc = valueTypeDoc(spec);
    return doc === undefined ? undefined : markdownProse(doc);
  }
  const doc = Object.prototype.hasOwnProperty.call(spec.values, value) ? spec.values[value] : spec.kind === 'enum' ? spec.accepted?.[value] : undefined;
  return doc === undefined ? undefined : `**${markdownProse(value)}** — ${markdownProse(doc)}`;
}
