import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseXml } from '../xml/parseXml.js';
import { attributeValue, type XmlElement } from '../xml/tree.js';

/**
 * Just enough of a RelaxNG reader to list what a grammar lets appear where: `<include>`s are
 * read (their own `<define>`s overriding the included ones), `<define combine=…>`s gathered
 * under one name, and a pattern's `<ref>`s expanded up to the next `<element>`.
 */
export interface RngGrammar {
  start: XmlElement[];
  defines: ReadonlyMap<string, XmlElement[]>;
}

export interface RngElement {
  /** the element's name, or undefined for `<anyName/>` (any element) */
  name?: string;
  /** the `ns` it is declared in ('' for libvirt's own) */
  ns: string;
  /** the `<element>` pattern: its children are the element's content */
  pattern: XmlElement;
}

export interface RngContent {
  /** each attribute with the `<value>`s the grammar lists for it */
  attributes: Map<string, Set<string>>;
  /** the `<value>`s listed for the element's own text */
  textValues: Set<string>;
  elements: RngElement[];
  /** an `<attribute><anyName/>` or `<element><anyName/>` lets anything appear */
  anything: boolean;
}

function elementChildren(element: XmlElement): XmlElement[] {
  return element.children.filter((c): c is XmlElement => c.kind === 'element');
}

function readGrammar(path: string, defines: Map<string, XmlElement[]>, start: XmlElement[]): void {
  const { document, diagnostics } = parseXml(readFileSync(path, 'utf8'));
  const root = document.root;
  if (root === undefined || diagnostics.some((d) => d.severity === 'error')) throw new Error(`${path} is not a readable RelaxNG grammar`);
  const visit = (container: XmlElement) => {
    for (const child of elementChildren(container)) {
      if (child.name === 'include') {
        const included = new Map<string, XmlElement[]>();
        readGrammar(join(dirname(path), attributeValue(child, 'href') ?? ''), included, start);
        // a <define> inside the <include> replaces the included one of that name
        const overrides = new Map<string, XmlElement[]>();
        visitDefines(child, overrides);
        for (const [name, bodies] of included) if (!overrides.has(name)) addDefine(defines, name, bodies);
        for (const [name, bodies] of overrides) addDefine(defines, name, bodies);
      } else if (child.name === 'define') {
        addDefine(defines, attributeValue(child, 'name') ?? '', [child]);
      } else if (child.name === 'start') {
        start.push(child);
      } else if (child.name === 'div') {
        visit(child);
      }
    }
  };
  visit(root);
}

function visitDefines(container: XmlElement, into: Map<string, XmlElement[]>): void {
  for (const child of elementChildren(container)) if (child.name === 'define') addDefine(into, attributeValue(child, 'name') ?? '', [child]);
}

function addDefine(defines: Map<string, XmlElement[]>, name: string, bodies: XmlElement[]): void {
  defines.set(name, [...(defines.get(name) ?? []), ...bodies]);
}

export function loadGrammar(path: string): RngGrammar {
  const defines = new Map<string, XmlElement[]>();
  const start: XmlElement[] = [];
  readGrammar(path, defines, start);
  return { start, defines };
}

/** The name of an `<element>` or `<attribute>`: its `name=`, or its first `<name>` child; undefined for `<anyName>` and friends. */
function nameOf(pattern: XmlElement): string | undefined {
  const named = attributeValue(pattern, 'name');
  if (named !== undefined) return named.includes(':') ? named.slice(named.indexOf(':') + 1) : named;
  const nameClass = elementChildren(pattern)[0];
  if (nameClass?.name !== 'name') return undefined;
  return textOf(nameClass).trim();
}

/** The `ns` that applies to a pattern: its own, or the nearest ancestor's. */
function namespaceOf(pattern: XmlElement): string {
  for (let node: XmlElement | undefined = pattern; node !== undefined; node = node.parent) {
    const ns = attributeValue(node, 'ns');
    if (ns !== undefined) return ns;
  }
  return '';
}

/** The attributes and child elements a pattern's content allows, `<ref>`s followed up to the next `<element>`. */
export function contentOf(grammar: RngGrammar, patterns: readonly XmlElement[]): RngContent {
  const content: RngContent = { attributes: new Map(), textValues: new Set(), elements: [], anything: false };
  const expanded = new Set<string>();
  const stack = [...patterns];
  while (stack.length > 0) {
    const node = stack.pop() as XmlElement;
    switch (node.name) {
      case 'element': {
        const name = nameOf(node);
        if (name === undefined) content.anything = true;
        else content.elements.push({ name, ns: namespaceOf(node), pattern: node });
        break;
      }
      case 'attribute': {
        const name = nameOf(node);
        if (name === undefined) content.anything = true;
        // attributes of other namespaces (xml:lang) are not libvirt's vocabulary
        else if (attributeValue(node, 'ns') === undefined || attributeValue(node, 'ns') === '') {
          const values = content.attributes.get(name) ?? new Set();
          for (const value of valuesOf(grammar, node)) values.add(value);
          content.attributes.set(name, values);
        }
        break;
      }
      case 'ref': {
        const name = attributeValue(node, 'name') ?? '';
        if (expanded.has(name)) break;
        expanded.add(name);
        const bodies = grammar.defines.get(name);
        if (bodies === undefined) throw new Error(`RelaxNG <ref name='${name}'> has no <define>`);
        for (const body of bodies) stack.push(...elementChildren(body));
        break;
      }
      case 'value':
        content.textValues.add(textOf(node));
        break;
      // data and the like say what a value may be, not what may appear
      case 'data':
      case 'text':
      case 'empty':
      case 'notAllowed':
      case 'param':
      case 'except':
      case 'name':
      case 'anyName':
      case 'nsName':
        break;
      default:
        stack.push(...elementChildren(node));
    }
  }
  return content;
}

function textOf(node: XmlElement): string {
  return node.children.map((c) => (c.kind === 'text' ? c.value : '')).join('');
}

/** The `<value>`s an attribute's pattern lists, `<ref>`s followed. */
function valuesOf(grammar: RngGrammar, attribute: XmlElement): string[] {
  const values: string[] = [];
  const expanded = new Set<string>();
  const stack = elementChildren(attribute);
  while (stack.length > 0) {
    const node = stack.pop() as XmlElement;
    if (node.name === 'value') values.push(textOf(node));
    else if (node.name === 'ref') {
      const name = attributeValue(node, 'name') ?? '';
      if (expanded.has(name)) continue;
      expanded.add(name);
      for (const body of grammar.defines.get(name) ?? []) stack.push(...elementChildren(body));
    } else if (node.name !== 'except') stack.push(...elementChildren(node));
  }
  return values;
}
