import type { TextEdit } from '../diagnostics.js';
import { escapeAttribute, escapeText } from '../xml/entities.js';
import { getAttribute, type XmlAttribute, type XmlDocument, type XmlElement, type XmlNode } from '../xml/tree.js';

/**
 * Minimal text edits on a parsed document: each changes only the characters it must, so a
 * change made in a form touches only its own line and comments and unknown content stay.
 * Edits refer to offsets of the document they were made from; apply them together with
 * `applyEdits`.
 */

function edit(document: XmlDocument, start: number, end: number, newText: string): TextEdit {
  return { range: document.lines.range(start, end), newText };
}

/** The quote character the element (or else the document's root) already uses; libvirt writes `'`. */
function preferredQuote(document: XmlDocument, element: XmlElement): '"' | "'" {
  for (const e of [element, document.root]) {
    const quoted = e?.attributes.find((a) => a.quote !== '');
    if (quoted !== undefined && quoted.quote !== '') return quoted.quote;
  }
  return "'";
}

/** Sets (or, with `undefined`, removes) one attribute. */
export function setAttributeEdit(document: XmlDocument, element: XmlElement, name: string, value: string | undefined): TextEdit {
  const attribute = getAttribute(element, name);
  if (attribute !== undefined) {
    if (value === undefined) return removeAttributeEdit(document, attribute);
    if (attribute.quote === '') {
      const quote = preferredQuote(document, element);
      return edit(document, attribute.range.start.offset, attribute.range.end.offset, `${name}=${quote}${escapeAttribute(value, quote)}${quote}`);
    }
    return edit(document, attribute.valueRange.start.offset, attribute.valueRange.end.offset, escapeAttribute(value, attribute.quote));
  }
  const last = element.attributes.at(-1);
  const at = last !== undefined ? last.range.end.offset : element.nameRange.end.offset;
  if (value === undefined) return edit(document, at, at, '');
  const quote = preferredQuote(document, element);
  return edit(document, at, at, ` ${name}=${quote}${escapeAttribute(value, quote)}${quote}`);
}

/** Removes an attribute found on an element, with the whitespace before it. */
export function removeAttributeEdit(document: XmlDocument, attribute: XmlAttribute): TextEdit {
  const text = document.text;
  let start = attribute.range.start.offset;
  while (start > 0 && /\s/.test(text[start - 1] as string)) start--;
  return edit(document, start, attribute.range.end.offset, '');
}

/** Replaces the element's content with text (`<name>text</name>`), expanding `<name/>` if needed. */
export function setTextEdit(document: XmlDocument, element: XmlElement, text: string): TextEdit {
  const escaped = escapeText(text);
  if (element.selfClosing) {
    const tagEnd = element.startTagRange.end.offset;
    return edit(document, tagEnd - 2, tagEnd, `>${escaped}</${element.name}>`);
  }
  const start = element.startTagRange.end.offset;
  const end = element.endTagRange?.start.offset ?? element.range.end.offset;
  return edit(document, start, end, escaped);
}

/** The whitespace at the start of the line the offset is on. */
function lineIndent(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let end = lineStart;
  while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
  return text.slice(lineStart, end);
}

export interface InsertChildOptions {
  /** insert right after this child (default: after the last child element) */
  after?: XmlElement;
  /** insert as the first child */
  first?: boolean;
}

/**
 * Inserts `xml` (one element, possibly several lines) as a child of `parent`, on its own line
 * and indented like its siblings (or one step deeper than the parent).
 */
export function insertChildEdit(document: XmlDocument, parent: XmlElement, xml: string, options: InsertChildOptions = {}): TextEdit {
  const text = document.text;
  const parentIndent = lineIndent(text, parent.start);
  const elements = parent.children.filter((c): c is XmlElement => c.kind === 'element');
  const sibling = options.first === true ? elements[0] : (options.after ?? elements.at(-1));
  const indent = sibling !== undefined ? lineIndent(text, sibling.start) : parentIndent + indentUnit(document);
  // the snippet keeps its own nesting; every line moves to the insertion indentation
  const body = xml.trim().split('\n').map((line, i) => (i === 0 ? line : indent + line.trimEnd())).join('\n');
  if (parent.selfClosing) {
    const tagEnd = parent.startTagRange.end.offset;
    return edit(document, tagEnd - 2, tagEnd, `>\n${indent}${body}\n${parentIndent}</${parent.name}>`);
  }
  if (options.first === true && sibling !== undefined) {
    const at = sibling.start;
    return edit(document, at, at, `${body}\n${indent}`);
  }
  if (sibling !== undefined) {
    const at = sibling.end;
    return edit(document, at, at, `\n${indent}${body}`);
  }
  const at = parent.startTagRange.end.offset;
  const end = parent.endTagRange?.start.offset ?? at;
  const onlyWhitespace = text.slice(at, end).trim() === '';
  return onlyWhitespace
    ? edit(document, at, end, `\n${indent}${body}\n${parentIndent}`)
    : edit(document, at, at, `\n${indent}${body}`);
}

/** The document's indentation step, from the root's first indented child (two spaces otherwise). */
function indentUnit(document: XmlDocument): string {
  const root = document.root;
  const first = root?.children.find((c): c is XmlElement => c.kind === 'element');
  if (root === undefined || first === undefined) return '  ';
  const unit = lineIndent(document.text, first.start).slice(lineIndent(document.text, root.start).length);
  return unit === '' ? '  ' : unit;
}

/** Removes the element; when it stands alone on its line, the whole line goes. */
export function removeElementEdit(document: XmlDocument, element: XmlElement | XmlNode): TextEdit {
  const text = document.text;
  let start = element.start;
  let end = element.end;
  let lineStart = start;
  while (lineStart > 0 && (text[lineStart - 1] === ' ' || text[lineStart - 1] === '\t')) lineStart--;
  let lineEnd = end;
  while (lineEnd < text.length && (text[lineEnd] === ' ' || text[lineEnd] === '\t')) lineEnd++;
  const aloneOnLine = (lineStart === 0 || text[lineStart - 1] === '\n') && (lineEnd === text.length || text[lineEnd] === '\n' || text[lineEnd] === '\r');
  if (aloneOnLine) {
    start = lineStart;
    end = lineEnd;
    if (text[end] === '\r') end++;
    if (text[end] === '\n') end++;
    else if (start > 0) start--; // last line: take the newline before it instead
  }
  return edit(document, start, end, '');
}

/** Applies edits made against `text`. Overlapping edits are a programming error. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.range.start.offset - b.range.start.offset || a.range.end.offset - b.range.end.offset);
  let out = '';
  let cursor = 0;
  for (const e of sorted) {
    if (e.range.start.offset < cursor) {
      throw new RangeError(`Overlapping edits at offset ${e.range.start.offset}`);
    }
    out += text.slice(cursor, e.range.start.offset) + e.newText;
    cursor = e.range.end.offset;
  }
  return out + text.slice(cursor);
}
