import type { Diagnostic } from '../diagnostics.js';
import { parseXml } from '../xml/parseXml.js';
import type { XmlDocument } from '../xml/tree.js';
import { buildNetwork, type Network } from './model.js';

export interface ParseNetworkResult {
  document: XmlDocument;
  /** absent when there is no `<network>` root element */
  network?: Network;
  /** well-formedness problems only; `validateNetwork` adds the schema and semantic checks */
  diagnostics: Diagnostic[];
}

/** Parses a network definition into the lossless tree and the typed model. Never throws. */
export function parseNetwork(text: string): ParseNetworkResult {
  const { document, diagnostics } = parseXml(text);
  const root = document.root;
  if (root === undefined) return { document, diagnostics };
  if (root.name !== 'network') {
    diagnostics.push({ severity: 'error', scope: 'document', code: 'wrong-root', message: `The top-level element must be <network>, not <${root.name}>.`, range: root.nameRange });
    return { document, diagnostics };
  }
  return { document, network: buildNetwork(root), diagnostics };
}
