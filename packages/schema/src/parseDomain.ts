import type { Diagnostic } from './diagnostics.js';
import { buildDomain, type Domain } from './model/domain.js';
import { parseXml } from './xml/parseXml.js';
import type { XmlDocument } from './xml/tree.js';

export interface ParseDomainResult {
  document: XmlDocument;
  /** absent when there is no `<domain>` root element */
  domain?: Domain;
  /** well-formedness problems only; `validateDomain` adds the schema and semantic checks */
  diagnostics: Diagnostic[];
}

/** Parses a domain definition into the lossless tree and the typed model. Never throws. */
export function parseDomain(text: string): ParseDomainResult {
  const { document, diagnostics } = parseXml(text);
  const root = document.root;
  if (root === undefined) return { document, diagnostics };
  if (root.name !== 'domain') {
    diagnostics.push({
      severity: 'error',
      scope: 'document',
      code: 'wrong-root',
      message: `The top-level element must be <domain>, not <${root.name}>.`,
      range: root.nameRange,
    });
    return { document, diagnostics };
  }
  return { document, domain: buildDomain(root), diagnostics };
}
