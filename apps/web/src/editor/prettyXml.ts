import type { XmlDocument, XmlElement, XmlNode } from '@virtdeck/schema';

const isBlank = (node: XmlNode) => node.kind === 'text' && node.value.trim() === '';

/**
 * "Format document": one element per line, indented by depth. Everything is written from
 * its own source (attribute order and quoting, text, comments, CDATA), so formatting only
 * moves whitespace between elements. Elements holding text, or text mixed with elements,
 * are written as they are: their whitespace may mean something. Blank lines between
 * elements stay (one at most), since people use them to group.
 */
export function prettyXml(document: XmlDocument, unit = '  '): string {
  const { text } = document;
  const source = (node: { range: { start: { offset: number }; end: { offset: number } } }) => text.slice(node.range.start.offset, node.range.end.offset);
  const lines: string[] = [];

  const writeChildren = (children: readonly XmlNode[], depth: number) => {
    let pendingBlank = false;
    let wroteAny = false;
    for (const child of children) {
      if (isBlank(child)) {
        if (wroteAny && (source(child).match(/\n/g)?.length ?? 0) >= 2) pendingBlank = true;
        continue;
      }
      if (pendingBlank) lines.push('');
      pendingBlank = false;
      wroteAny = true;
      if (child.kind === 'element') writeElement(child, depth);
      else lines.push(unit.repeat(depth) + source(child).trim());
    }
  };

  const writeElement = (element: XmlElement, depth: number) => {
    const indent = unit.repeat(depth);
    const startTag = text.slice(element.startTagRange.start.offset, element.startTagRange.end.offset);
    if (element.selfClosing) {
      lines.push(indent + startTag);
      return;
    }
    const endTag = element.endTagRange ? text.slice(element.endTagRange.start.offset, element.endTagRange.end.offset) : `</${element.name}>`;
    const significant = element.children.filter((c) => !isBlank(c));
    const holdsText = significant.some((c) => c.kind === 'text' || c.kind === 'cdata');
    if (significant.length === 0) lines.push(indent + startTag + endTag);
    else if (holdsText) lines.push(indent + source(element));
    else {
      lines.push(indent + startTag);
      writeChildren(element.children, depth + 1);
      lines.push(indent + endTag);
    }
  };

  writeChildren(document.children, 0);
  return `${lines.join('\n')}\n`;
}

/** The one edit that turns `before` into `after`: the differing middle, common ends kept. */
export function minimalReplacement(before: string, after: string): { start: number; end: number; text: string } | undefined {
  if (before === after) return undefined;
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let tail = 0;
  while (tail < max - start && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  return { start, end: before.length - tail, text: after.slice(start, after.length - tail) };
}
