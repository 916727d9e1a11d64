import { QEMU_NAMESPACE } from '../model/qemuNamespace.js';
import type { XmlElement } from '../xml/tree.js';
import { DOMAIN_SCHEMA } from './domainSchema.js';
import { resolveChild, type AttributeSpec, type ChildSpec, type Constraint, type EffectiveSpec, type ElementSpec, type SpecParts, type VariantSpec } from './types.js';

const cache = new WeakMap<ElementSpec, Map<string, EffectiveSpec>>();
const unions = new WeakMap<VariantSpec, SpecParts>();

/** The parts of every case, with nothing required: used when the discriminator is missing or unknown. */
function unionOfCases(variants: VariantSpec): SpecParts {
  let union = unions.get(variants);
  if (union !== undefined) return union;
  const attributes: Record<string, AttributeSpec> = {};
  const children: Record<string, ChildSpec> = {};
  for (const parts of Object.values(variants.cases)) {
    for (const [name, spec] of Object.entries(parts.attributes ?? {})) attributes[name] ??= { ...spec, required: false };
    for (const [name, spec] of Object.entries(parts.children ?? {})) children[name] ??= { ...spec, min: 0, max: Number.POSITIVE_INFINITY };
  }
  union = { attributes, children, textOptional: true };
  unions.set(variants, union);
  return union;
}

/** Anything with attributes: a parsed element, or the attributes of a tag being typed. */
export interface AttributeSource {
  readonly attributes: readonly { readonly name: string; readonly value: string }[];
}

function caseOf(variants: VariantSpec | undefined, element: AttributeSource | undefined): { key: string; parts?: SpecParts } {
  if (variants === undefined) return { key: '' };
  const value = element?.attributes.find((a) => a.name === variants.attribute)?.value ?? variants.default;
  if (value !== undefined && Object.prototype.hasOwnProperty.call(variants.cases, value)) return { key: value, parts: variants.cases[value] as SpecParts };
  return { key: '\u0000', parts: unionOfCases(variants) };
}

function merge(target: EffectiveSpec, parts: SpecParts | undefined): EffectiveSpec {
  if (parts === undefined) return target;
  const merged: EffectiveSpec = {
    base: target.base,
    attributes: parts.attributes === undefined ? target.attributes : { ...target.attributes, ...parts.attributes },
    children: parts.children === undefined ? target.children : { ...target.children, ...parts.children },
    textOptional: parts.textOptional ?? target.textOptional,
    constraints: parts.constraints === undefined ? target.constraints : [...target.constraints, ...parts.constraints],
    requiredAttributes: [],
    requiredChildren: [],
  };
  const text = parts.text ?? target.text;
  if (text !== undefined) merged.text = text;
  return withRequired(merged);
}

function withRequired(spec: EffectiveSpec): EffectiveSpec {
  spec.requiredAttributes = Object.keys(spec.attributes).filter((name) => spec.attributes[name]?.required === true);
  spec.requiredChildren = Object.keys(spec.children).filter((name) => (spec.children[name]?.min ?? 0) > 0);
  return spec;
}

/** The spec that applies to this element once its `type`-like attributes pick a variant. */
const plain = new WeakMap<ElementSpec, EffectiveSpec>();

export function effectiveSpec(spec: ElementSpec, element?: AttributeSource): EffectiveSpec {
  if (spec.variants === undefined && spec.subVariants === undefined) {
    let effective = plain.get(spec);
    if (effective === undefined) plain.set(spec, (effective = buildEffective(spec, undefined)));
    return effective;
  }
  return buildEffective(spec, element);
}

function buildEffective(spec: ElementSpec, element: AttributeSource | undefined): EffectiveSpec {
  const first = caseOf(spec.variants, element);
  const second = caseOf(spec.subVariants, element);
  const key = `${first.key}|${second.key}`;
  let bySpec = cache.get(spec);
  if (bySpec === undefined) {
    bySpec = new Map();
    cache.set(spec, bySpec);
  }
  const cached = bySpec.get(key);
  if (cached !== undefined) return cached;
  const base: EffectiveSpec = {
    base: spec,
    attributes: spec.attributes ?? {},
    children: spec.children ?? {},
    textOptional: spec.textOptional ?? false,
    constraints: (spec.constraints ?? []) as Constraint[],
    requiredAttributes: [],
    requiredChildren: [],
  };
  if (spec.text !== undefined) base.text = spec.text;
  const effective = merge(merge(withRequired(base), first.parts), second.parts);
  bySpec.set(key, effective);
  return effective;
}

/**
 * The key an element is looked up by in its parent's children: its name, or `qemu:NAME` for
 * elements of libvirt's QEMU namespace whatever the prefix (or none, under `xmlns='…'`). Undefined for elements of other
 * namespaces (allowed only inside <metadata>).
 */
export function childKey(element: XmlElement, namespaceOf: (e: XmlElement) => string | undefined): string | undefined {
  const uri = namespaceOf(element);
  // a default namespace (`<commandline xmlns='…qemu/1.0'>`) counts as much as a prefix
  if (element.prefix === undefined && (uri === undefined || uri === '')) return element.name;
  return uri === QEMU_NAMESPACE ? `qemu:${element.localName}` : undefined;
}

const placesIndexes = new WeakMap<ElementSpec, Map<string, Set<string>>>();

/** For each element name, the parent elements it is allowed in (to say where a misplaced one belongs). */
export function allowedParents(name: string, root: ElementSpec = DOMAIN_SCHEMA): string[] {
  let placesIndex = placesIndexes.get(root);
  if (placesIndex === undefined) {
    const index = new Map<string, Set<string>>();
    const seen = new Set<ElementSpec>();
    const stack: [string, ElementSpec][] = [['', root]];
    const visit = (parentName: string, children: Readonly<Record<string, ChildSpec>> | undefined) => {
      for (const [childName, child] of Object.entries(children ?? {})) {
        let parents = index.get(childName);
        if (parents === undefined) index.set(childName, (parents = new Set()));
        if (parentName !== '') parents.add(parentName);
        const spec = resolveChild(child);
        if (!seen.has(spec)) {
          seen.add(spec);
          stack.push([childName, spec]);
        }
      }
    };
    while (stack.length > 0) {
      const [elementName, spec] = stack.pop() as [string, ElementSpec];
      visit(elementName, spec.children);
      for (const variants of [spec.variants, spec.subVariants]) {
        for (const parts of Object.values(variants?.cases ?? {})) visit(elementName, parts.children);
      }
    }
    placesIndexes.set(root, (placesIndex = index));
  }
  return [...(placesIndex.get(name) ?? [])];
}
