import { applyEdits, parseDomain } from '@virtdeck/schema';
import { formEdits } from './formEdits';

export interface VersionToRestore {
  text: string;
  /** The name the version gave the guest, when it was not the guest's name now (it was renamed since). */
  namedThen?: string;
}

/**
 * A version kept before a rename names the guest as it was called then. Restored as it
 * is, its save would rename the guest back; it is restored under the guest's name now,
 * with only the text of `<name>` changed. A text that does not read as a domain is left
 * as it is, for the save to refuse with its reasons.
 */
export function versionUnderName(text: string, name: string): VersionToRestore {
  const { document, domain } = parseDomain(text);
  if (!domain || domain.name === name) return { text };
  return { text: applyEdits(text, formEdits(document, domain, { kind: 'name', value: name })), namedThen: domain.name };
}
