import { describe, expect, it } from 'vitest';
import { QEMU_NAMESPACE } from '../model/qemuNamespace.js';
import { CONFORMANCE_DIR, HAVE_CONFORMANCE, SKIP_REASON } from '../testing/corpus.js';
import { contentOf, loadGrammar, type RngGrammar } from '../testing/relaxng.js';
import type { XmlElement } from '../xml/tree.js';
import { DOMAIN_SCHEMA, ROOT_ELEMENT } from './domainSchema.js';
import { acceptsValue } from './datatypes.js';
import { resolveChild, type ElementSpec, type ValueSpec } from './types.js';

/**
 * Namespaces of libvirt's other drivers: the QEMU driver never reads them, so the table has
 * no place for them (they are allowed inside <metadata> only).
 */
const OTHER_DRIVERS = new Set(['http://libvirt.org/schemas/domain/lxc/1.0', 'http://libvirt.org/schemas/domain/bhyve/1.0', 'http://libvirt.org/schemas/domain/xen/1.0', 'http://libvirt.org/schemas/domain/vmware/1.0']);

/**
 * What the grammar lists but libvirt's parser refuses for a QEMU guest, so the table rightly
 * does not know it: each place with the reason.
 */
const PARSER_REFUSES: readonly { places: RegExp; why: string }[] = [
  { places: /^domain @type='(bhyve|hyperv|lxc|openvz|phyp|test|uml|vbox|vmware|vz)'$/, why: "another driver's domain type: the QEMU driver has no emulator for it" },
  { places: /^domain\/devices\/console\/target @type='[a-z-]+-(serial|debug)'$/, why: 'a console target type is read from virDomainChrConsoleTarget (serial, virtio, …), not the serial port types' },
  { places: /^domain\/devices\/serial\/target @type='(lxc|openvz|sclp|sclplm|serial|uml|virtio|xen)'$/, why: 'a serial target type is read from virDomainChrSerialTarget (isa-serial, …), not the console types' },
  { places: /^domain\/.*\/source\/encryption\/(cipher|ivgen)$/, why: "the storage volume's cipher and ivgen: 'supplying <cipher> for domain disk definition is unnecessary'" },
  {
    places: /^domain\/devices\/hostdev\/source\/adapter( @(managed|parent|parent_fabric_wwn|parent_wwnn|parent_wwpn|wwnn|wwpn|type='fc_host')|\/parentaddr)$/,
    why: "a SCSI hostdev's adapter is read by name= only (virDomainHostdevSubsysSCSIHostDefParseXML): the storage pool's fc_host and parentaddr forms are refused",
  },
];

/** Everything the table entries of one place allow, whichever variant their `type` picks. */
function everyPart(specs: readonly ElementSpec[]): { attributes: Map<string, ValueSpec[]>; text: ValueSpec[]; children: Map<string, ElementSpec[]> } {
  const attributes = new Map<string, ValueSpec[]>();
  const text: ValueSpec[] = [];
  const children = new Map<string, ElementSpec[]>();
  for (const spec of specs) {
    const cases = [spec.variants, spec.subVariants].flatMap((variants) => Object.values(variants?.cases ?? {}));
    for (const parts of [spec, ...cases]) {
      for (const [name, attribute] of Object.entries(parts.attributes ?? {})) attributes.set(name, [...(attributes.get(name) ?? []), attribute.value]);
      if (parts.text !== undefined) text.push(parts.text);
      for (const [name, child] of Object.entries(parts.children ?? {})) {
        const known = children.get(name) ?? [];
        const childSpec = resolveChild(child);
        if (!known.includes(childSpec)) children.set(name, [...known, childSpec]);
      }
    }
  }
  return { attributes, text, children };
}

interface Coverage {
  known: Set<string>;
  missing: Set<string>;
  /** the PARSER_REFUSES rules some place matched (a rule none matches is stale) */
  refused: Set<string>;
}

/**
 * Walks the grammar from <domain> beside the table: each element, attribute and listed value
 * the grammar allows at a place is looked up in the table entries for that place (all the
 * variants of an element, as a document may pick any of them).
 */
function coverage(grammar: RngGrammar): Coverage {
  const result: Coverage = { known: new Set(), missing: new Set(), refused: new Set() };
  const root = contentOf(grammar, grammar.start).elements.find((e) => e.name === ROOT_ELEMENT);
  if (root === undefined) throw new Error(`the grammar does not start with <${ROOT_ELEMENT}>`);
  const seen = new Set<string>();
  const ids = new Map<object, number>();
  const idOf = (o: object) => {
    let id = ids.get(o);
    if (id === undefined) ids.set(o, (id = ids.size + 1));
    return id;
  };
  const place = (known: boolean, name: string) => {
    const refused = known ? undefined : PARSER_REFUSES.find((r) => r.places.test(name));
    if (refused !== undefined) {
      result.refused.add(refused.why);
      return;
    }
    (known ? result.known : result.missing).add(name);
  };
  const stack: [XmlElement, ElementSpec[], string][] = [[root.pattern, [DOMAIN_SCHEMA], ROOT_ELEMENT]];
  while (stack.length > 0) {
    const [pattern, specs, path] = stack.pop() as [XmlElement, ElementSpec[], string];
    // the same grammar element meets the same table entries from many places (<address>, <source>)
    const key = [pattern, ...specs].map(idOf).join(':');
    if (seen.has(key) || specs.some((s) => s.anyContent === true)) continue;
    seen.add(key);
    const content = contentOf(grammar, pattern.children.filter((c): c is XmlElement => c.kind === 'element'));
    const table = everyPart(specs);
    for (const [name, values] of content.attributes) {
      const accepted = table.attributes.get(name);
      place(accepted !== undefined, `${path} @${name}`);
      if (accepted === undefined) continue;
      for (const value of values) place(accepted.some((s) => acceptsValue(s, value)), `${path} @${name}='${value}'`);
    }
    for (const value of content.textValues) place(table.text.some((s) => acceptsValue(s, value)), `${path} text '${value}'`);
    for (const element of content.elements) {
      if (OTHER_DRIVERS.has(element.ns)) continue;
      const name = element.ns === QEMU_NAMESPACE ? `qemu:${element.name}` : (element.name as string);
      const children = table.children.get(name);
      place(children !== undefined, `${path}/${name}`);
      if (children !== undefined) stack.push([element.pattern, children, `${path}/${name}`]);
    }
  }
  return result;
}

if (!HAVE_CONFORMANCE) console.warn(`${SKIP_REASON} (the schema table's coverage of domaincommon.rng is not measured)`);

describe.skipIf(!HAVE_CONFORMANCE)('the schema table covers libvirt 11.3 domaincommon.rng', () => {
  it('knows every element and every attribute of its element that the grammar allows', () => {
    const { known, missing, refused } = coverage(loadGrammar(`${CONFORMANCE_DIR}schemas/domain.rng`));
    const total = known.size + missing.size;
    console.log(`RNG coverage: ${known.size}/${total} element and attribute places (${((100 * known.size) / total).toFixed(1)}%)`);
    if (missing.size > 0) console.log([...missing].sort().join('\n'));
    expect([...missing].sort()).toEqual([]);
    expect(PARSER_REFUSES.map((r) => r.why).filter((why) => !refused.has(why))).toEqual([]);
  });
});
