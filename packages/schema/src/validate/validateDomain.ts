import { capDiagnostics, isValidDocument, sortDiagnostics, type Diagnostic } from '../diagnostics.js';
import type { Domain } from '../model/domain.js';
import { parseDomain } from '../parseDomain.js';
import type { XmlDocument, XmlElement } from '../xml/tree.js';
import { validateAccelerator } from './accelerator.js';
import { validateHostPassthrough } from './hostPassthrough.js';
import { validateRunningGuest } from './runningGuest.js';
import { validateSemantics } from './semantic/index.js';
import { validateStructure } from './structure.js';

export interface ValidateDomainResult {
  document: XmlDocument;
  domain?: Domain;
  diagnostics: Diagnostic[];
  /** true when no document diagnostic is an error (a host one, such as kqemu's, does not count) */
  valid: boolean;
}

/**
 * What the checks found that the broken XML cannot have caused: before the fault, and not the
 * absence of a child in an element the fault is in (which may have been swallowed by it).
 */
function beforeTheBreak(document: XmlDocument, brokenAt: number, checks: Diagnostic[]): Diagnostic[] {
  const around = new Set<number>();
  for (let element = document.root; element !== undefined; ) {
    around.add(element.nameRange.start.offset);
    element = element.children.find((c): c is XmlElement => c.kind === 'element' && c.start <= brokenAt && brokenAt < c.end);
  }
  return checks.filter((d) => d.range.end.offset <= brokenAt && !around.has(d.range.start.offset));
}

/**
 * Parses and validates a domain definition: well-formedness, structure (the schema table),
 * the accelerator spelling, then the semantic rules libvirt's parser applies, a warning at each use
 * of what reaches the host unchecked, and a note on what only a running guest's dump holds.
 * Host checks (what this machine can run) are not here: they live in @virtdeck/qemu.
 * At most MAX_DIAGNOSTICS are listed, the first in document order, and one that counts the rest.
 */
export function validateDomain(text: string): ValidateDomainResult {
  const { document, domain, diagnostics } = parseDomain(text);
  if (domain !== undefined) {
    const checks: Diagnostic[] = [];
    validateStructure(document, checks);
    validateAccelerator(document, domain, checks);
    validateSemantics(document, domain, checks);
    validateHostPassthrough(domain, checks);
    validateRunningGuest(document, domain.node, checks);
    // one at a time: a hostile text has hundreds of thousands, more than a call's arguments can be
    for (const d of document.brokenAt === undefined ? checks : beforeTheBreak(document, document.brokenAt, checks)) diagnostics.push(d);
  }
  sortDiagnostics(diagnostics);
  capDiagnostics(diagnostics);
  const result: ValidateDomainResult = { document, diagnostics, valid: isValidDocument(diagnostics) };
  if (domain !== undefined) result.domain = domain;
  return result;
}
