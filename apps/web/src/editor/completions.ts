import { describeAt, schemaAt, type SchemaItem, type XmlDocument } from '@virtdeck/schema';
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
  const { replaceRange: range } = context;
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

export function hoverAt(document: XmlDocument, offset: number): HoverResult | undefined {
  return describeAt(document, offset);
}
