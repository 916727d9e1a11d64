import { applyEdits, childElements, insertChildEdit, parseDomain, removeElementEdit, textContent, type Domain, type TextEdit, type XmlDocument, type XmlElement } from '@virtdeck/schema';
import type { DomainSummary } from '../api.js';
import type { Driver } from '../drivers/Driver.js';
import { VirtdeckError } from '../errors.js';

/**
 * A guest's tags live in its own definition, in `<metadata>` under virtdeck's namespace, so
 * they travel with the XML: `virsh define`/`dumpxml` and virt-manager keep metadata of
 * namespaces they do not know.
 *   <metadata>
 *     <virtdeck:tags xmlns:virtdeck="https://virtdeck.dev/xmlns/tags/1">
 *       <virtdeck:tag>web</virtdeck:tag>
 *     </virtdeck:tags>
 *   </metadata>
 */
export const TAGS_NAMESPACE = 'https://virtdeck.dev/xmlns/tags/1';
export const MAX_TAGS = 32;
export const MAX_TAG_LENGTH = 32;
/** Plain words: they go into URLs, filters and test ids, and never need escaping. */
const TAG_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const PREFIX = 'virtdeck';
/** libvirt writes <metadata> after these (domain_conf.c's order). */
const BEFORE_METADATA = new Set(['name', 'uuid', 'genid', 'title', 'description']);

/** Why a tag cannot be used, or undefined when it can. */
export function tagProblem(tag: string): string | undefined {
  if (tag.length === 0) return 'a tag is empty';
  if (tag.length > MAX_TAG_LENGTH) return `the tag '${tag.slice(0, MAX_TAG_LENGTH)}…' is longer than ${MAX_TAG_LENGTH} characters`;
  if (!TAG_PATTERN.test(tag)) return `the tag '${tag}' may hold only letters, digits, '.', '_' and '-', starting with a letter or digit`;
  return undefined;
}

/** The namespace URI an element's prefix stands for, looked up through its ancestors. */
function namespaceOf(element: XmlElement): string | undefined {
  const declaration = element.prefix === undefined ? 'xmlns' : `xmlns:${element.prefix}`;
  for (let at: XmlElement | undefined = element; at; at = at.parent) {
    const found = at.attributes.find((a) => a.name === declaration);
    if (found) return found.value;
  }
  return undefined;
}

function tagsElement(metadata: XmlElement | undefined): XmlElement | undefined {
  if (!metadata) return undefined;
  return childElements(metadata).find((e) => e.localName === 'tags' && namespaceOf(e) === TAGS_NAMESPACE);
}

/** The tags of a definition, in their order, each once. */
export function readTags(domain: Pick<Domain, 'metadata'>): string[] {
  const element = tagsElement(domain.metadata);
  if (!element) return [];
  const tags = childElements(element)
    .filter((e) => e.localName === 'tag' && namespaceOf(e) === TAGS_NAMESPACE)
    .map((e) => textContent(e).trim())
    .filter((tag) => tag !== '');
  return [...new Set(tags)];
}

function tagsXml(tags: readonly string[]): string {
  return [`<${PREFIX}:tags xmlns:${PREFIX}="${TAGS_NAMESPACE}">`, ...tags.map((tag) => `  <${PREFIX}:tag>${tag}</${PREFIX}:tag>`), `</${PREFIX}:tags>`].join('\n');
}

function lineIndent(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart, offset))?.[0] ?? '';
}

/** Nothing but whitespace besides `child`: the metadata element exists only for the tags. */
function onlyChild(parent: XmlElement, child: XmlElement): boolean {
  return parent.children.every((node) => node === child || (node.kind === 'text' && node.value.trim() === ''));
}

function tagEdits(document: XmlDocument, root: XmlElement, metadata: XmlElement | undefined, tags: readonly string[]): TextEdit[] {
  const existing = tagsElement(metadata);
  if (existing && metadata) {
    if (tags.length === 0) return [removeElementEdit(document, onlyChild(metadata, existing) ? metadata : existing)];
    const indent = lineIndent(document.text, existing.start);
    const newText = tagsXml(tags).split('\n').join(`\n${indent}`);
    return [{ range: document.lines.range(existing.start, existing.end), newText }];
  }
  if (tags.length === 0) return [];
  if (metadata) return [insertChildEdit(document, metadata, tagsXml(tags))];
  const after = childElements(root).filter((e) => BEFORE_METADATA.has(e.name)).at(-1);
  const snippet = `<metadata>\n${tagsXml(tags).split('\n').map((line) => `  ${line}`).join('\n')}\n</metadata>`;
  return [insertChildEdit(document, root, snippet, after ? { after } : {})];
}

/**
 * The definition with exactly these tags, changed in as few characters as it takes: the
 * rest of the text (comments, other metadata, formatting) stays as it was.
 */
export function withTags(xml: string, tags: readonly string[]): string {
  const problems = tags.map(tagProblem).filter((p): p is string => p !== undefined);
  if (problems.length > 0) throw new VirtdeckError('invalid-request', `Invalid tags: ${problems.join('; ')}`);
  if (tags.length > MAX_TAGS) throw new VirtdeckError('invalid-request', `Invalid tags: ${tags.length} tags, at most ${MAX_TAGS}`);
  const { document, domain } = parseDomain(xml);
  const root = document.root;
  if (!domain || !root) throw new VirtdeckError('invalid-xml', 'The saved definition has no <domain> element to keep tags in');
  return applyEdits(xml, tagEdits(document, root, domain.metadata, [...new Set(tags)]));
}

/**
 * Saves a guest's tags through the driver's normal define path, as a read-modify-write:
 * a save by someone else between the read and the write is a 409, never overwritten.
 */
export async function setTags(driver: Pick<Driver, 'definition' | 'define' | 'get'>, name: string, tags: readonly string[]): Promise<DomainSummary> {
  const xml = await driver.definition(name);
  const tagged = withTags(xml, tags);
  if (tagged === xml) return driver.get(name);
  return driver.define(tagged, { create: false, name, unchanged: xml });
}
