import { describeAt, schemaAt, type Range, type SchemaItem, type XmlDocument } from '@virtdeck/schema';
import type { CompletionEntry, HoverResult } from './protocol';

/** Required items first, then by name. */
const sortKey = (item: SchemaItem) => `${item.required === true ? '0' : '1'}${item.name}`;

/**
 * What fits at the cursor, as completion entries: child elements (with their closing tag
 * and the cursor inside), attributes (with quotes, the value list opened next), values.
 */
export function completionsAt(document: XmlDocument, offset: number): CompletionEntry[] {
  const context = schemaAt(document, offset);
  const text = document.text;
  const range = onCursorLine(document, context.replaceRange, offset);
  switch (context.kind) {
    case 'element': {
      const afterOpenBracket = text[range.start.offset - 1] === '<';
      // Monaco closes "<" with ">" as it is typed: take that ">" into the replacement.
      const end = afterOpenBracket && text[range.end.offset] === '>' ? document.lines.position(range.end.offset + 1) : range.end;
      return context.elements.map((item) => ({
        label: item.name,
        kind: 'element',
        insertText: `${afterOpenBracket ? '' : '<'}${item.name}$1>$0</${item.name}>`,
        snippet: true,
        detail: item.doc,
        range: { start: range.start, end },
        sortText: sortKey(item),
      }));
    }
    case 'attribute-name': {
      const quote = text.includes('="') && !text.includes("='") ? '"' : "'";
      return context.attributes.map((item) => ({
        label: item.name,
        kind: 'attribute',
        insertText: `${item.name}=${quote}$1${quote}$0`,
        snippet: true,
        detail: item.doc,
        range,
        sortText: sortKey(item),
        retrigger: true,
      }));
    }
    case 'attribute-value':
    case 'text':
      return context.values.map((item) => ({
        label: item.name,
        kind: 'value',
        insertText: item.name,
        snippet: false,
        detail: item.doc,
        range,
        sortText: sortKey(item),
      }));
    case 'none':
      return [];
    default: {
      const unreachable: never = context.kind;
      return unreachable;
    }
  }
}

/**
 * The part of a replacement on the cursor's line. Monaco drops an entry whose range spans
 * lines or starts on another line ("[suggest] did IGNORE invalid completion item"), and
 * while a value is being typed its quote is still open, so the value the parser sees runs
 * on to the next quote, lines further down: then the entry is inserted at the cursor and
 * the rest of the line is kept.
 */
function onCursorLine(document: XmlDocument, range: Range, offset: number): Range {
  const line = document.lines.position(offset).line;
  const lineStart = document.lines.lineStarts[line - 1] ?? 0;
  const indent = /^[ \t]*/.exec(document.text.slice(lineStart, offset))?.[0].length ?? 0;
  const start = range.start.line === line ? range.start.offset : Math.min(offset, lineStart + indent);
  const end = range.end.line === line ? range.end.offset : offset;
  return start === range.start.offset && end === range.end.offset ? range : document.lines.range(start, end);
}

export function hoverAt(document: XmlDocument, offset: number): HoverResult | undefined {
  return describeAt(document, offset);
}
