import type { Range } from '../diagnostics.js';
import type { LineIndex } from './lineIndex.js';

/**
 * The lossless XML tree. Every node knows its source range; together the nodes of a document
 * cover its text exactly, so nothing (comments, whitespace, unknown content) is ever lost.
 * Nodes link to their parent, so the tree is not JSON-serialisable as is.
 */
export interface XmlAttribute {
  /** qualified name as written (`xmlns:qemu`, `unit`) */
  name: string;
  /** value with entity and character references decoded and whitespace normalised */
  value: string;
  /** the quote character used, or '' when the value is missing (only in broken documents) */
  quote: '"' | "'" | '';
  range: Range;
  nameRange: Range;
  /** the value between the quotes */
  valueRange: Range;
}

interface NodeBase {
  /** offset of the node's first character */
  start: number;
  /** offset just after the node */
  end: number;
  range: Range;
  parent?: XmlElement;
}

export interface XmlElement extends NodeBase {
  kind: 'element';
  /** qualified name as written (`qemu:commandline`) */
  name: string;
  /** name without its namespace prefix */
  localName: string;
  prefix?: string;
  attributes: XmlAttribute[];
  children: XmlNode[];
  nameRange: Range;
  /** `<name …>` or `<name …/>` */
  startTagRange: Range;
  /** `</name>`; absent for `<name/>` and for an element never closed */
  endTagRange?: Range;
  selfClosing: boolean;
  /** false when the document ends (or breaks) before the element is closed */
  closed: boolean;
  /** 0 for the root */
  depth: number;
}

export interface XmlText extends NodeBase {
  kind: 'text';
  /** decoded text */
  value: string;
}

export interface XmlComment extends NodeBase {
  kind: 'comment';
  value: string;
}

export interface XmlCData extends NodeBase {
  kind: 'cdata';
  value: string;
}

export interface XmlProcessingInstruction extends NodeBase {
  kind: 'pi';
  target: string;
  value: string;
}

/** A `<!DOCTYPE …>` kept only so that formatting stays lossless; it is never interpreted. */
export interface XmlDoctype extends NodeBase {
  kind: 'doctype';
  value: string;
}

export type XmlNode = XmlElement | XmlText | XmlComment | XmlCData | XmlProcessingInstruction | XmlDoctype;

export interface XmlDocument {
  text: string;
  /** the first top-level element */
  root?: XmlElement;
  /** top-level nodes in order: prolog, root, anything after it */
  children: XmlNode[];
  lines: LineIndex;
  /**
   * Where parsing stopped when the text is broken (an unterminated tag, comment or nesting
   * beyond the limit): content from here on is kept verbatim as text of the open elements.
   */
  parsedUpTo?: number;
  /**
   * Where the first well-formedness fault begins when the text is not well-formed (the start
   * tag of an element never closed, else the fault itself): the tree from there on is a guess,
   * and checks of it would report the fault's consequences, not the text's.
   */
  brokenAt?: number;
}

export function getAttribute(element: XmlElement, name: string): XmlAttribute | undefined {
  for (const attribute of element.attributes) if (attribute.name === name) return attribute;
  return undefined;
}

export function attributeValue(element: XmlElement, name: string): string | undefined {
  for (const attribute of element.attributes) if (attribute.name === name) return attribute.value;
  return undefined;
}

export function childElements(element: XmlElement, name?: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const child of element.children) {
    if (child.kind === 'element' && (name === undefined || child.name === name)) out.push(child);
  }
  return out;
}

export function firstChild(element: XmlElement, name: string): XmlElement | undefined {
  for (const child of element.children) if (child.kind === 'element' && child.name === name) return child;
  return undefined;
}

/** Concatenated text and CDATA directly inside the element (not of its descendants). */
export function textContent(element: XmlElement): string {
  let out = '';
  for (const child of element.children) if (child.kind === 'text' || child.kind === 'cdata') out += child.value;
  return out;
}

/** Range of the element's text content (trimmed), or of its start tag when it has none. */
export function textRange(element: XmlElement): Range {
  let first: XmlNode | undefined;
  let last: XmlNode | undefined;
  for (const child of element.children) {
    if ((child.kind === 'text' && child.value.trim() !== '') || child.kind === 'cdata') {
      first ??= child;
      last = child;
    }
  }
  if (first === undefined || last === undefined) return element.nameRange;
  const start = first instanceof LeafNode ? first.trimmedRange().start : first.range.start;
  const end = last instanceof LeafNode ? last.trimmedRange().end : last.range.end;
  return { start, end };
}

/** Depth-first, document order, without recursion (documents may nest deeply). */
export function* walkElements(root: XmlElement): Generator<XmlElement> {
  const stack: XmlElement[] = [root];
  while (stack.length > 0) {
    const element = stack.pop() as XmlElement;
    yield element;
    for (let i = element.children.length - 1; i >= 0; i--) {
      const child = element.children[i] as XmlNode;
      if (child.kind === 'element') stack.push(child);
    }
  }
}

/** The innermost element whose range contains the offset (start inclusive, end exclusive). */
export function elementAt(document: XmlDocument, offset: number): XmlElement | undefined {
  let current = document.root;
  if (current === undefined || offset < current.start || offset > current.end) {
    return undefined;
  }
  for (;;) {
    const next = childContaining(current, offset);
    if (next === undefined) return current;
    current = next;
  }
}

function childContaining(element: XmlElement, offset: number): XmlElement | undefined {
  const children = element.children;
  let low = 0;
  let high = children.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const child = children[mid] as XmlNode;
    if (offset < child.start) high = mid - 1;
    else if (offset >= child.end && !(offset === child.end && isOpenEnded(child))) {
      low = mid + 1;
    } else return child.kind === 'element' ? child : undefined;
  }
  return undefined;
}

/** An unclosed element at the end of a document still "contains" the end offset (typing position). */
function isOpenEnded(node: XmlNode): boolean {
  return node.kind === 'element' && !node.closed;
}

/*
 * The parser builds nodes from these classes: ranges (line and column) are computed on first
 * use from the offsets, so a large document does not pay for positions nobody reads.
 */

export class AttributeNode implements XmlAttribute {
  #range?: Range;
  #nameRange?: Range;
  #valueRange?: Range;

  constructor(
    private readonly lines: LineIndex,
    readonly name: string,
    readonly value: string,
    readonly quote: '"' | "'" | '',
    readonly nameStart: number,
    readonly nameEnd: number,
    readonly valueStart: number,
    readonly valueEnd: number,
    readonly end: number,
  ) {}

  get range(): Range {
    return (this.#range ??= this.lines.range(this.nameStart, this.end));
  }
  get nameRange(): Range {
    return (this.#nameRange ??= this.lines.range(this.nameStart, this.nameEnd));
  }
  get valueRange(): Range {
    return (this.#valueRange ??= this.lines.range(this.valueStart, this.valueEnd));
  }
}

export class ElementNode implements XmlElement {
  readonly kind = 'element' as const;
  readonly localName: string;
  readonly prefix?: string;
  readonly attributes: XmlAttribute[] = [];
  readonly children: XmlNode[] = [];
  parent?: XmlElement;
  #range?: Range;
  #nameRange?: Range;
  #startTagRange?: Range;
  #endTagRange?: Range;

  constructor(
    private readonly lines: LineIndex,
    readonly name: string,
    readonly start: number,
    readonly end: number,
    readonly nameEnd: number,
    /** offset just after the start tag */
    readonly startTagEnd: number,
    /** offset of `</`, or -1 */
    readonly endTagStart: number,
    readonly selfClosing: boolean,
    readonly depth: number,
  ) {
    const colon = name.indexOf(':');
    this.localName = colon === -1 ? name : name.slice(colon + 1);
    if (colon !== -1) this.prefix = name.slice(0, colon);
  }

  get closed(): boolean {
    return this.selfClosing || this.endTagStart !== -1;
  }
  get range(): Range {
    return (this.#range ??= this.lines.range(this.start, this.end));
  }
  get nameRange(): Range {
    return (this.#nameRange ??= this.lines.range(this.start + 1, this.nameEnd));
  }
  get startTagRange(): Range {
    return (this.#startTagRange ??= this.lines.range(this.start, this.startTagEnd));
  }
  get endTagRange(): Range | undefined {
    if (this.endTagStart === -1) return undefined;
    return (this.#endTagRange ??= this.lines.range(this.endTagStart, this.end));
  }
}

type LeafKind = 'text' | 'comment' | 'cdata' | 'pi' | 'doctype';

class LeafNode {
  parent?: XmlElement;
  #range?: Range;

  constructor(
    private readonly lines: LineIndex,
    readonly kind: LeafKind,
    readonly value: string,
    readonly start: number,
    readonly end: number,
    readonly target?: string,
  ) {}

  get range(): Range {
    return (this.#range ??= this.lines.range(this.start, this.end));
  }

  /** The range without the whitespace around the text. */
  trimmedRange(): Range {
    const raw = this.lines.text.slice(this.start, this.end);
    const lead = raw.length - raw.trimStart().length;
    const trail = raw.length - raw.trimEnd().length;
    return lead + trail >= raw.length ? this.range : this.lines.range(this.start + lead, this.end - trail);
  }
}

/** A text, comment, CDATA, processing-instruction or DOCTYPE node. */
export function leafNode(lines: LineIndex, kind: LeafKind, value: string, start: number, end: number, target?: string): XmlNode {
  return new LeafNode(lines, kind, value, start, end, target) as unknown as XmlNode;
}
