import { capDiagnostics, isValidDocument, sortDiagnostics, type Diagnostic } from '../diagnostics.js';
import type { Domain } from '../model/domain.js';
import { parseDomain } from '../parseDomain.js';
import type { XmlDocument } from '../xml/tree.js';
import { validateAccelerator } from './accelerator.js';
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
 * Parses and validates a domain definition: well-formedness, structure (the schema table),
 * the accelerator spelling, then the semantic rules libvirt's parser applies, and a note on what
 * only a running guest's dump holds.
 * Host checks (what this machine can run) are not here: they live in @virtdeck/qemu.
 * At most MAX_DIAGNOSTICS are listed, the first in document order, and one that counts the rest.
 */
export function validateDomain(text: string): ValidateDomainResult {
  const { document, domain, diagnostics } = parseDomain(text);
  if (domain !== undefined) {
    validateStructure(document, diagnostics);
    validateAccelerator(document, domain, diagnostics);
    validateSemantics(document, domain, diagnostics);
    validateRunningGuest(document, domain.node, diagnostics);
  }
  sortDiagnostics(diagnostics);
  capDiagnostics(diagnostics);
  const result: ValidateDomainResult = { document, diagnostics, valid: isValidDocument(diagnostics) };
  if (domain !== undefined) result.domain = domain;
  return result;
}
