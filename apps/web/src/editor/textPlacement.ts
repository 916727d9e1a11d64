/**
 * Where new text goes in a definition and how it is written: libvirt's element order (so a
 * missing element lands where libvirt would write it) and snippets indented as the text is.
 */
import { childElements, escapeAttribute, insertChildEdit, type InsertChildOptions, type TextEdit, type XmlDocument, type XmlElement } from '@virtdeck/schema';

export { escapeText } from '@virtdeck/schema';
/** For the single-quoted attributes the form writes. */
export const escapeAttr = (value: string): string => escapeAttribute(value, "'");

/** libvirt's order of the top-level elements, to put a missing one where libvirt would write it. */
export const DOMAIN_ORDER = ['name', 'uuid', 'genid', 'title', 'description', 'metadata', 'maxMemory', 'memory', 'currentMemory', 'blkiotune', 'memtune', 'memoryBacking', 'vcpu', 'vcpus', 'iothreads', 'iothreadids', 'cputune', 'numatune', 'resource', 'sysinfo', 'bootloader', 'os', 'idmap', 'features', 'cpu', 'clock', 'on_poweroff', 'on_reboot', 'on_crash', 'pm', 'devices'];

/** Where a new top-level element goes: after the last existing element that libvirt writes before it. */
export function placeIn(parent: XmlElement, name: string, order: readonly string[]): InsertChildOptions {
  const rank = order.indexOf(name);
  let after: XmlElement | undefined;
  for (const child of childElements(parent)) {
    const r = order.indexOf(child.name);
    if (r !== -1 && r < rank) after = child;
  }
  return after ? { after } : { first: true };
}

/** libvirt's order inside <os>, for where <boot> elements go. */
export const OS_ORDER = ['type', 'firmware', 'loader', 'nvram', 'kernel', 'initrd', 'cmdline', 'dtb', 'shim', 'boot', 'bootmenu', 'smbios', 'bios'];

/** A snippet as lines; a nested array is one level deeper. */
export type Snippet = readonly (string | Snippet)[];

const PLACEHOLDER = '\u0000';

/**
 * insertChildEdit puts every line of a snippet at the siblings' indentation; nested lines
 * need one more step each. We let it place a one-line placeholder (so position and
 * indentation stay its decision) and put the snippet, indented level by level, in its place.
 */
export function insertSnippet(document: XmlDocument, parent: XmlElement, snippet: Snippet, place: InsertChildOptions): TextEdit {
  const edit = insertChildEdit(document, parent, PLACEHOLDER, place);
  const at = edit.newText.indexOf(PLACEHOLDER);
  const before = edit.newText.slice(0, at);
  const after = edit.newText.slice(at + 1);
  const indent = before.includes('\n') ? before.slice(before.lastIndexOf('\n') + 1) : (/\n([ \t]*)/.exec(after)?.[1] ?? '');
  const unit = indentUnit(document);
  const lines: string[] = [];
  const walk = (items: Snippet, depth: number) => {
    for (const item of items) {
      if (typeof item === 'string') lines.push(`${lines.length === 0 ? '' : indent + unit.repeat(depth)}${item}`);
      else walk(item, depth + 1);
    }
  };
  walk(snippet, 0);
  return { range: edit.range, newText: before + lines.join('\n') + after };
}

/** The document's indentation step: how much deeper the root's first child sits than the root. */
function indentUnit(document: XmlDocument): string {
  const root = document.root;
  const first = root ? childElements(root)[0] : undefined;
  if (!root || !first) return '  ';
  const indentAt = (offset: number) => /^[ \t]*/.exec(document.text.slice(document.text.lastIndexOf('\n', offset - 1) + 1))?.[0] ?? '';
  const unit = indentAt(first.range.start.offset).slice(indentAt(root.range.start.offset).length);
  return unit === '' ? '  ' : unit;
}
