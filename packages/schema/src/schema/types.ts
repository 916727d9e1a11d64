import type { EnumTable } from '../model/values.js';
import type { Datatype } from './datatypes.js';

/**
 * The declarative schema: one table of element specifications (domainSchema.ts) drives the
 * structure check, the editor's completions and hover, and the enums the forms use. It follows
 * libvirt's RelaxNG grammar (domaincommon.rng) in spirit: which elements and attributes go
 * where, their types, what is required, and the choices that depend on a `type` attribute.
 */

export type ValueSpec =
  /** `accepted`: further values that are valid but never offered (historical spellings) */
  | { kind: 'enum'; values: EnumTable; accepted?: EnumTable }
  | { kind: 'data'; type: Datatype }
  /** a free value with suggestions (NIC models, machine types): anything matching `type` is fine */
  | { kind: 'suggest'; values: EnumTable; type: Datatype };

export interface AttributeSpec {
  doc: string;
  value: ValueSpec;
  required?: boolean;
}

export interface ChildSpec {
  /** a function for recursive structures (backingStore in backingStore) */
  spec: ElementSpec | (() => ElementSpec);
  /** at least this many (0 when absent) */
  min?: number;
  /** at most this many (1 when absent) */
  max?: number;
}

/** Presence tests used by constraints: `child` (an element), `@attr`, or `@attr=value`. */
export type Presence = string;

export type Constraint =
  /** at most one of the groups may be present (`total_bytes_sec` vs read/write_bytes_sec) */
  | { kind: 'exclusive'; groups: Presence[][] }
  /** when `when` holds, every one of `then` must be present */
  | { kind: 'requires'; when: Presence; then: Presence[]; message: string }
  /** when `when` holds, none of `names` may be present */
  | { kind: 'forbids'; when: Presence; names: Presence[]; message: string }
  /** exactly one of these must be present */
  | { kind: 'oneOf'; names: Presence[]; message: string }
  /** at least one of these must be present */
  | { kind: 'anyOf'; names: Presence[]; message: string };

/** The parts of a spec a variant can add to or replace. */
export interface SpecParts {
  attributes?: Readonly<Record<string, AttributeSpec>>;
  children?: Readonly<Record<string, ChildSpec>>;
  text?: ValueSpec;
  textOptional?: boolean;
  constraints?: readonly Constraint[];
}

export interface VariantSpec {
  /** the discriminating attribute (usually `type`) */
  attribute: string;
  /** the case used when the attribute is absent */
  default?: string;
  cases: Readonly<Record<string, SpecParts>>;
}

/** A document kind's top element and its table (a domain, a network). */
export interface SchemaRoot {
  name: string;
  spec: ElementSpec;
}

export interface ElementSpec extends SpecParts {
  /** one line, shown in completions and hover */
  doc: string;
  /** anything may appear inside (`<metadata>`): not checked */
  anyContent?: boolean;
  variants?: VariantSpec;
  /** a second discriminator applied after the first (disk source by protocol) */
  subVariants?: VariantSpec;
}

/** The spec after applying the variant that matches the element. */
export interface EffectiveSpec {
  base: ElementSpec;
  attributes: Readonly<Record<string, AttributeSpec>>;
  children: Readonly<Record<string, ChildSpec>>;
  text?: ValueSpec;
  textOptional: boolean;
  constraints: readonly Constraint[];
  /** names of the required attributes, and of the children with a minimum count */
  requiredAttributes: readonly string[];
  requiredChildren: readonly string[];
}

export const oneOf = (values: EnumTable): ValueSpec => ({ kind: 'enum', values });
export const data = (type: Datatype): ValueSpec => ({ kind: 'data', type });
export const suggest = (values: EnumTable, type: Datatype): ValueSpec => ({ kind: 'suggest', values, type });

export function attr(doc: string, value: ValueSpec): AttributeSpec {
  return { doc, value };
}
export function required(doc: string, value: ValueSpec): AttributeSpec {
  return { doc, value, required: true };
}

export const one = (spec: ElementSpec | (() => ElementSpec)): ChildSpec => ({ spec });
export const must = (spec: ElementSpec | (() => ElementSpec)): ChildSpec => ({ spec, min: 1 });
export const many = (spec: ElementSpec | (() => ElementSpec), min = 0): ChildSpec => ({ spec, min, max: Number.POSITIVE_INFINITY });

export function element(doc: string, parts: Omit<ElementSpec, 'doc'> = {}): ElementSpec {
  return { doc, ...parts };
}

export function resolveChild(child: ChildSpec): ElementSpec {
  return typeof child.spec === 'function' ? child.spec() : child.spec;
}
