import { capDiagnostics, isValidDocument, sortDiagnostics, type Diagnostic } from '../diagnostics.js';
import { validateStructure } from '../validate/structure.js';
import type { XmlDocument } from '../xml/tree.js';
import type { Network } from './model.js';
import { validateNetworkRules } from './networkRules.js';
import { parseNetwork } from './parseNetwork.js';
import { NETWORK_ROOT } from './schema.js';

export interface ValidateNetworkResult {
  document: XmlDocument;
  network?: Network;
  diagnostics: Diagnostic[];
  /** true when no diagnostic is an error (all of them are about the document) */
  valid: boolean;
}

/**
 * Parses and validates a network definition as libvirt's net-define does: well-formedness,
 * structure (the network table), then the checks of libvirt's network parser.
 */
export function validateNetwork(text: string): ValidateNetworkResult {
  const { document, network, diagnostics } = parseNetwork(text);
  if (network !== undefined) {
    validateStructure(document, diagnostics, NETWORK_ROOT);
    validateNetworkRules(network, diagnostics);
  }
  sortDiagnostics(diagnostics);
  capDiagnostics(diagnostics);
  const result: ValidateNetworkResult = { document, diagnostics, valid: isValidDocument(diagnostics) };
  if (network !== undefined) result.network = network;
  return result;
}
