import { MAX_DIAGNOSTICS, type Diagnostic, type DiagnosticCode, type QuickFix, type Range } from '../diagnostics.js';
import { didYouMean } from '../edit/didYouMean.js';
import { insertChildEdit, removeAttributeEdit, setAttributeEdit } from '../edit/edits.js';
import { namespaceOf } from '../model/qemuNamespace.js';
import { acceptsValue, DATATYPES } from '../schema/datatypes.js';
import { DOMAIN_ROOT } from '../schema/domainSchema.js';
import { allowedParents, childKey, effectiveSpec } from '../schema/effective.js';
import { resolveChild, type AttributeSpec, type ChildSpec, type Constraint, type EffectiveSpec, type ElementSpec, type Presence, type SchemaRoot, type ValueSpec } from '../schema/types.js';
import { getAttribute, textContent, textRange, type XmlDocument, type XmlElement } from '../xml/tree.js';

/**
 * The structure check, as libvirt's RelaxNG schema does it: elements and attributes allowed at
 * each place, required ones, value types and enums, and the choices that depend on `type`.
 * Driven by the schema table of the document's kind (a domain unless told); iterative (no
 * recursion on the tree).
 */
export function validateStructure(document: XmlDocument, out: Diagnostic[], schema: SchemaRoot = DOMAIN_ROOT): void {
  const root = document.root;
  if (root === undefined || root.name !== schema.name) return;
  const stack: [XmlElement, ElementSpec][] = [[root, schema.spec]];
  while (stack.length > 0) {
    const [element, spec] = stack.pop() as [XmlElement, ElementSpec];
    if (spec.anyContent === true) continue;
    const effective = effectiveSpec(spec, element);
    checkAttributes(document, element, effective, out);
    checkText(document, element, effective, out);
    checkChildren(document, element, effective, out, stack, schema.spec);
    for (const constraint of effective.constraints) checkConstraint(element, constraint, out);
  }
}

function report(out: Diagnostic[], code: DiagnosticCode, message: string, range: Range, fixes?: QuickFix[]): void {
  const diagnostic: Diagnostic = { severity: 'error', scope: 'document', code, message, range };
  if (fixes !== undefined && fixes.length > 0) diagnostic.fixes = fixes;
  out.push(diagnostic);
}

function checkAttributes(document: XmlDocument, element: XmlElement, spec: EffectiveSpec, out: Diagnostic[]): void {
  let reported = 0;
  for (const attribute of element.attributes) {
    const name = attribute.name;
    if (name === 'xmlns' || name.startsWith('xmlns:') || name.startsWith('xml:')) continue;
    const attributeSpec = Object.prototype.hasOwnProperty.call(spec.attributes, name) ? spec.attributes[name] : undefined;
    const valid = attributeSpec !== undefined && acceptsValue(attributeSpec.value, attribute.value);
    if (!valid && ++reported > MAX_DIAGNOSTICS) {
      // MAX_DIAGNOSTICS earlier ones on this tag come first in document order, so capDiagnostics
      // never lists this one: it is counted, not described (a hostile tag has 300,000)
      out.push({ severity: 'error', scope: 'document', code: attributeSpec === undefined ? 'unknown-attribute' : 'invalid-value', message: 'not listed', range: attribute.nameRange });
      continue;
    }
    if (attributeSpec === undefined) {
      const allowed = Object.keys(spec.attributes);
      const suggestions = didYouMean(name, allowed);
      report(
        out,
        'unknown-attribute',
        `Attribute '${name}' is not allowed on <${element.name}>` +
          (suggestions.length > 0 ? `; did you mean '${suggestions[0]}'?` : allowed.length > 0 ? `; allowed: ${list(allowed)}.` : '; it takes no attributes.'),
        attribute.nameRange,
        [
          ...suggestions.map((s, i) => ({ title: `Change to '${s}'`, edits: [{ range: attribute.nameRange, newText: s }], isPreferred: i === 0 })),
          { title: `Remove '${name}'`, edits: [removeAttributeEdit(document, attribute)] },
        ],
      );
      continue;
    }
    if (!valid) {
      reportValue(attributeSpec.value, attribute.value, attribute.valueRange, `attribute '${name}' of <${element.name}>`, out);
    }
  }
  for (const name of spec.requiredAttributes) {
    const attributeSpec = spec.attributes[name] as AttributeSpec;
    if (getAttribute(element, name) === undefined) {
      report(out, 'missing-attribute', `<${element.name}> needs the attribute '${name}': ${attributeSpec.doc}${allowedHint(attributeSpec)}.`, element.nameRange, missingAttributeFixes(document, element, name, attributeSpec));
    }
  }
}

function allowedHint(spec: AttributeSpec): string {
  return spec.value.kind === 'enum' ? ` (${list(Object.keys(spec.value.values))})` : '';
}

function missingAttributeFixes(document: XmlDocument, element: XmlElement, name: string, spec: AttributeSpec): QuickFix[] {
  const values = spec.value.kind === 'data' ? [''] : Object.keys(spec.value.values).slice(0, 5);
  return values.map((value, i) => ({ title: `Add ${name}='${value}'`, edits: [setAttributeEdit(document, element, name, value)], isPreferred: i === 0 && values.length === 1 }));
}

function list(names: readonly string[], max = 12): string {
  return names.length > max ? `${names.slice(0, max).join(', ')}, …` : names.join(', ');
}

/** Reports a value `isValidValue` refused (ranges and messages are only built for errors). */
function reportValue(spec: ValueSpec, value: string, range: Range, what: string, out: Diagnostic[]): void {
  if (spec.kind !== 'enum') {
    report(out, 'invalid-value', `Invalid value '${value}' for ${what}: expected ${DATATYPES[spec.type].doc}.`, range);
    return;
  }
  const allowed = Object.keys(spec.values);
  const suggestions = didYouMean(value, allowed);
  report(
    out,
    'invalid-value',
    `'${value}' is not a valid ${what}` + (suggestions.length > 0 ? `; did you mean '${suggestions[0]}'?` : `; expected one of: ${list(allowed)}.`),
    range,
    (suggestions.length > 0 ? suggestions : allowed.slice(0, 5)).map((s, i) => ({
      title: `Change to '${s}'`,
      edits: [{ range, newText: s }],
      isPreferred: i === 0 && suggestions.length > 0,
    })),
  );
}

function checkText(document: XmlDocument, element: XmlElement, spec: EffectiveSpec, out: Diagnostic[]): void {
  if (spec.text !== undefined) {
    const text = textContent(element).trim();
    if (text === '' && spec.textOptional) return;
    if (!acceptsValue(spec.text, text)) reportValue(spec.text, text, text === '' ? element.nameRange : textRange(element), `content of <${element.name}>`, out);
    return;
  }
  const parsedUpTo = document.parsedUpTo ?? Number.POSITIVE_INFINITY;
  for (const child of element.children) {
    if (child.kind === 'cdata' || (child.kind === 'text' && child.value.trim() !== '')) {
      // markup that could not be read (an unfinished tag) is reported as not well-formed already
      if (child.start >= parsedUpTo || (child.kind === 'text' && child.value.includes('<'))) return;
      const trimmedStart = child.start + (child.kind === 'text' ? child.value.length - child.value.trimStart().length : 0);
      const start = document.lines.position(Math.min(trimmedStart, child.end));
      report(out, 'unexpected-text', `<${element.name}> holds elements, not text.`, { start, end: child.range.end });
      return;
    }
  }
}

function checkChildren(document: XmlDocument, element: XmlElement, spec: EffectiveSpec, out: Diagnostic[], stack: [XmlElement, ElementSpec][], rootSpec: ElementSpec): void {
  const counts = new Map<string, number>();
  for (const child of element.children) {
    if (child.kind !== 'element') continue;
    const key = childKey(child, namespaceOf);
    if (key === undefined) {
      const uri = namespaceOf(child);
      report(
        out,
        'unknown-element',
        uri === undefined
          ? `The namespace prefix '${child.prefix}' of <${child.name}> is not declared.`
          : `<${child.name}> (namespace ${uri}) is only allowed inside <metadata>.`,
        child.nameRange,
      );
      continue;
    }
    const childSpec = Object.prototype.hasOwnProperty.call(spec.children, key) ? spec.children[key] : undefined;
    if (childSpec === undefined) {
      reportUnknownElement(document, element, child, spec, out, rootSpec);
      continue;
    }
    const count = (counts.get(key) ?? 0) + 1;
    counts.set(key, count);
    const max = childSpec.max ?? 1;
    if (count > max) {
      report(out, 'too-many-elements', max === 1 ? `<${element.name}> can have only one <${child.name}>.` : `<${element.name}> can have at most ${max} <${child.name}> elements.`, child.nameRange);
    }
    stack.push([child, resolveChild(childSpec)]);
  }
  for (const key of spec.requiredChildren) {
    const childSpec = spec.children[key] as ChildSpec;
    const min = childSpec.min ?? 0;
    if ((counts.get(key) ?? 0) >= min) continue;
    const childElementSpec = resolveChild(childSpec);
    const skeleton = skeletonOf(key, childElementSpec);
    report(
      out,
      'missing-element',
      min === 1 ? `<${element.name}> needs ${/^[aeiou]/.test(key) ? 'an' : 'a'} <${key}> element: ${childElementSpec.doc}.` : `<${element.name}> needs at least ${min} <${key}> elements.`,
      element.nameRange,
      element.closed ? [{ title: `Add ${skeleton}`, edits: [insertChildEdit(document, element, skeleton)] }] : [],
    );
  }
}

/** `<target dev='' bus=''/>`: the element with its required attributes, for a quick fix. */
function skeletonOf(name: string, spec: ElementSpec): string {
  const effective = effectiveSpec(spec);
  const attributes = Object.entries(effective.attributes)
    .filter(([, a]) => a.required === true)
    .map(([attributeName, a]) => ` ${attributeName}='${a.value.kind === 'enum' ? (Object.keys(a.value.values)[0] ?? '') : ''}'`)
    .join('');
  return `<${name}${attributes}/>`;
}

function reportUnknownElement(document: XmlDocument, parent: XmlElement, child: XmlElement, spec: EffectiveSpec, out: Diagnostic[], rootSpec: ElementSpec): void {
  const allowed = Object.keys(spec.children).filter((k) => !k.includes(':'));
  const suggestions = didYouMean(child.name, allowed);
  const candidates = allowedParents(child.name, rootSpec).filter((p) => p !== parent.name);
  // a place one level down (<boot> in <domain> belongs in its <os>) is the likely one
  const nearby = candidates.filter((p) => Object.prototype.hasOwnProperty.call(spec.children, p));
  const elsewhere = nearby.length > 0 ? nearby : candidates;
  let message = `<${child.name}> is not allowed in <${parent.name}>`;
  // an element known elsewhere is misplaced rather than misspelt
  if (elsewhere.length > 0) message += `; it belongs in ${elsewhere.slice(0, 3).map((p) => `<${p}>`).join(' or ')}.`;
  else if (suggestions.length > 0) message += `; did you mean <${suggestions[0]}>?`;
  else message += allowed.length > 0 ? `; allowed: ${list(allowed.map((a) => `<${a}>`))}.` : '; it has no child elements.';
  const fixes: QuickFix[] = (elsewhere.length > 0 ? [] : suggestions).map((s, i) => ({
    title: `Change to <${s}>`,
    edits: [
      { range: child.nameRange, newText: s },
      ...(child.endTagRange === undefined ? [] : [{ range: document.lines.range(child.endTagRange.start.offset + 2, child.endTagRange.start.offset + 2 + child.name.length), newText: s }]),
    ],
    isPreferred: i === 0,
  }));
  report(out, 'unknown-element', message, child.nameRange, fixes);
}

/** Where a presence test points: the attribute, the child element, or undefined when absent. */
function locate(element: XmlElement, presence: Presence): Range | undefined {
  if (presence.startsWith('@')) {
    const eq = presence.indexOf('=');
    const name = presence.slice(1, eq === -1 ? undefined : eq);
    const attribute = getAttribute(element, name);
    if (attribute === undefined) return undefined;
    if (eq !== -1 && attribute.value !== presence.slice(eq + 1)) return undefined;
    return attribute.range;
  }
  for (const child of element.children) if (child.kind === 'element' && child.name === presence) return child.nameRange;
  return undefined;
}

function describe(presence: Presence): string {
  if (!presence.startsWith('@')) return `<${presence}>`;
  const eq = presence.indexOf('=');
  return eq === -1 ? `'${presence.slice(1)}'` : `${presence.slice(1, eq)}='${presence.slice(eq + 1)}'`;
}

function checkConstraint(element: XmlElement, constraint: Constraint, out: Diagnostic[]): void {
  switch (constraint.kind) {
    case 'exclusive': {
      const present = constraint.groups.map((group) => group.map((p) => [p, locate(element, p)] as const).filter(([, r]) => r !== undefined));
      const used = present.filter((group) => group.length > 0);
      if (used.length > 1) {
        const [first, second] = used as [(readonly [string, Range | undefined])[], (readonly [string, Range | undefined])[]];
        const [name, range] = second[0] as readonly [string, Range];
        report(out, 'conflicting-attributes', `${describe(name)} cannot be used together with ${first.map(([p]) => describe(p)).join(' and ')} in <${element.name}>.`, range);
      }
      return;
    }
    case 'requires': {
      const when = locate(element, constraint.when);
      if (when === undefined) return;
      const missing = constraint.then.filter((p) => locate(element, p) === undefined);
      if (missing.length === 0) return;
      const isAttribute = (missing[0] as string).startsWith('@');
      report(out, isAttribute ? 'missing-attribute' : 'missing-element', constraint.message, when);
      return;
    }
    case 'forbids': {
      if (locate(element, constraint.when) === undefined) return;
      for (const name of constraint.names) {
        const range = locate(element, name);
        if (range !== undefined) report(out, 'conflicting-attributes', constraint.message, range);
      }
      return;
    }
    case 'oneOf':
    case 'anyOf': {
      const present = constraint.names.map((p) => locate(element, p)).filter((r): r is Range => r !== undefined);
      if (present.length === 0) {
        const attributes = constraint.names.filter((p) => p.startsWith('@')).length;
        const code = attributes === constraint.names.length ? 'missing-attribute' : attributes === 0 ? 'missing-element' : 'invalid-combination';
        report(out, code, constraint.message, element.nameRange);
      } else if (constraint.kind === 'oneOf' && present.length > 1) {
        report(out, 'conflicting-attributes', constraint.message, present[1] as Range);
      }
      return;
    }
    default: {
      const unreachable: never = constraint;
      return unreachable;
    }
  }
}
