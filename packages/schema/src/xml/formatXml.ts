import type { XmlDocument, XmlNode } from './tree.js';

/**
 * Writes the tree back as XML. Every node is written from its own source (tags with their
 * attribute order, quoting and spacing; text; comments; CDATA; processing instructions), so
 * unknown content survives and formatting a parsed document gives the same text again.
 * Edits are made through TextEdits (edits.ts), which keeps changes to the lines they touch.
 */
export function formatXml(document: XmlDocument): string {
  const { text } = document;
  const parts: string[] = [];
  // explicit stack: [node, phase] where phase 1 means "write the end tag"
  const stack: [XmlNode, 0 | 1][] = [];
  for (let i = document.children.length - 1; i >= 0; i--) stack.push([document.children[i] as XmlNode, 0]);
  while (stack.length > 0) {
    const [node, phase] = stack.pop() as [XmlNode, 0 | 1];
    if (node.kind !== 'element') {
      parts.push(text.slice(node.start, node.end));
      continue;
    }
    if (phase === 1) {
      if (node.endTagRange !== undefined) parts.push(text.slice(node.endTagRange.start.offset, node.endTagRange.end.offset));
      continue;
    }
    parts.push(text.slice(node.startTagRange.start.offset, node.startTagRange.end.offset));
    stack.push([node, 1]);
    for (let i = node.children.length - 1; i >= 0; i--) stack.push([node.children[i] as XmlNode, 0]);
  }
  return parts.join('');
}
