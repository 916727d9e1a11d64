import { capDiagnostics, isValidDocument, sortDiagnostics, type Diagnostic } from '../diagnostics.js';
import { validateStructure } from '../validate/structure.js';
import { parseXml } from '../xml/parseXml.js';
import type { XmlDocument } from '../xml/tree.js';
import { buildSnapshot, type DomainSnapshot } from './model.js';
import { SNAPSHOT_ROOT } from './schema.js';
import { validateSnapshotRules } from './snapshotRules.js';

export interface ParseSnapshotResult {
  document: XmlDocument;
  /** absent when there is no `<domainsnapshot>` root element */
  snapshot?: DomainSnapshot;
  /** well-formedness problems only; `validateSnapshot` adds the schema and semantic checks */
  diagnostics: Diagnostic[];
}

export interface ValidateSnapshotResult extends ParseSnapshotResult {
  /** true when no diagnostic is an error (all of them are about the document) */
  valid: boolean;
}

/** Parses a snapshot definition into the lossless tree and the typed model. Never throws. */
export function parseSnapshot(text: string): ParseSnapshotResult {
  const { document, diagnostics } = parseXml(text);
  const root = document.root;
  if (root === undefined) return { document, diagnostics };
  if (root.name !== SNAPSHOT_ROOT.name) {
    diagnostics.push({ severity: 'error', scope: 'document', code: 'wrong-root', message: `The top-level element must be <${SNAPSHOT_ROOT.name}>, not <${root.name}>.`, range: root.nameRange });
    return { document, diagnostics };
  }
  return { document, snapshot: buildSnapshot(root), diagnostics };
}

/**
 * Parses and validates a snapshot as snapshot-create-as --redefine does: well-formedness,
 * structure (the embedded `<domain>` by the domain table), then the parser's checks.
 */
export function validateSnapshot(text: string): ValidateSnapshotResult {
  const { document, snapshot, diagnostics } = parseSnapshot(text);
  if (snapshot !== undefined) {
    validateStructure(document, diagnostics, SNAPSHOT_ROOT);
    validateSnapshotRules(snapshot, diagnostics);
  }
  sortDiagnostics(diagnostics);
  capDiagnostics(diagnostics);
  const valid = isValidDocument(diagnostics);
  return snapshot === undefined ? { document, diagnostics, valid } : { document, snapshot, diagnostics, valid };
}
