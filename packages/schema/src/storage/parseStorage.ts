import type { Diagnostic } from '../diagnostics.js';
import { parseXml } from '../xml/parseXml.js';
import type { XmlDocument, XmlElement } from '../xml/tree.js';
import { buildPool, buildVolume, type StoragePool, type StorageVolume } from './model.js';

export interface ParsePoolResult {
  document: XmlDocument;
  /** absent when there is no `<pool>` root element */
  pool?: StoragePool;
  /** well-formedness problems only; `validatePool` adds the schema and semantic checks */
  diagnostics: Diagnostic[];
}

export interface ParseVolumeResult {
  document: XmlDocument;
  /** absent when there is no `<volume>` root element */
  volume?: StorageVolume;
  diagnostics: Diagnostic[];
}

function parseRooted<T>(text: string, rootName: string, build: (root: XmlElement) => T): { document: XmlDocument; model?: T; diagnostics: Diagnostic[] } {
  const { document, diagnostics } = parseXml(text);
  const root = document.root;
  if (root === undefined) return { document, diagnostics };
  if (root.name !== rootName) {
    diagnostics.push({ severity: 'error', scope: 'document', code: 'wrong-root', message: `The top-level element must be <${rootName}>, not <${root.name}>.`, range: root.nameRange });
    return { document, diagnostics };
  }
  return { document, model: build(root), diagnostics };
}

/** Parses a storage pool definition into the lossless tree and the typed model. Never throws. */
export function parsePool(text: string): ParsePoolResult {
  const { document, model, diagnostics } = parseRooted(text, 'pool', buildPool);
  return model === undefined ? { document, diagnostics } : { document, pool: model, diagnostics };
}

/** Parses a storage volume definition into the lossless tree and the typed model. Never throws. */
export function parseVolume(text: string): ParseVolumeResult {
  const { document, model, diagnostics } = parseRooted(text, 'volume', buildVolume);
  return model === undefined ? { document, diagnostics } : { document, volume: model, diagnostics };
}
