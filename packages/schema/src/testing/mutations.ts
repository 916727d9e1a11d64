import type { TextEdit } from '../diagnostics.js';
import { applyEdits } from '../edit/edits.js';
import { parseXml } from '../xml/parseXml.js';
import { walkElements, type XmlAttribute, type XmlElement } from '../xml/tree.js';

/**
 * Small edits that leave a domain definition meaning what it meant, so libvirt reads it the
 * same: each is one of the freedoms XML or libvirt's grammar gives (quotes, attribute order,
 * whitespace and comments between elements, `<x/>` for `<x></x>`, character references, the
 * order of devices of different kinds, memory in another unit). A validator that changes its
 * verdict under one of them depends on the spelling instead of the definition.
 */
export interface Mutation {
  kind: string;
  /** where, for the failure message */
  at: string;
  edits: TextEdit[];
}

const MEMORY_ELEMENTS = new Set(['memory', 'currentMemory', 'maxMemory']);
/** libvirt's scaled-integer units (virScaleInteger) with their size in KiB, for whole KiB values. */
const KIB_PER_UNIT: Readonly<Record<string, number>> = { k: 1, KiB: 1, K: 1, M: 1024, MiB: 1024, G: 1048576, GiB: 1048576, T: 1073741824, TiB: 1073741824 };

function hasOnlyElementContent(element: XmlElement): boolean {
  return element.children.some((c) => c.kind === 'element') && element.children.every((c) => c.kind !== 'text' || c.value.trim() === '');
}

const at = (element: XmlElement): string => `<${element.name}> on line ${element.range.start.line}`;
/** An edit by offsets (applyEdits reads nothing else). */
const edit = (start: number, end: number, newText: string): TextEdit => ({
  range: { start: { line: 0, column: 0, offset: start }, end: { line: 0, column: 0, offset: end } },
  newText,
});

function attributeMutations(text: string, element: XmlElement): Mutation[] {
  const out: Mutation[] = [];
  for (const attribute of element.attributes) {
    const raw = text.slice(attribute.valueRange.start.offset, attribute.valueRange.end.offset);
    const other = attribute.quote === "'" ? '"' : "'";
    if (attribute.quote !== '' && !raw.includes(other)) {
      out.push({ kind: 'quote', at: `${attribute.name} of ${at(element)}`, edits: [edit(attribute.range.start.offset, attribute.range.end.offset, `${attribute.name}=${other}${raw}${other}`)] });
    }
    const first = raw.codePointAt(0);
    if (first !== undefined && raw[0] !== '&') {
      const start = attribute.valueRange.start.offset;
      out.push({ kind: 'character-reference', at: `${attribute.name} of ${at(element)}`, edits: [edit(start, start + (first > 0xffff ? 2 : 1), `&#${first};`)] });
    }
  }
  if (element.attributes.length >= 2) {
    // the last attribute moves first
    const [first, beforeLast, last] = [element.attributes[0], element.attributes[element.attributes.length - 2], element.attributes[element.attributes.length - 1]] as [XmlAttribute, XmlAttribute, XmlAttribute];
    const written = text.slice(last.range.start.offset, last.range.end.offset);
    out.push({
      kind: 'attribute-order',
      at: at(element),
      edits: [edit(first.range.start.offset, first.range.start.offset, `${written} `), edit(beforeLast.range.end.offset, last.range.end.offset, '')],
    });
  }
  return out;
}

function memoryInKiB(text: string, element: XmlElement): Mutation | undefined {
  if (!MEMORY_ELEMENTS.has(element.name) || element.children.length !== 1 || element.children[0]?.kind !== 'text') return undefined;
  const content = element.children[0];
  const unit = element.attributes.find((a) => a.name === 'unit');
  const factor = unit === undefined ? undefined : KIB_PER_UNIT[unit.value];
  if (unit === undefined || factor === undefined || factor === 1 || !/^\d+$/.test(content.value.trim())) return undefined;
  const kib = BigInt(content.value.trim()) * BigInt(factor);
  return {
    kind: 'memory-in-KiB',
    at: at(element),
    edits: [edit(content.start, content.end, kib.toString()), edit(unit.valueRange.start.offset, unit.valueRange.end.offset, 'KiB')],
  };
}

/** Every mutation the definition offers, in document order. */
export function mutationsOf(text: string): Mutation[] {
  const { document } = parseXml(text);
  const root = document.root;
  if (root === undefined) return [];
  const out: Mutation[] = [];
  if (!document.children.some((c) => c.kind === 'pi' && c.target === 'xml')) {
    out.push({ kind: 'xml-declaration', at: 'the start', edits: [edit(0, 0, "<?xml version='1.0' encoding='UTF-8'?>\n")] });
  }
  for (const element of walkElements(root)) {
    out.push(...attributeMutations(text, element));
    if (element.selfClosing) {
      const tag = text.slice(element.startTagRange.start.offset, element.startTagRange.end.offset);
      out.push({ kind: 'open-and-close', at: at(element), edits: [edit(element.startTagRange.start.offset, element.startTagRange.end.offset, `${tag.slice(0, -2).trimEnd()}></${element.name}>`)] });
    }
    const memory = memoryInKiB(text, element);
    if (memory !== undefined) out.push(memory);
    if (!hasOnlyElementContent(element)) continue;
    const children = element.children.filter((c): c is XmlElement => c.kind === 'element');
    for (const child of children) {
      out.push({ kind: 'whitespace', at: at(child), edits: [edit(child.start, child.start, '\n\t  ')] });
      out.push({ kind: 'comment', at: at(child), edits: [edit(child.start, child.start, '<!-- a comment -->')] });
    }
    // devices of different kinds may come in any order (the grammar's interleave); libvirt keeps
    // each kind's list in document order, so devices of one kind keep theirs
    if (element.name !== 'devices') continue;
    children.forEach((child, i) => {
      const next = children[i + 1];
      if (next === undefined || next.name === child.name) return;
      const a = text.slice(child.start, child.end);
      const b = text.slice(next.start, next.end);
      out.push({ kind: 'device-order', at: `${at(child)} and ${at(next)}`, edits: [edit(child.start, child.end, b), edit(next.start, next.end, a)] });
    });
  }
  return out;
}

export function applyMutation(text: string, mutation: Mutation): string {
  return applyEdits(text, mutation.edits);
}
