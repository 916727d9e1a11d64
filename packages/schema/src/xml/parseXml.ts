import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Diagnostic, QuickFix } from '../diagnostics.js';
import { editDistance } from '../edit/didYouMean.js';
import { decodeEntities, type UndefinedEntity } from './entities.js';
import { LineIndex } from './lineIndex.js';
import { constructEnd, doctypeEnd, findParseBarrier, scanStartTag, type ScannedAttribute, type ScannedStartTag } from './scanner.js';
import { AttributeNode, ElementNode, leafNode, walkElements, type XmlDocument, type XmlElement, type XmlNode } from './tree.js';

/** Larger texts are refused up front: a domain definition is a few kilobytes; this keeps time and memory bounded. */
export const MAX_DOCUMENT_LENGTH = 4 * 1024 * 1024;
/** libxml2 (which libvirt uses) stops at 256 levels too, without XML_PARSE_HUGE. */
export const MAX_ELEMENT_DEPTH = 256;

// typed as the boxed `Symbol` by fast-xml-parser; it is a symbol (or a string where symbols are missing)
const METADATA = XMLParser.getMetaDataSymbol() as unknown as symbol;

const fxp = new XMLParser({
  preserveOrder: true,
  captureMetaData: true,
  // attributes, text and comments are read from the source with their positions (scanner.ts);
  // fast-xml-parser supplies the element structure and each element's start and end offsets
  ignoreAttributes: true,
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // it throws when an element would be at level MAX_ELEMENT_DEPTH + 1 (the root is level 1)
  maxNestedTags: MAX_ELEMENT_DEPTH - 1,
  // callbacks get the matcher, not a path string built for every tag
  jPath: false,
});

interface FxpMeta {
  startIndex?: number;
  endIndex?: number;
}
type FxpEntry = Record<string, unknown>;

export interface ParseXmlResult {
  document: XmlDocument;
  diagnostics: Diagnostic[];
}

/**
 * Parses XML keeping every node's position. Never throws: a broken text yields diagnostics
 * (with line and column) and a tree of as much as could be read, which the validator and the
 * editor's completions still use.
 */
export function parseXml(text: string): ParseXmlResult {
  const lines = new LineIndex(text);
  const document: XmlDocument = { text, children: [], lines };
  const diagnostics: Diagnostic[] = [];

  if (text.length > MAX_DOCUMENT_LENGTH) {
    diagnostics.push({
      severity: 'error',
      scope: 'document',
      code: 'document-too-large',
      message: `The document is ${formatSize(text.length)} long; domain definitions of more than ${formatSize(MAX_DOCUMENT_LENGTH)} are not accepted.`,
      range: lines.range(0, Math.min(text.length, 1)),
    });
    document.children.push(leafNode(lines, 'text', text, 0, text.length));
    document.parsedUpTo = 0;
    return { document, diagnostics };
  }
  if (text.trim() === '') {
    diagnostics.push({
      severity: 'error',
      scope: 'document',
      code: 'empty-document',
      message: 'The document is empty: a domain definition starts with <domain type="…">.',
      range: lines.range(0, text.length),
    });
    if (text !== '') document.children.push(leafNode(lines, 'text', text, 0, text.length));
    return { document, diagnostics };
  }

  const parseText = blankDoctypes(text, lines, diagnostics);
  const structure = parseStructure(parseText, document, diagnostics);
  const suspicious = buildTree(text, structure.entries, document, diagnostics) || structure.incomplete;
  // fast-xml-parser's validator names the first well-formedness error with its line and
  // column; it runs when reading the text showed something amiss (a clean text skips it)
  let wellFormed = true;
  if (suspicious) {
    const result = XMLValidator.validate(parseText);
    if (result !== true) {
      wellFormed = false;
      diagnostics.unshift(wellFormednessDiagnostic(document, result.err));
    }
  }
  checkTopLevel(document, diagnostics, wellFormed);
  return { document, diagnostics };
}

function formatSize(length: number): string {
  return length >= 1024 * 1024 ? `${(length / (1024 * 1024)).toFixed(1)} MiB` : `${Math.ceil(length / 1024)} KiB`;
}

/**
 * DOCTYPEs are reported and replaced by blanks of the same length (offsets stay valid): their
 * entity declarations are never read, so entity-expansion attacks have nothing to expand.
 * One pass from the start, skipping comments; the text is rebuilt once.
 */
function blankDoctypes(text: string, lines: LineIndex, diagnostics: Diagnostic[]): string {
  let at = text.indexOf('<!DOCTYPE');
  if (at === -1) return text;
  const parts: string[] = [];
  let copied = 0;
  let comment = text.indexOf('<!--');
  while (at !== -1) {
    if (comment !== -1 && comment < at) {
      const close = text.indexOf('-->', comment + 4);
      // an unterminated comment hides nothing: what follows is reported
      if (close === -1) {
        comment = -1;
        continue;
      }
      if (close > at) at = text.indexOf('<!DOCTYPE', close + 3);
      comment = text.indexOf('<!--', close + 3);
      continue;
    }
    const end = doctypeEnd(text, at, text.length);
    const stop = end === -1 ? text.length : end;
    const range = lines.range(at, stop);
    diagnostics.push({
      severity: 'error',
      scope: 'document',
      code: 'xml-doctype',
      message: 'A DOCTYPE is not allowed in a domain definition; its entity declarations are ignored.',
      range,
      fixes: [{ title: 'Remove the DOCTYPE', edits: [{ range, newText: '' }], isPreferred: true }],
    });
    parts.push(text.slice(copied, at), text.slice(at, stop).replace(/[^\r\n]/g, ' '));
    copied = stop;
    at = end === -1 ? -1 : text.indexOf('<!DOCTYPE', end);
    if (comment !== -1 && comment < stop) comment = text.indexOf('<!--', stop);
  }
  parts.push(text.slice(copied));
  return parts.join('');
}

/** fast-xml-parser's words for an end tag that is not the open element's, and for elements left open at the end. */
const END_TAG_MISMATCH = /^Expected closing tag '([^']+)' \(opened in line (\d+), col (\d+)\) instead of closing tag '([^']+)'\.$/;
const LEFT_OPEN = /^Invalid '\[[\s\S]*\]' found\.$/;

/**
 * The first well-formedness fault as a person would fix it: an element never closed is named
 * at its start tag with the edit that closes it; an end tag that closes nothing open is a typo
 * of the open element's name. Sets `document.brokenAt`.
 */
function wellFormednessDiagnostic(document: XmlDocument, err: { msg: string; line: number; col?: number }): Diagnostic {
  const { text, lines } = document;
  const at = err.col === undefined ? lines.offsetAt(err.line, 1) : lines.offsetAt(err.line, err.col);
  const mismatch = END_TAG_MISMATCH.exec(err.msg);
  // the root is not chosen yet: every top-level element counts
  const elements = document.children.flatMap((node) => (node.kind === 'element' ? [...walkElements(node)] : []));
  if (mismatch !== null) {
    const [, open, line, column, close] = mismatch as unknown as [string, string, string, string, string];
    const start = lines.offsetAt(Number(line), Number(column));
    const element = elements.find((e) => e.start === start && e.name === open);
    if (element !== undefined) {
      const closeLine = lines.range(at, at).start.line;
      let ancestor = element.parent;
      while (ancestor !== undefined && ancestor.name !== close) ancestor = ancestor.parent;
      if (ancestor === undefined) {
        // closes nothing that is open: the open element's name mistyped, or an end tag too many
        const tagRange = lines.range(at, text.indexOf('>', at) === -1 ? at + 2 + close.length : text.indexOf('>', at) + 1);
        document.brokenAt = at;
        if (editDistance(close, open, 3) <= 2) {
          return notWellFormed(`</${close}> on line ${closeLine} closes nothing that is open: <${open}> (line ${line}) is the element to close here.`, tagRange, {
            title: `Write </${open}>`,
            edits: [{ range: lines.range(at + 2, at + 2 + close.length), newText: open }],
          });
        }
        return notWellFormed(`</${close}> on line ${closeLine} closes nothing that is open (the open element is <${open}>, line ${line}).`, tagRange, {
          title: `Remove </${close}>`,
          edits: [{ range: tagRange, newText: '' }],
        });
      }
      document.brokenAt = element.start;
      return notWellFormed(`<${open}> is not closed: </${close}> on line ${closeLine} comes before its </${open}>.`, element.nameRange, closeEdit(document, element, at));
    }
  }
  const unclosed = LEFT_OPEN.test(err.msg) ? elements.filter((e) => !e.closed && !e.selfClosing) : [];
  const innermost = unclosed[unclosed.length - 1];
  if (innermost !== undefined) {
    const around = unclosed.slice(0, -1).reverse().map((e) => `<${e.name}>`);
    const others = around.length === 0 ? '' : ` (nor ${around.length === 1 ? 'is' : 'are'} ${around.join(', ')} around it)`;
    document.brokenAt = innermost.start;
    return notWellFormed(`<${innermost.name}> is not closed${others}: the text ends before its </${innermost.name}>.`, innermost.nameRange, closeEdit(document, innermost, text.length));
  }
  let end = at;
  while (end < text.length && end - at < 64 && !/[\s>]/.test(text[end] as string)) end++;
  if (end < text.length && text[end] === '>') end++;
  if (end === at) end = Math.min(text.length, at + 1);
  document.brokenAt = at;
  return notWellFormed(err.msg, lines.range(at, end));
}

function notWellFormed(message: string, range: Diagnostic['range'], fix?: QuickFix): Diagnostic {
  const diagnostic: Diagnostic = { severity: 'error', scope: 'document', code: 'xml-not-well-formed', message: `Not well-formed XML: ${message}`, range };
  if (fix !== undefined) diagnostic.fixes = [{ ...fix, isPreferred: true }];
  return diagnostic;
}

/**
 * Adds the missing end tag where the element's content ends by its indentation: before the
 * first later line indented no deeper than its start tag (and not past `limit`, the end tag that
 * came first or the end of the text).
 */
function closeEdit(document: XmlDocument, element: XmlElement, limit: number): QuickFix {
  const { text, lines } = document;
  const title = `Add </${element.name}>`;
  const lineStart = text.lastIndexOf('\n', element.start - 1) + 1;
  const indent = text.slice(lineStart, element.start);
  const insertAt = (offset: number, newText: string): QuickFix => ({ title, edits: [{ range: lines.range(offset, offset), newText }] });
  if (/^[ \t]*$/.test(indent)) {
    let next = text.indexOf('\n', element.start);
    while (next !== -1 && next < limit) {
      const from = next + 1;
      let first = from;
      while (first < text.length && (text[first] === ' ' || text[first] === '\t')) first++;
      if (first >= limit) break;
      if (text[first] !== '\n' && text[first] !== '\r' && first - from <= indent.length) return insertAt(first, `</${element.name}>\n${text.slice(from, first)}`);
      next = text.indexOf('\n', from);
    }
    // at the end of the text: on a line of its own after child elements, right after text
    if (limit === text.length && element.children.some((c) => c.kind === 'element')) {
      return insertAt(text.length, `${text.endsWith('\n') ? '' : '\n'}${indent}</${element.name}>\n`);
    }
  }
  return insertAt(limit, `</${element.name}>`);
}

/**
 * fast-xml-parser's ordered tree. When it cannot finish the text (something left open, which is
 * normal while typing, or nesting beyond the limit), the part before that point is read.
 */
function parseStructure(parseText: string, document: XmlDocument, diagnostics: Diagnostic[]): { entries: FxpEntry[]; incomplete: boolean } {
  try {
    return { entries: fxp.parse(parseText) as FxpEntry[], incomplete: false };
  } catch {
    const barrier = findParseBarrier(parseText, MAX_ELEMENT_DEPTH);
    if (barrier?.reason === 'too-deep') {
      diagnostics.push({
        severity: 'error',
        scope: 'document',
        code: 'xml-nesting-too-deep',
        message: `Elements are nested more than ${MAX_ELEMENT_DEPTH} levels deep; the content from here on is not read.`,
        range: document.lines.range(barrier.offset, barrier.offset + 1),
      });
    }
    document.parsedUpTo = barrier?.offset ?? 0;
    try {
      return { entries: fxp.parse(parseText.slice(0, document.parsedUpTo)) as FxpEntry[], incomplete: true };
    } catch {
      document.parsedUpTo = 0;
      return { entries: [], incomplete: true };
    }
  }
}

function entryName(entry: FxpEntry): string | undefined {
  for (const key in entry) if (key !== ':@') return key;
  return undefined;
}

interface Frame {
  element: ElementNode | undefined;
  entries: FxpEntry[];
  index: number;
  cursor: number;
  contentEnd: number;
  out: XmlNode[];
}

interface PendingEntity {
  offset: number;
  entity: UndefinedEntity;
}

const XML_NAME = /^[A-Za-z_][\w.:-]*$/;

/**
 * Turns fast-xml-parser's element structure into the positioned tree, reading tags, attributes
 * and everything between elements from the source. Iterative: depth costs no stack.
 * Returns whether anything looked malformed (then the well-formedness validator runs).
 */
function buildTree(text: string, entries: FxpEntry[], document: XmlDocument, diagnostics: Diagnostic[]): boolean {
  const lines = document.lines;
  const undefinedEntities: PendingEntity[] = [];
  const gap = { suspicious: false };
  const stack: Frame[] = [
    { element: undefined, entries, index: 0, cursor: 0, contentEnd: text.length, out: document.children },
  ];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as Frame;
    const entry = frame.entries[frame.index++];
    if (entry === undefined) {
      lexGap(text, frame.cursor, frame.contentEnd, frame.element, frame.out, lines, undefinedEntities, gap);
      stack.pop();
      const parent = stack[stack.length - 1];
      if (parent !== undefined && frame.element !== undefined) parent.cursor = frame.element.end;
      continue;
    }
    const meta = (entry as Record<symbol, FxpMeta | undefined>)[METADATA];
    const name = entryName(entry);
    const start = meta?.startIndex;
    if (name === undefined || start === undefined || name.startsWith('#') || name.startsWith('?')) continue;
    if (start < frame.cursor || start >= frame.contentEnd || text.charCodeAt(start) !== 60) continue;

    lexGap(text, frame.cursor, start, frame.element, frame.out, lines, undefinedEntities, gap);
    const tag = scanStartTag(text, start, frame.contentEnd);
    const closedAt = meta?.endIndex;
    let end: number;
    let contentEnd: number;
    let endTagStart = -1;
    if (tag.selfClosing || !tag.terminated) {
      end = tag.end;
      contentEnd = tag.end;
    } else if (closedAt !== undefined && closedAt <= frame.contentEnd && closedAt > tag.end) {
      end = closedAt;
      const found = text.lastIndexOf('</', closedAt - 1);
      endTagStart = found >= tag.end ? found : -1;
      contentEnd = endTagStart === -1 ? closedAt : endTagStart;
    } else {
      end = frame.contentEnd;
      contentEnd = frame.contentEnd;
    }
    const element = new ElementNode(lines, tag.name, start, end, tag.nameEnd, tag.end, endTagStart, tag.selfClosing, stack.length - 1);
    if (!gap.suspicious && !looksWellFormed(text, tag, endTagStart)) gap.suspicious = true;
    if (frame.element !== undefined) element.parent = frame.element;
    for (const a of tag.attributes) {
      const raw = text.slice(a.valueStart, a.valueEnd);
      // literal tabs and newlines become spaces (XML attribute normalisation); &#10; stays a newline
      let value = /[\t\n\r]/.test(raw) ? raw.replace(/[\t\n\r]/g, ' ') : raw;
      if (raw.includes('&')) {
        const found: UndefinedEntity[] = [];
        value = decodeEntities(value, found);
        for (const entity of found) undefinedEntities.push({ offset: a.valueStart, entity });
      }
      element.attributes.push(new AttributeNode(lines, a.name, value, a.quote, a.nameStart, a.nameEnd, a.valueStart, a.valueEnd, a.end));
      if (raw.includes('<')) {
        const at = a.valueStart + raw.indexOf('<');
        diagnostics.push({
          severity: 'error',
          scope: 'document',
          code: 'xml-not-well-formed',
          message: `Not well-formed XML: '<' is not allowed in an attribute value; write &lt;.`,
          range: lines.range(at, at + 1),
        });
      }
    }
    frame.out.push(element);
    frame.cursor = end;
    const children = (entry as Record<string, unknown>)[name];
    if (tag.selfClosing || !tag.terminated || !Array.isArray(children)) continue;
    stack.push({ element, entries: children as FxpEntry[], index: 0, cursor: tag.end, contentEnd, out: element.children });
  }
  reportEntities(lines, undefinedEntities, diagnostics);
  return gap.suspicious;
}

/** An element whose tags a strict XML parser would accept (names, quotes, spacing, matching end tag). */
function looksWellFormed(text: string, tag: ScannedStartTag, endTagStart: number): boolean {
  if (!tag.terminated || !XML_NAME.test(tag.name)) return false;
  const attributes = tag.attributes;
  for (let i = 0; i < attributes.length; i++) {
    const a = attributes[i] as ScannedAttribute;
    if (a.quote === '' || !XML_NAME.test(a.name)) return false;
    if (i > 0 && !/\s/.test(text[a.nameStart - 1] as string)) return false;
  }
  if (hasDuplicateName(attributes)) return false;
  if (tag.selfClosing) return true;
  if (endTagStart === -1 || !text.startsWith(tag.name, endTagStart + 2)) return false;
  let i = endTagStart + 2 + tag.name.length;
  while (/\s/.test(text[i] as string)) i++;
  return text[i] === '>';
}

/** A set only where it pays: a tag has a handful of attributes, a hostile one tens of thousands. */
function hasDuplicateName(attributes: readonly ScannedAttribute[]): boolean {
  if (attributes.length <= 8) {
    for (let i = 1; i < attributes.length; i++) {
      for (let j = 0; j < i; j++) if ((attributes[j] as ScannedAttribute).name === (attributes[i] as ScannedAttribute).name) return true;
    }
    return false;
  }
  return new Set(attributes.map((a) => a.name)).size !== attributes.length;
}

function reportEntities(lines: LineIndex, undefinedEntities: PendingEntity[], diagnostics: Diagnostic[]): void {
  for (const { offset, entity } of undefinedEntities.slice(0, 100)) {
    diagnostics.push({
      severity: 'error',
      scope: 'document',
      code: 'xml-undefined-entity',
      message:
        entity.name === ''
          ? "A bare '&' must be written &amp;."
          : `Entity '&${entity.name};' is not defined: only &lt; &gt; &amp; &quot; &apos; and character references are accepted.`,
      range: lines.range(offset + entity.start, offset + entity.end),
    });
  }
}

/** Text, comments, CDATA, processing instructions and DOCTYPEs between two elements. */
function lexGap(
  text: string,
  from: number,
  to: number,
  parent: XmlElement | undefined,
  out: XmlNode[],
  lines: LineIndex,
  undefinedEntities: PendingEntity[],
  gap: { suspicious: boolean },
): void {
  let i = from;
  while (i < to) {
    let node: XmlNode;
    if (text.charCodeAt(i) === 60 && isConstructStart(text, i)) {
      const found = constructEnd(text, i, to);
      const end = found === -1 ? to : found;
      if (found === -1) gap.suspicious = true;
      if (text.startsWith('<!--', i)) node = leafNode(lines, 'comment', text.slice(i + 4, found === -1 ? end : end - 3), i, end);
      else if (text.startsWith('<![CDATA[', i)) node = leafNode(lines, 'cdata', text.slice(i + 9, found === -1 ? end : end - 3), i, end);
      else if (text.startsWith('<?', i)) {
        const body = text.slice(i + 2, found === -1 ? end : end - 2);
        const space = body.search(/\s/);
        const target = space === -1 ? body : body.slice(0, space);
        if (i !== 0 && target.toLowerCase() === 'xml') gap.suspicious = true;
        node = leafNode(lines, 'pi', space === -1 ? '' : body.slice(space + 1), i, end, target);
      } else node = leafNode(lines, 'doctype', text.slice(i, end), i, end);
      i = end;
    } else {
      let j = text.indexOf('<', i + 1);
      while (j !== -1 && j < to && !isConstructStart(text, j)) j = text.indexOf('<', j + 1);
      const end = j === -1 || j > to ? to : j;
      let value = text.slice(i, end);
      // stray tags end up here, and no text may stand outside the root element
      if (value.includes('<') || (parent === undefined && value.trim() !== '')) gap.suspicious = true;
      if (value.includes('&')) {
        const found: UndefinedEntity[] = [];
        value = decodeEntities(value, found);
        for (const entity of found) undefinedEntities.push({ offset: i, entity });
      }
      node = leafNode(lines, 'text', value, i, end);
      i = end;
    }
    if (parent !== undefined) node.parent = parent;
    out.push(node);
  }
}

function isConstructStart(text: string, i: number): boolean {
  const next = text.charCodeAt(i + 1);
  return next === 33 || next === 63; // '<!' or '<?'
}

function checkTopLevel(document: XmlDocument, diagnostics: Diagnostic[], wellFormed: boolean): void {
  for (const node of document.children) {
    if (wellFormed && node.kind === 'text' && node.value.trim() !== '') {
      const skipped = node.value.length - node.value.trimStart().length;
      diagnostics.push({
        severity: 'error',
        scope: 'document',
        code: 'xml-not-well-formed',
        message: 'Not well-formed XML: text is not allowed outside the root element.',
        range: document.lines.range(node.start + skipped, node.end),
      });
      wellFormed = false;
    }
    if (node.kind !== 'element') continue;
    if (document.root === undefined) {
      document.root = node;
    } else if (wellFormed) {
      diagnostics.push({
        severity: 'error',
        scope: 'document',
        code: 'xml-multiple-roots',
        message: `Only one top-level element is allowed; <${node.name}> follows <${document.root.name}>.`,
        range: node.nameRange,
      });
    }
  }
  if (document.root === undefined && !diagnostics.some((d) => d.severity === 'error')) {
    diagnostics.push({
      severity: 'error',
      scope: 'document',
      code: 'empty-document',
      message: 'The document has no element: a domain definition starts with <domain type="…">.',
      range: document.lines.range(0, document.text.length),
    });
  }
}
