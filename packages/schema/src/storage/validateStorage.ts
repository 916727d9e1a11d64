import { capDiagnostics, isValidDocument, sortDiagnostics, type Diagnostic } from '../diagnostics.js';
import { validateStructure } from '../validate/structure.js';
import type { XmlDocument } from '../xml/tree.js';
import type { StoragePool, StorageVolume } from './model.js';
import { parsePool, parseVolume } from './parseStorage.js';
import { POOL_ROOT, VOLUME_ROOT } from './schema.js';
import { validatePoolRules, validateVolumeRules } from './storageRules.js';

export interface ValidatePoolResult {
  document: XmlDocument;
  pool?: StoragePool;
  diagnostics: Diagnostic[];
  /** true when no diagnostic is an error (all of them are about the document) */
  valid: boolean;
}

export interface ValidateVolumeResult {
  document: XmlDocument;
  volume?: StorageVolume;
  diagnostics: Diagnostic[];
  valid: boolean;
}

function finish(diagnostics: Diagnostic[]): boolean {
  sortDiagnostics(diagnostics);
  capDiagnostics(diagnostics);
  return isValidDocument(diagnostics);
}

/** Parses and validates a pool definition as pool-define does: well-formedness, structure, then the parser's checks. */
export function validatePool(text: string): ValidatePoolResult {
  const { document, pool, diagnostics } = parsePool(text);
  if (pool !== undefined) {
    validateStructure(document, diagnostics, POOL_ROOT);
    validatePoolRules(pool, diagnostics);
  }
  const valid = finish(diagnostics);
  return pool === undefined ? { document, diagnostics, valid } : { document, pool, diagnostics, valid };
}

/** Parses and validates a volume definition as vol-create does. */
export function validateVolume(text: string): ValidateVolumeResult {
  const { document, volume, diagnostics } = parseVolume(text);
  if (volume !== undefined) {
    validateStructure(document, diagnostics, VOLUME_ROOT);
    validateVolumeRules(volume, diagnostics);
  }
  const valid = finish(diagnostics);
  return volume === undefined ? { document, diagnostics, valid } : { document, volume, diagnostics, valid };
}
