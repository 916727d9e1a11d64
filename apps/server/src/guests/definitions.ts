import { randomUUID } from 'node:crypto';
import { applyEdits, firstChild, validateDomain, type Diagnostic, type Domain, type XmlDocument } from '@virtdeck/schema';
import { VirtdeckError } from '../errors.js';
import { definitionDefaults, randomMac } from './definitionDefaults.js';
import { domainFacts } from './domainFacts.js';
import { parseDefinition, type Guest, type ParsedDefinition } from './guestRecord.js';
import { guestNameProblem } from './guestName.js';

/** A definition that validates and whose name can be a guest's; not yet checked against the others. */
export interface CheckedDefinition {
  xml: string;
  document: XmlDocument;
  domain: Domain;
  name: string;
}

/** Validates a definition for define: errors are 422 with diagnostics, a name that cannot be a guest's is pointed at. */
export function checkDefinition(xml: string): CheckedDefinition {
  const { document, domain, diagnostics, valid } = validateDomain(xml);
  if (!valid || !domain) throw new VirtdeckError('invalid-xml', 'The definition has errors', { diagnostics });
  const name = domain.name;
  const problem = guestNameProblem(name);
  if (problem) throw new VirtdeckError('invalid-xml', `Invalid guest name: ${problem}`, { diagnostics: [nameDiagnostic(domain, problem)] });
  return { xml, document, domain, name };
}

/** A read-modify-write (DefineOptions.unchanged) found another save in between: nothing is written. */
export function changedMeanwhile(name: string): VirtdeckError {
  return new VirtdeckError('conflict', `The definition of '${name}' changed meanwhile; nothing was saved. Reload it and try again`);
}

/**
 * The definition as it is saved: a UUID and MAC addresses filled in where missing, as
 * libvirt does, unique among `others`; a redefinition keeps the UUID of `existing`.
 * The caller holds the lock that keeps other definitions from changing meanwhile.
 */
export function withIdentity(
  { xml, document, domain }: CheckedDefinition,
  existing: Guest | undefined,
  others: Iterable<Guest>,
): { text: string; parsed: ParsedDefinition } {
  const all = [...others];
  const uuid = uuidFor(domain, existing, all);
  const taken = new Set(all.flatMap((g) => g.facts.macs));
  const edits = definitionDefaults(document, domain, uuid, () => {
    const mac = randomMac(taken);
    taken.add(mac);
    return mac;
  });
  if (edits.length === 0) return { text: xml, parsed: { domain, facts: domainFacts(domain) } };
  const text = applyEdits(xml, edits);
  return { text, parsed: parseDefinition(text) };
}

function uuidFor(domain: Domain, existing: Guest | undefined, guests: readonly Guest[]): string {
  const wanted = domain.uuid?.toLowerCase();
  const current = existing?.facts.uuid?.toLowerCase();
  if (wanted && current && wanted !== current) {
    throw new VirtdeckError('conflict', `'${domain.name}' is already defined with UUID ${current}; a redefinition must keep it (or leave <uuid> out)`);
  }
  const uuid = wanted ?? current ?? randomUUID();
  const clash = guests.find((g) => g !== existing && g.facts.uuid?.toLowerCase() === uuid);
  if (clash) throw new VirtdeckError('conflict', `The UUID ${uuid} already belongs to '${clash.name}'`);
  return uuid;
}

function nameDiagnostic(domain: Domain, problem: string): Diagnostic {
  const element = firstChild(domain.node, 'name') ?? domain.node;
  return { severity: 'error', scope: 'document', code: 'invalid-value', message: `This name cannot be used for a guest: ${problem}`, range: element.range };
}
